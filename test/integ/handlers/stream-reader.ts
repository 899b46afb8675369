/**
 * Test-only reader of the end-to-end test (integ.streaming-pipeline.ts): reads every shard of a stream from
 * TRIM_HORIZON to its tip and answers the JSON records of the given users, one per event id (the pipeline delivers
 * at least once), sorted by event id. A single GetRecords call may answer nothing even when records follow, so the
 * reader follows each shard's iterator until it is no longer behind the tip.
 */
import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';

export interface StreamReaderEvent {
  readonly streamName: string;
  /** Records whose `user_id` is one of these are answered; the others are ignored. */
  readonly userIds: string[];
}

export interface StreamReaderResult {
  readonly records: Record<string, unknown>[];
}

/** Far more than the few records of a test; bounds the time a shard can take. */
const MAX_CALLS_PER_SHARD = 100;
/** GetRecords allows 5 calls per second and shard. */
const CALL_INTERVAL_MS = 250;

const kinesis = new KinesisClient({});

export async function handler(event: StreamReaderEvent): Promise<StreamReaderResult> {
  const users = new Set(event.userIds);
  const byEventId = new Map<string, Record<string, unknown>>();
  for (const shardId of await shardIds(event.streamName)) {
    for (const record of await readShard(event.streamName, shardId)) {
      if (users.has(String(record.user_id)) && !byEventId.has(String(record.event_id))) {
        byEventId.set(String(record.event_id), record);
      }
    }
  }
  const records = [...byEventId.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, record]) => record);
  return { records };
}

async function shardIds(streamName: string): Promise<string[]> {
  const ids: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await kinesis.send(new ListShardsCommand(nextToken ? { NextToken: nextToken } : { StreamName: streamName }));
    ids.push(...(page.Shards ?? []).map(shard => shard.ShardId!));
    nextToken = page.NextToken;
  } while (nextToken);
  return ids;
}

async function readShard(streamName: string, shardId: string): Promise<Record<string, unknown>[]> {
  const records: Record<string, unknown>[] = [];
  let iterator = (await kinesis.send(new GetShardIteratorCommand({
    StreamName: streamName, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON',
  }))).ShardIterator;
  for (let call = 0; iterator !== undefined && call < MAX_CALLS_PER_SHARD; call++) {
    const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator }));
    for (const record of page.Records ?? []) {
      const parsed = parseJson(Buffer.from(record.Data ?? new Uint8Array()).toString('utf8'));
      if (parsed !== undefined) {
        records.push(parsed);
      }
    }
    if ((page.Records ?? []).length === 0 && page.MillisBehindLatest === 0) {
      break;
    }
    iterator = page.NextShardIterator;
    await new Promise(resolve => setTimeout(resolve, CALL_INTERVAL_MS));
  }
  return records;
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}
