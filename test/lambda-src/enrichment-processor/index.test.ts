import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { seedEvent } from './fixtures';
import { HandlerHarness, startHandlerHarness } from './harness';
import { DEAD_LETTER_SOURCE, sendDeadLetters } from '../../../lambda-src/enrichment-processor/dead-letter';
import { publishEntries, PutEntry } from '../../../lambda-src/enrichment-processor/publish';

let harness: HandlerHarness;

beforeAll(async () => {
  harness = await startHandlerHarness();
});

afterAll(async () => {
  await harness.stop();
});

const deliver = (payloads: ReadonlyArray<Record<string, unknown> | string>) => harness.deliver(payloads);
const invoke = (event: Parameters<HandlerHarness['invoke']>[0]) => harness.invoke(event);

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

  test('forwards every valid record and sends each invalid one to the dead-letter queue with its data, reasons and position', async () => {
    const payloads = [seedEvent(10), seedEvent(11), seedEvent(12, { timestamp: 'yesterday' }), seedEvent(13), 'not json'];
    const event = await deliver(payloads);

    const { response, published, deadLetters } = await invoke(event);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(published.map((r) => (r.json as Record<string, unknown>).event_id)).toEqual(['evt-10', 'evt-11', 'evt-13']);
    expect(deadLetters).toEqual([2, 4].map((i) => ({
      source: DEAD_LETTER_SOURCE,
      reasons: i === 2 ? ['field "timestamp" must be an ISO-8601 timestamp, got "yesterday"'] : ['record data is not valid JSON'],
      eventSourceARN: event.Records[i].eventSourceARN,
      shardId: 'shardId-000000000000',
      sequenceNumber: event.Records[i].kinesis.sequenceNumber,
      partitionKey: event.Records[i].kinesis.partitionKey,
      approximateArrivalTimestamp: new Date(event.Records[i].kinesis.approximateArrivalTimestamp * 1000).toISOString(),
      data: event.Records[i].kinesis.data,
      dataBytes: Buffer.byteLength(typeof payloads[i] === 'string' ? payloads[i] as string : JSON.stringify(payloads[i])),
    })));
    expect(Buffer.from(deadLetters[1].data!, 'base64').toString()).toBe('not json');
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
    await harness.kinesis.createStream(stream, 1);
    const entries: PutEntry[] = Array.from({ length: 12 }, (_, i) => ({
      data: Buffer.from(JSON.stringify({ i, pad: 'x'.repeat(900_000) })),
      partitionKey: `key-${i}`,
    }));
    const requestSizes: number[] = [];
    const client = {
      send: (command: PutRecordsCommand) => {
        requestSizes.push(command.input.Records!.length);
        return harness.kinesis.client.send(command);
      },
    };

    const result = await publishEntries(entries, { client, streamName: stream, sleep: async () => {}, random: Math.random });

    expect(result).toEqual({ failures: [], attempts: 1 });
    expect(requestSizes).toEqual([5, 5, 2]);
    const stored = await harness.kinesis.readAll(stream);
    expect(stored.map((r) => (r.json as { i: number }).i)).toEqual(entries.map((_, i) => i));
    expect(stored.map((r) => r.partitionKey)).toEqual(entries.map((e) => e.partitionKey));
  });

  test('reports every entry as failed when the stream does not exist', async () => {
    const entries: PutEntry[] = [{ data: Buffer.from('{}'), partitionKey: 'k' }, { data: Buffer.from('{}'), partitionKey: 'k' }];

    const result = await publishEntries(entries, { client: harness.kinesis.client, streamName: 'no-such-stream', sleep: async () => {}, random: Math.random });

    expect(result.attempts).toBe(1);
    expect(result.failures.map((f) => [f.index, f.errorCode])).toEqual([[0, 'ResourceNotFoundException'], [1, 'ResourceNotFoundException']]);
  });
});

describe('sendDeadLetters against moto', () => {
  const letter = (index: number, bytes: number) => ({ index, body: JSON.stringify({ index, pad: 'x'.repeat(bytes) }) });

  test('delivers every message, one per request in batch order, up to the 1 MiB message limit', async () => {
    const queueUrl = await harness.sqs.createQueue('split-test');
    const letters = [...Array.from({ length: 12 }, (_, i) => letter(i, 10)), letter(12, 1_000_000), letter(13, 600_000)];
    const sizes: number[] = [];
    const client = {
      send: (command: SendMessageBatchCommand) => {
        sizes.push(command.input.Entries!.length);
        return harness.sqs.client.send(command);
      },
    };

    const failures = await sendDeadLetters(letters, { client, queueUrl, sleep: async () => {}, random: Math.random });

    expect(failures).toEqual([]);
    expect(sizes).toEqual(letters.map(() => 1));
    const received = (await harness.sqs.drain(queueUrl)).map((body) => (JSON.parse(body) as { index: number }).index);
    expect(received.sort((a, b) => a - b)).toEqual(letters.map((l) => l.index));
  });

  test('reports every message as failed when the queue does not exist', async () => {
    const queueUrl = `${await harness.sqs.createQueue('exists')}-not`;

    const failures = await sendDeadLetters([letter(3, 1), letter(5, 1)], {
      client: harness.sqs.client, queueUrl, sleep: async () => {}, random: Math.random,
    });

    expect(failures.map((f) => [f.index, f.errorCode])).toEqual([[3, 'QueueDoesNotExist'], [5, 'QueueDoesNotExist']]);
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
