import {
  CreateStreamCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
} from '@aws-sdk/client-kinesis';
import kinesalite from 'kinesalite';
import { closeEmulator, emulatorClientConfig, listenOnLoopback } from './emulator';

export { TEST_CREDENTIALS, TEST_REGION } from './emulator';

export interface StreamRecord {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly data: Uint8Array;
  /** Record data decoded as UTF-8. */
  readonly text: string;
  /** Record data parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
  readonly approximateArrivalTimestamp?: Date;
}

export interface Kinesalite {
  /** Base URL, usable as AWS_ENDPOINT_URL_KINESIS. */
  readonly endpoint: string;
  readonly client: KinesisClient;
  /** Creates a stream and waits until it is ACTIVE; returns its ARN. */
  createStream(name: string, shards: number): Promise<string>;
  /** Every record in the stream, shard by shard in shard order, each shard in sequence order. */
  readAll(streamName: string): Promise<StreamRecord[]>;
  stop(): Promise<void>;
}

/** Starts an in-memory kinesalite on an ephemeral port, so tests can run in parallel without clashing. */
export async function startKinesalite(): Promise<Kinesalite> {
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0 });
  const endpoint = await listenOnLoopback(server);
  const client = new KinesisClient(emulatorClientConfig(endpoint));

  async function createStream(name: string, shards: number): Promise<string> {
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
    // kinesalite activates streams on a timer even with createStreamMs 0.
    for (;;) {
      const { StreamDescriptionSummary: summary } = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
      if (summary?.StreamStatus === 'ACTIVE') {
        return summary.StreamARN!;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async function readAll(streamName: string): Promise<StreamRecord[]> {
    const { StreamDescription: description } = await client.send(new DescribeStreamCommand({ StreamName: streamName }));
    const records: StreamRecord[] = [];
    for (const shard of description?.Shards ?? []) {
      const { ShardIterator: first } = await client.send(new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: shard.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }));
      let iterator = first;
      while (iterator !== undefined) {
        const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
        const batch = page.Records ?? [];
        if (batch.length === 0) break;
        for (const r of batch) {
          const text = Buffer.from(r.Data!).toString('utf8');
          records.push({
            shardId: shard.ShardId!,
            sequenceNumber: r.SequenceNumber!,
            partitionKey: r.PartitionKey!,
            data: r.Data!,
            text,
            json: parseOrUndefined(text),
            approximateArrivalTimestamp: r.ApproximateArrivalTimestamp,
          });
        }
        iterator = page.NextShardIterator;
      }
    }
    return records;
  }

  async function stop(): Promise<void> {
    client.destroy();
    await closeEmulator(server);
  }

  return { endpoint, client, createStream, readAll, stop };
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
