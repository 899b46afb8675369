import { PutRecordsCommand, PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { ChunkLimits, chunkBySize } from './groups';
import { attemptInGroups, ItemFailure, RetryDeps, retryUndone } from './retry';

export interface PutEntry {
  readonly data: Uint8Array;
  readonly partitionKey: string;
}

const MiB = 1024 * 1024;

/** Service quotas for one PutRecords request; the 1 MiB and 5 MiB limits count partition key bytes too. */
export const PUT_RECORDS_LIMITS: ChunkLimits = { maxRecords: 500, maxBytes: 5 * MiB, maxEntryBytes: MiB };

export function entrySize(entry: PutEntry): number {
  return entry.data.byteLength + Buffer.byteLength(entry.partitionKey, 'utf8');
}

/** Greedy split that keeps input order, so each partition key's records reach their shard in arrival order. */
export function chunkEntries<T extends PutEntry>(entries: readonly T[], limits: ChunkLimits = PUT_RECORDS_LIMITS): T[][] {
  return chunkBySize(entries, entrySize, limits, 'PutRecords entry');
}

/** The narrow slice of KinesisClient used here, so tests can inject faults kinesalite cannot produce. */
export interface PutRecordsClient {
  send(command: PutRecordsCommand): Promise<PutRecordsCommandOutput>;
}

export interface PublishDeps extends RetryDeps {
  readonly client: PutRecordsClient;
  readonly streamName: string;
  readonly limits?: ChunkLimits;
}

export interface PublishFailure extends ItemFailure {
  readonly index: number;
}

export interface PublishResult {
  /** Entries that were not accepted after all attempts, by ascending input index. */
  readonly failures: readonly PublishFailure[];
  readonly attempts: number;
}

interface IndexedEntry extends PutEntry {
  readonly index: number;
}

/** Sends entries with PutRecords, retrying only the entries that failed. */
export async function publishEntries(entries: readonly PutEntry[], deps: PublishDeps): Promise<PublishResult> {
  const lastError = new Map<IndexedEntry, ItemFailure>();
  const putChunk = async (chunk: readonly IndexedEntry[]): Promise<IndexedEntry[]> => {
    const output = await deps.client.send(new PutRecordsCommand({
      StreamName: deps.streamName,
      Records: chunk.map((e) => ({ Data: e.data, PartitionKey: e.partitionKey })),
    }));
    const results = output.Records ?? [];
    if (results.length !== chunk.length) {
      // Without one result per entry we cannot tell what was stored, so treat the whole request as failed.
      const error = { errorCode: 'MalformedResponse', errorMessage: `PutRecords returned ${results.length} results for ${chunk.length} entries` };
      chunk.forEach((e) => lastError.set(e, error));
      return [...chunk];
    }
    return chunk.filter((entry, j) => {
      const { ErrorCode: errorCode, ErrorMessage: errorMessage } = results[j];
      if (errorCode !== undefined) {
        lastError.set(entry, { errorCode, errorMessage: errorMessage ?? '' });
      }
      return errorCode !== undefined;
    });
  };
  const { remaining, attempts } = await retryUndone(
    entries.map((entry, index) => ({ data: entry.data, partitionKey: entry.partitionKey, index })),
    // Chunks go one after another so that each shard receives its records in input order.
    (pending) => attemptInGroups(chunkEntries(pending, deps.limits), putChunk, lastError),
    deps,
  );
  const failures = remaining
    .map((e) => ({ index: e.index, ...lastError.get(e)! }))
    .sort((a, b) => a.index - b.index);
  return { failures, attempts };
}
