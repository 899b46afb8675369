import { seedEvent } from './fixtures';
import { HandlerHarness, LAMBDA_CONTEXT, OUTPUT_STREAM, startHandlerHarness } from './harness';
import { startValkey, Valkey } from '../../support/valkey';

const TABLE = 'user-profiles';
let valkey: Valkey;
let harness: HandlerHarness;

beforeAll(async () => {
  valkey = await startValkey();
  harness = await startHandlerHarness({
    dynamo: async (dynamo) => {
      await dynamo.createTable(TABLE, 'user_id');
      await dynamo.putItems(TABLE, [{ user_id: { S: 'user-0' }, tier: { S: 'gold' } }]);
    },
    environment: () => ({
      REFERENCE_TABLE_NAME: TABLE,
      REFERENCE_CACHE_ENDPOINT: `${valkey.host}:${valkey.port}`,
      REFERENCE_CACHE_TLS: 'false',
    }),
  });
});

afterAll(async () => {
  await harness.stop();
  await valkey.stop();
});

describe('handler with the shared reference cache on a real Valkey server', () => {
  test('a new execution environment is served from the shared cache, not the table', async () => {
    const first = await harness.invoke(await harness.deliver([seedEvent(0), seedEvent(1)]));
    // Changing the table proves where the next answers come from.
    await harness.dynamo!.putItems(TABLE, [{ user_id: { S: 'user-0' }, tier: { S: 'changed' } }, { user_id: { S: 'user-1' }, tier: { S: 'new' } }]);

    // A cold start elsewhere: a fresh module, so an empty in-process cache.
    const event = await harness.deliver([seedEvent(3), seedEvent(4)]);
    let response: unknown;
    await jest.isolateModulesAsync(async () => {
      const { handler } = jest.requireActual<typeof import('../../../lambda-src/enrichment-processor/index')>('../../../lambda-src/enrichment-processor/index');
      response = await handler(event, LAMBDA_CONTEXT);
    });

    expect(first.response).toEqual({ batchItemFailures: [] });
    expect(response).toEqual({ batchItemFailures: [] });
    const published = (await harness.kinesis.readAll(OUTPUT_STREAM)).slice(-2).map((r) => (r.json as { user_profile: unknown }).user_profile);
    expect(published).toEqual([{ user_id: 'user-0', tier: 'gold' }, null]);
    expect(JSON.parse(await valkey.client.get('profile:user-0') as string)).toEqual({ user_id: 'user-0', tier: 'gold' });
    expect(await valkey.client.get('profile:user-1')).toBe('null');
  });
});
