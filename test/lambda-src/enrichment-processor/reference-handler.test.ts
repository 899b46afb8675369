import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { importHandlerWith, seedEvent, toKinesisEvent } from './fixtures';
import { Dynalite, startDynalite } from '../../support/dynalite';
import { Kinesalite, startKinesalite } from '../../support/kinesalite';

type Handler = (event: KinesisStreamEvent, context: Context) => Promise<KinesisStreamBatchResponse>;

const INPUT_STREAM = 'raw-events';
const OUTPUT_STREAM = 'enriched-events';
const TABLE = 'user-profiles';

const context = {
  functionName: 'enrichment-processor',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  getRemainingTimeInMillis: () => 60_000,
} as Context;

let kinesis: Kinesalite;
let dynamo: Dynalite;
let inputArn: string;
let handler: Handler;
const savedEnv = { ...process.env };
// Counts the handler's real requests to dynalite; the emulator still answers every one.
const dynamoSend = jest.spyOn(DynamoDBClient.prototype, 'send');

beforeAll(async () => {
  [kinesis, dynamo] = await Promise.all([startKinesalite(), startDynalite()]);
  inputArn = await kinesis.createStream(INPUT_STREAM, 1);
  await kinesis.createStream(OUTPUT_STREAM, 1);
  await dynamo.createTable(TABLE, 'user_id');
  await dynamo.putItems(TABLE, [
    { user_id: { S: 'user-0' }, name: { S: 'Ada' }, tier: { S: 'gold' }, visits: { N: '12' }, internal_note: { S: 'not for the stream' } },
    { user_id: { S: 'user-1' }, name: { S: 'Grace' }, tier: { S: 'silver' }, visits: { N: '3' }, internal_note: { S: 'hidden' } },
  ]);
  handler = importHandlerWith(kinesis.endpoint, OUTPUT_STREAM, {
    REFERENCE_TABLE_NAME: TABLE,
    REFERENCE_ATTRIBUTES: 'name,tier,visits',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
  });
});

afterAll(async () => {
  process.env = savedEnv;
  dynamoSend.mockRestore();
  await Promise.all([kinesis.stop(), dynamo.stop()]);
});

async function deliver(payloads: ReadonlyArray<Record<string, unknown>>): Promise<KinesisStreamEvent> {
  const before = (await kinesis.readAll(INPUT_STREAM)).length;
  await kinesis.client.send(new PutRecordsCommand({
    StreamName: INPUT_STREAM,
    Records: payloads.map((p, i) => ({ Data: Buffer.from(JSON.stringify(p)), PartitionKey: `producer-key-${i}` })),
  }));
  return toKinesisEvent((await kinesis.readAll(INPUT_STREAM)).slice(before), inputArn);
}

async function invoke(event: KinesisStreamEvent) {
  const before = (await kinesis.readAll(OUTPUT_STREAM)).length;
  const requestsBefore = dynamoSend.mock.calls.length;
  const response = await handler(event, context);
  const published = (await kinesis.readAll(OUTPUT_STREAM)).slice(before).map((r) => r.json as Record<string, unknown>);
  return { response, published, dynamoRequests: dynamoSend.mock.calls.length - requestsBefore };
}

describe('handler with reference data from dynalite', () => {
  test('known users carry their projected profile, unknown users null; a warm invocation is served from the cache', async () => {
    const events = [seedEvent(0), seedEvent(1), seedEvent(2), seedEvent(3), seedEvent(4, { user_id: 'user-9' })];

    const cold = await invoke(await deliver(events));

    expect(cold.response).toEqual({ batchItemFailures: [] });
    expect(cold.dynamoRequests).toBe(1);
    expect(cold.published.map((r) => [r.event_id, r.user_profile])).toEqual([
      ['evt-0', { name: 'Ada', tier: 'gold', visits: 12 }],
      ['evt-1', { name: 'Grace', tier: 'silver', visits: 3 }],
      ['evt-2', null],
      ['evt-3', { name: 'Ada', tier: 'gold', visits: 12 }],
      ['evt-4', null],
    ]);

    // Changing the table proves the warm invocation did not read it: the cache answers, including "not found".
    await dynamo.putItems(TABLE, [{ user_id: { S: 'user-2' }, name: { S: 'Barbara' } }]);
    const warm = await invoke(await deliver([seedEvent(5), seedEvent(6), seedEvent(7), seedEvent(8, { user_id: 'user-9' })]));

    expect(warm.response).toEqual({ batchItemFailures: [] });
    expect(warm.dynamoRequests).toBe(0);
    expect(warm.published.map((r) => r.user_profile)).toEqual([null, { name: 'Ada', tier: 'gold', visits: 12 }, { name: 'Grace', tier: 'silver', visits: 3 }, null]);
  });

  test('a user not seen before is fetched, and only that user', async () => {
    await dynamo.putItems(TABLE, [{ user_id: { S: 'user-new' }, name: { S: 'Linus' } }]);

    const { response, published, dynamoRequests } = await invoke(await deliver([seedEvent(10, { user_id: 'user-new' }), seedEvent(11, { user_id: 'user-1' })]));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(dynamoRequests).toBe(1);
    expect(dynamoSend.mock.calls.at(-1)![0].input).toEqual(expect.objectContaining({
      RequestItems: { [TABLE]: expect.objectContaining({ Keys: [{ user_id: { S: 'user-new' } }] }) },
    }));
    expect(published.map((r) => r.user_profile)).toEqual([{ name: 'Linus' }, { name: 'Grace', tier: 'silver', visits: 3 }]);
  });

  test('a missing table reports the first record that needs a lookup and forwards nothing from there on', async () => {
    const saved = process.env.REFERENCE_TABLE_NAME;
    process.env.REFERENCE_TABLE_NAME = 'no-such-table';
    try {
      await jest.isolateModulesAsync(async () => {
        const { handler: isolated } = jest.requireActual<typeof import('../../../lambda-src/enrichment-processor/index')>('../../../lambda-src/enrichment-processor/index');
        const event = await deliver([seedEvent(20, { user_id: '' }), seedEvent(21), seedEvent(22, { user_id: '' })]);
        const before = (await kinesis.readAll(OUTPUT_STREAM)).length;

        const response = await isolated(event, context);

        expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[1].kinesis.sequenceNumber }] });
        const published = (await kinesis.readAll(OUTPUT_STREAM)).slice(before).map((r) => r.json as Record<string, unknown>);
        expect(published.map((r) => [r.event_id, r.user_profile])).toEqual([['evt-20', null]]);
      });
    } finally {
      process.env.REFERENCE_TABLE_NAME = saved;
    }
  });
});
