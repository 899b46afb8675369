import { PutRecordsCommand, PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';

export interface PutEntry {
  readonly data: Uint8Array;
  readonly partitionKey: string;
}

export interface ChunkLimits {
  readonly maxRecords: number;
  readonly maxBytes: number;
  readonly maxEntryBytes: number;
}

const MiB = 1024 * 1024;

/** Service quotas for one PutRecords request; the 1 MiB and 5 MiB limits count partition key bytes too. */
export const PUT_RECORDS_LIMITS: ChunkLimits = { maxRecords: 500, maxBytes: 5 * MiB, maxEntryBytes: MiB };

export function entrySize(entry: PutEntry): number {
  return entry.data.byteLength + Buffer.byteLength(entry.partitionKey, 'utf8');
}

/** Greedy split that keeps input order, so each partition key's records reach their shard in arrival order. */
export function chunkEntries<T extends PutEntry>(entries: readonly T[], limits: ChunkLimits = PUT_RECORDS_LIMITS): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let currentBytes = 0;
  for (const entry of entries) {
    const size = entrySize(entry);
    if (size > limits.maxEntryBytes) {
      // One oversized entry would make Kinesis reject every other entry in its request.
      throw new RangeError(`PutRecords entry is ${size} bytes, over the ${limits.maxEntryBytes}-byte limit`);
    }
    if (current.length === limits.maxRecords || currentBytes + size > limits.maxBytes) {
      chunks.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(entry);
    currentBytes += size;
  }
  if (current.length > 0) {
    chunks.push(current);
  }
  return chunks;
}

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 5000 };

/** Full jitter: spreads retries of concurrently throttled shards' consumers instead of retrying in lockstep. */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/** The narrow slice of KinesisClient used here, so tests can inject faults kinesalite cannot produce. */
export interface PutRecordsClient {
  send(command: PutRecordsCommand): Promise<PutRecordsCommandOutput>;
}

export interface PublishDeps {
  readonly client: PutRecordsClient;
  readonly streamName: string;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly retryPolicy?: RetryPolicy;
  readonly limits?: ChunkLimits;
}

export interface PublishFailure {
  readonly index: number;
  readonly errorCode: string;
  readonly errorMessage: string;
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
  const policy = deps.retryPolicy ?? DEFAULT_RETRY_POLICY;
  const lastError = new Map<number, Omit<PublishFailure, 'index'>>();
  let pending: IndexedEntry[] = entries.map((entry, index) => ({ ...entry, index }));
  let attempts = 0;

  // At least one attempt, so every entry reported as failed carries the error that failed it.
  const maxAttempts = Math.max(1, policy.maxAttempts);
  while (pending.length > 0 && attempts < maxAttempts) {
    if (attempts > 0) {
      await deps.sleep(backoffDelay(attempts, policy, deps.random));
    }
    attempts++;
    const failed: IndexedEntry[] = [];
    const chunks = chunkEntries(pending, deps.limits);
    for (const [c, chunk] of chunks.entries()) {
      let output: PutRecordsCommandOutput;
      try {
        output = await deps.client.send(new PutRecordsCommand({
          StreamName: deps.streamName,
          Records: chunk.map((e) => ({ Data: e.data, PartitionKey: e.partitionKey })),
        }));
      } catch (err) {
        const error = describeError(err);
        if (!isRetriable(err)) {
          // Stream-level faults such as a missing stream or denied access will not heal within this invocation.
          const unsent = chunks.slice(c).flat();
          unsent.forEach((e) => lastError.set(e.index, error));
          return { failures: toFailures([...failed, ...unsent], lastError), attempts };
        }
        chunk.forEach((e) => lastError.set(e.index, error));
        failed.push(...chunk);
        continue;
      }
      const results = output.Records ?? [];
      if (results.length !== chunk.length) {
        // Without one result per entry we cannot tell what was stored, so treat the whole request as failed.
        chunk.forEach((e) => lastError.set(e.index, {
          errorCode: 'MalformedResponse',
          errorMessage: `PutRecords returned ${results.length} results for ${chunk.length} entries`,
        }));
        failed.push(...chunk);
        continue;
      }
      results.forEach((result, j) => {
        if (result.ErrorCode !== undefined) {
          lastError.set(chunk[j].index, { errorCode: result.ErrorCode, errorMessage: result.ErrorMessage ?? '' });
          failed.push(chunk[j]);
        }
      });
    }
    pending = failed;
  }
  return { failures: toFailures(pending, lastError), attempts };
}

function toFailures(entries: readonly IndexedEntry[], lastError: Map<number, Omit<PublishFailure, 'index'>>): PublishFailure[] {
  return entries
    .map((e) => ({ index: e.index, ...lastError.get(e.index)! }))
    .sort((a, b) => a.index - b.index);
}

const RETRIABLE_ERROR_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'KMSThrottlingException',
  'InternalFailure',
  'InternalFailureException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

const RETRIABLE_NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
]);

export function isRetriable(err: unknown): boolean {
  if (!(err instanceof Error)) {
    return false;
  }
  const { code, $metadata, $retryable } = err as Error & {
    code?: string;
    $metadata?: { httpStatusCode?: number };
    $retryable?: unknown;
  };
  return RETRIABLE_ERROR_NAMES.has(err.name)
    || (code !== undefined && RETRIABLE_NETWORK_CODES.has(code))
    || ($metadata?.httpStatusCode ?? 0) >= 500
    || $retryable !== undefined;
}

export function describeError(err: unknown): Omit<PublishFailure, 'index'> {
  return err instanceof Error
    ? { errorCode: err.name, errorMessage: err.message }
    : { errorCode: 'UnknownError', errorMessage: String(err) };
}
