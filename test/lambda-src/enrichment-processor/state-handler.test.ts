import { seedEvent } from './fixtures';
import { HandlerHarness, startHandlerHarness } from './harness';
import { sessionId } from '../../../lambda-src/enrichment-processor/sessions';

const TABLE = 'processor-state';
let harness: HandlerHarness;

beforeAll(async () => {
  harness = await startHandlerHarness({
    dynamo: (dynamo) => dynamo.createTable(TABLE, 'pk').then(() => undefined),
    environment: () => ({ STATE_TABLE_NAME: TABLE, SESSION_GAP_SECONDS: '1800', DEDUP_WINDOW_SECONDS: '86400' }),
  });
});

afterAll(async () => {
  await harness.stop();
});

const json = (records: ReadonlyArray<{ json: unknown }>) => records.map((r) => r.json as Record<string, unknown>);

describe('handler with sessionization and deduplication against dynalite', () => {
  test('drops repeats of an event id, in the batch and across invocations, and keeps sessions across invocations', async () => {
    const at = (minute: number) => new Date(Date.UTC(2024, 0, 15, 10, minute)).toISOString().replace('.000', '');
    const first = await harness.invoke(await harness.deliver([
      seedEvent(1, { user_id: 'ada', timestamp: at(0) }),
      seedEvent(2, { user_id: 'ada', timestamp: at(10) }),
      seedEvent(1, { user_id: 'ada', timestamp: at(0) }),
    ]));
    const second = await harness.invoke(await harness.deliver([
      seedEvent(2, { user_id: 'ada', timestamp: at(10) }),
      seedEvent(3, { user_id: 'ada', timestamp: at(30) }),
      seedEvent(4, { user_id: 'ada', timestamp: at(59) }),
    ]));

    expect(first.response).toEqual({ batchItemFailures: [] });
    expect(second.response).toEqual({ batchItemFailures: [] });
    const ada = sessionId('ada', Date.UTC(2024, 0, 15, 10, 0));
    expect(json(first.published).map((r) => [r.event_id, r.session_id])).toEqual([['evt-1', ada], ['evt-2', ada]]);
    expect(json(second.published).map((r) => [r.event_id, r.session_id])).toEqual([
      ['evt-3', ada],
      ['evt-4', ada],
    ]);
  });

  test('a retried batch publishes nothing it already delivered; records it stopped before get the same sessions', async () => {
    const event = await harness.deliver([
      seedEvent(10, { user_id: 'bob', timestamp: '2024-01-15T12:00:00Z' }),
      seedEvent(11, { user_id: 'bob', timestamp: '2024-01-15T13:00:00Z' }),
    ]);
    const first = await harness.invoke(event);
    // Kinesis redelivers the same records (same positions) after, say, a Lambda timeout: their delivery is confirmed.
    const retry = await harness.invoke(event);

    expect(retry.response).toEqual({ batchItemFailures: [] });
    expect(retry.published).toEqual([]);
    expect(new Set(json(first.published).map((r) => r.session_id)).size).toBe(2);
  });
});
