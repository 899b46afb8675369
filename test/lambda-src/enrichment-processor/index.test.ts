import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { importHandlerWith, seedEvent, toKinesisEvent } from './fixtures';
import { publishEntries, PutEntry } from '../../../lambda-src/enrichment-processor/publish';
import { Kinesalite, startKinesalite } from '../../support/kinesalite';

type Handler = (event: KinesisStreamEvent, context: Context) => Promise<KinesisStreamBatchResponse>;

const INPUT_STREAM = 'raw-events';
const OUTPUT_STREAM = 'enriched-events';

const context: Context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'enrichment-processor',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:enrichment-processor',
  memoryLimitInMB: '256',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: '/aws/lambda/enrichment-processor',
  logStreamName: '2024/06/01/[$LATEST]abcdef',
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

let kinesis: Kinesalite;
let inputArn: string;
let handler: Handler;
const savedEnv = { ...process.env };

beforeAll(async () => {
  kinesis = await startKinesalite();
  inputArn = await kinesis.createStream(INPUT_STREAM, 1);
  // One output shard, so the stream's order is the order the handler published in.
  await kinesis.createStream(OUTPUT_STREAM, 1);
  handler = importHandlerWith(kinesis.endpoint, OUTPUT_STREAM);
});

afterAll(async () => {
  process.env = savedEnv;
  await kinesis.stop();
});

/** Writes payloads to the input stream and returns the batch Lambda would deliver for them. */
async function deliver(payloads: ReadonlyArray<Record<string, unknown> | string>): Promise<KinesisStreamEvent> {
  const before = (await kinesis.readAll(INPUT_STREAM)).length;
  for (let start = 0; start < payloads.length; start += 500) {
    await kinesis.client.send(new PutRecordsCommand({
      StreamName: INPUT_STREAM,
      Records: payloads.slice(start, start + 500).map((p, i) => ({
        Data: Buffer.from(typeof p === 'string' ? p : JSON.stringify(p)),
        PartitionKey: `producer-key-${start + i}`,
      })),
    }));
  }
  return toKinesisEvent((await kinesis.readAll(INPUT_STREAM)).slice(before), inputArn);
}

/** Runs the handler and returns what it added to the output stream. */
async function invoke(event: KinesisStreamEvent) {
  const before = (await kinesis.readAll(OUTPUT_STREAM)).length;
  const response = await handler(event, context);
  const published = (await kinesis.readAll(OUTPUT_STREAM)).slice(before);
  return { response, published };
}

describe('handler against kinesalite', () => {
  test('publishes enriched seed events in order, keyed by user_id', async () => {
    const events = [0, 1, 2, 3, 4, 5].map((i) => seedEvent(i));
    const startedAt = Date.now();

    const { response, published } = await invoke(await deliver(events));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(published.map((r) => r.partitionKey)).toEqual(events.map((e) => e.user_id));
    published.forEach((record, i) => {
      const { processed_at: processedAt, ...rest } = record.json as Record<string, unknown>;
      expect(rest).toEqual(events[i]);
      expect(processedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(Date.parse(processedAt as string)).toBeGreaterThanOrEqual(startedAt - 1000);
    });
  });

  test('falls back to the producer partition key when user_id cannot be used', async () => {
    // An empty string still satisfies a required string field, but Kinesis rejects an empty partition key.
    const event = await deliver([seedEvent(0, { user_id: '' })]);

    const { response, published } = await invoke(event);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(published.map((r) => r.partitionKey)).toEqual([event.Records[0].kinesis.partitionKey]);
  });

  test('forwards only the records before an invalid one and reports exactly that record', async () => {
    const payloads = [seedEvent(10), seedEvent(11), seedEvent(12, { timestamp: 'yesterday' }), seedEvent(13), 'not json'];
    const event = await deliver(payloads);

    const { response, published } = await invoke(event);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[2].kinesis.sequenceNumber }] });
    expect(published.map((r) => (r.json as Record<string, unknown>).event_id)).toEqual(['evt-10', 'evt-11']);
  });

  test('delivers a batch larger than one PutRecords request completely and in order', async () => {
    const events = Array.from({ length: 1234 }, (_, i) => seedEvent(1000 + i));

    const { response, published } = await invoke(await deliver(events));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(published.map((r) => (r.json as Record<string, unknown>).event_id)).toEqual(events.map((e) => e.event_id));
  });
});

describe('publishEntries against kinesalite', () => {
  test('splits by the 5 MiB request limit and stores every entry in order', async () => {
    const stream = 'large-records';
    await kinesis.createStream(stream, 1);
    const entries: PutEntry[] = Array.from({ length: 12 }, (_, i) => ({
      data: Buffer.from(JSON.stringify({ i, pad: 'x'.repeat(900_000) })),
      partitionKey: `key-${i}`,
    }));
    const requestSizes: number[] = [];
    const client = {
      send: (command: PutRecordsCommand) => {
        requestSizes.push(command.input.Records!.length);
        return kinesis.client.send(command);
      },
    };

    const result = await publishEntries(entries, { client, streamName: stream, sleep: async () => {}, random: Math.random });

    expect(result).toEqual({ failures: [], attempts: 1 });
    expect(requestSizes).toEqual([5, 5, 2]);
    const stored = await kinesis.readAll(stream);
    expect(stored.map((r) => (r.json as { i: number }).i)).toEqual(entries.map((_, i) => i));
    expect(stored.map((r) => r.partitionKey)).toEqual(entries.map((e) => e.partitionKey));
  });

  test('reports every entry as failed when the stream does not exist', async () => {
    const entries: PutEntry[] = [{ data: Buffer.from('{}'), partitionKey: 'k' }, { data: Buffer.from('{}'), partitionKey: 'k' }];

    const result = await publishEntries(entries, { client: kinesis.client, streamName: 'no-such-stream', sleep: async () => {}, random: Math.random });

    expect(result.attempts).toBe(1);
    expect(result.failures.map((f) => [f.index, f.errorCode])).toEqual([[0, 'ResourceNotFoundException'], [1, 'ResourceNotFoundException']]);
  });
});

describe('cold start', () => {
  test('fails with an error naming the missing variable', () => {
    const value = process.env.RECORD_SCHEMA;
    delete process.env.RECORD_SCHEMA;
    try {
      jest.isolateModules(() => {
        expect(() => jest.requireActual('../../../lambda-src/enrichment-processor/index')).toThrow('RECORD_SCHEMA is missing or empty');
      });
    } finally {
      process.env.RECORD_SCHEMA = value;
    }
  });
});
