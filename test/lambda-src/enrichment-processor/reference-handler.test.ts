import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisStreamEvent } from 'aws-lambda';
import { seedEvent } from './fixtures';
import { HandlerHarness, LAMBDA_CONTEXT, OUTPUT_STREAM, startHandlerHarness } from './harness';

const TABLE = 'user-profiles';

let harness: HandlerHarness;
// Counts the handler's real requests to dynalite; the emulator still answers every one.
const dynamoSend = jest.spyOn(DynamoDBClient.prototype, 'send');

beforeAll(async () => {
  harness = await startHandlerHarness({
    dynamo: async (dynamo) => {
      await dynamo.createTable(TABLE, 'user_id');
      await dynamo.putItems(TABLE, [
        { user_id: { S: 'user-0' }, name: { S: 'Ada' }, tier: { S: 'gold' }, visits: { N: '12' }, internal_note: { S: 'not for the stream' } },
        { user_id: { S: 'user-1' }, name: { S: 'Grace' }, tier: { S: 'silver' }, visits: { N: '3' }, internal_note: { S: 'hidden' } },
      ]);
    },
    environment: () => ({ REFERENCE_TABLE_NAME: TABLE, REFERENCE_ATTRIBUTES: 'name,tier,visits' }),
  });
});

afterAll(async () => {
  dynamoSend.mockRestore();
  await harness.stop();
});

const deliver = (payloads: ReadonlyArray<Record<string, unknown>>) => harness.deliver(payloads);

async function invoke(event: KinesisStreamEvent) {
  const requestsBefore = dynamoSend.mock.calls.length;
  const { response, published } = await harness.invoke(event);
  return {
    response,
    published: published.map((r) => r.json as Record<string, unknown>),
    dynamoRequests: dynamoSend.mock.calls.length - requestsBefore,
  };
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
    await harness.dynamo!.putItems(TABLE, [{ user_id: { S: 'user-2' }, name: { S: 'Barbara' } }]);
    const warm = await invoke(await deliver([seedEvent(5), seedEvent(6), seedEvent(7), seedEvent(8, { user_id: 'user-9' })]));

    expect(warm.response).toEqual({ batchItemFailures: [] });
    expect(warm.dynamoRequests).toBe(0);
    expect(warm.published.map((r) => r.user_profile)).toEqual([null, { name: 'Ada', tier: 'gold', visits: 12 }, { name: 'Grace', tier: 'silver', visits: 3 }, null]);
  });

  test('a user not seen before is fetched, and only that user', async () => {
    await harness.dynamo!.putItems(TABLE, [{ user_id: { S: 'user-new' }, name: { S: 'Linus' } }]);

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
        const before = (await harness.kinesis.readAll(OUTPUT_STREAM)).length;

        const response = await isolated(event, LAMBDA_CONTEXT);

        expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[1].kinesis.sequenceNumber }] });
        const published = (await harness.kinesis.readAll(OUTPUT_STREAM)).slice(before).map((r) => r.json as Record<string, unknown>);
        expect(published.map((r) => [r.event_id, r.user_profile])).toEqual([['evt-20', null]]);
      });
    } finally {
      process.env.REFERENCE_TABLE_NAME = saved;
    }
  });
});
