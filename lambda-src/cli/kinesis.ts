import {
  DescribeStreamSummaryCommand,
  DescribeStreamSummaryCommandOutput,
  KinesisClient,
  PutRecordsCommand,
  PutRecordsCommandOutput,
} from '@aws-sdk/client-kinesis';
import { ClientOptions, keepAliveHandler } from './aws';
import { PutRecordsClient } from './sender';
import { StreamTarget, streamParameters } from './stream';

/** The Kinesis calls the load command makes. */
export interface LoadClient extends PutRecordsClient {
  send(command: PutRecordsCommand): Promise<PutRecordsCommandOutput>;
  send(command: DescribeStreamSummaryCommand): Promise<DescribeStreamSummaryCommandOutput>;
  destroy(): void;
}

/** A Kinesis client on the SDK's default credential chain, over HTTP/1.1 keep-alive connections. */
export function createKinesisClient(options: ClientOptions): KinesisClient {
  return new KinesisClient({
    region: options.region,
    endpoint: options.endpointUrl,
    // The sender retries on its own, only the rejected entries; SDK retries would resend whole requests and hide latency.
    maxAttempts: 1,
    // A request that hangs fails, and the sender retries it.
    requestHandler: keepAliveHandler(options.maxSockets),
  });
}

/** What the pre-flight check found out about the stream. */
export interface StreamFacts {
  readonly status: string;
  readonly openShards?: number;
  /** PROVISIONED or ON_DEMAND; unset when the service does not say (emulators). */
  readonly mode?: string;
}

/** Per-shard write limit of a provisioned stream, in records per second. */
const SHARD_RECORDS_PER_SECOND = 1_000;

/** Describes the stream, so that a missing stream, a wrong region or missing credentials show before the run. */
export async function describeStream(client: LoadClient, target: StreamTarget): Promise<StreamFacts> {
  const { StreamDescriptionSummary: summary } = await client.send(new DescribeStreamSummaryCommand(streamParameters(target)));
  return {
    status: summary?.StreamStatus ?? 'UNKNOWN',
    openShards: summary?.OpenShardCount,
    mode: summary?.StreamModeDetails?.StreamMode,
  };
}

/** Whether the stream takes records now: ACTIVE, or UPDATING (resharding keeps it writable). */
export function isWritable(facts: StreamFacts): boolean {
  return facts.status === 'ACTIVE' || facts.status === 'UPDATING';
}

/** `4 open shards, PROVISIONED`, as far as known. */
export function describeFacts(facts: StreamFacts): string {
  const parts = [facts.openShards === undefined ? undefined : `${facts.openShards} open shard${facts.openShards === 1 ? '' : 's'}`, facts.mode];
  return parts.filter((part) => part !== undefined).join(', ');
}

/** A warning when a provisioned stream's shards cannot take the rate, so that throttling comes as no surprise. */
export function capacityWarning(facts: StreamFacts, ratePerSecond: number): string | undefined {
  if (facts.mode !== 'PROVISIONED' || facts.openShards === undefined) {
    return undefined;
  }
  const capacity = facts.openShards * SHARD_RECORDS_PER_SECOND;
  return ratePerSecond > capacity
    ? `${facts.openShards} open shards take at most ${capacity.toLocaleString('en-US')} records/s `
      + `(${SHARD_RECORDS_PER_SECOND.toLocaleString('en-US')} each): expect throttling at ${ratePerSecond.toLocaleString('en-US')} records/s`
    : undefined;
}
