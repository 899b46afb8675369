import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { awsError, recordingSleep } from './fixtures';
import { claimEvents, confirmDelivered, EventClaim } from '../../../lambda-src/enrichment-processor/deduplicate';
import { dynaliteTableForTests } from '../../support/dynalite';

const TABLE = 'processor-state';
const NOW = new Date('2024-01-15T10:00:00Z');
const emulator = dynaliteTableForTests(TABLE, 'pk');

function deps(now = NOW, client: { send: (command: never) => Promise<never> } = emulator().client as never) {
  const { sleeps, sleep } = recordingSleep();
  return { sleeps, deps: { config: { tableName: TABLE, idField: 'event_id', windowSeconds: 3600, leaseSeconds: 60 }, client, now, sleep, random: () => 0.5 } };
}

const claim = (index: number, eventId: string, position = `shardId-000000000000:${index}`): EventClaim => ({ index, eventId, position });

describe('claimEvents against dynalite', () => {
  test('claims new ids with an expiry one window ahead', async () => {
    const result = await claimEvents([claim(0, 'a-1'), claim(1, 'a-2')], deps().deps);

    expect(result).toEqual({ duplicates: new Set(), unavailable: new Map() });
    const { Item: item } = await emulator().client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'event#a-1' } } }));
    expect(item).toEqual({
      pk: { S: 'event#a-1' },
      position: { S: 'shardId-000000000000:0' },
      expires_at: { N: String(NOW.getTime() / 1000 + 3600) },
      lease_until: { N: String(NOW.getTime() / 1000 + 60) },
    });
  });

  test('a repeat from another position within the window is a duplicate; the same position takes its claim over', async () => {
    await claimEvents([claim(0, 'b-1', 'shardId-000000000000:100')], deps().deps);

    const result = await claimEvents([claim(5, 'b-1', 'shardId-000000000001:7'), claim(6, 'b-1', 'shardId-000000000000:100')], deps().deps);

    expect(result).toEqual({ duplicates: new Set([5]), unavailable: new Map() });
  });

  test('a claim that has expired is taken over by a repeat', async () => {
    await claimEvents([claim(0, 'c-1', 'p-1')], deps().deps);
    const later = new Date(NOW.getTime() + 3601 * 1000);

    expect((await claimEvents([claim(0, 'c-1', 'p-2')], deps(later).deps)).duplicates.size).toBe(0);
    expect((await claimEvents([claim(0, 'c-1', 'p-3')], deps(later).deps)).duplicates).toEqual(new Set([0]));
  });

  test('retries throttled claims and reports claims still failing as unavailable', async () => {
    let calls = 0;
    const flaky = {
      send: async (command: never) => {
        calls++;
        if ((command as { input: { Item: { pk: { S: string } } } }).input.Item.pk.S === 'event#d-2' || calls === 1) {
          throw awsError('ProvisionedThroughputExceededException');
        }
        return emulator().client.send(command);
      },
    };
    const { sleeps, deps: d } = deps(NOW, flaky as never);

    const result = await claimEvents([claim(0, 'd-1'), claim(1, 'd-2')], d);

    expect(result.duplicates.size).toBe(0);
    expect([...result.unavailable]).toEqual([[1, { errorCode: 'ProvisionedThroughputExceededException', errorMessage: 'ProvisionedThroughputExceededException from fake' }]]);
    expect(sleeps).toHaveLength(4);
  });

  test('a retry of a record whose delivery was confirmed is a duplicate; an unconfirmed one takes its claim over', async () => {
    const delivered = claim(0, 'e-1', 'p-1');
    const stopped = claim(1, 'e-2', 'p-2');
    await claimEvents([delivered, stopped], deps().deps);

    expect(await confirmDelivered([delivered], deps().deps as never)).toEqual([]);
    const retry = await claimEvents([delivered, stopped], deps().deps);

    expect(retry.duplicates).toEqual(new Set([0]));
  });

  test('after its lease, an undelivered claim is taken over by a repeat; a delivered one never is within the window', async () => {
    const undelivered = claim(0, 'f-1', 'p-1');
    const delivered = claim(1, 'f-2', 'p-2');
    await claimEvents([undelivered, delivered], deps().deps);
    await confirmDelivered([delivered], deps().deps as never);
    const afterLease = new Date(NOW.getTime() + 61 * 1000);

    const withinLease = await claimEvents([claim(0, 'f-1', 'p-9')], deps(new Date(NOW.getTime() + 30 * 1000)).deps);
    const replay = await claimEvents([claim(0, 'f-1', 'p-9'), claim(1, 'f-2', 'p-9')], deps(afterLease).deps);

    expect(withinLease.duplicates).toEqual(new Set([0]));
    expect(replay.duplicates).toEqual(new Set([1]));
  });
});
