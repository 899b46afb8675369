import * as fc from 'fast-check';
import { recordingSleep } from './fixtures';
import { LruCache } from '../../../lambda-src/enrichment-processor/lru-cache';
import { assignSessions, MAX_REMEMBERED_SESSIONS, sessionId, sessionize, SessionState } from '../../../lambda-src/enrichment-processor/sessions';
import { Dynalite, dynaliteTableForTests } from '../../support/dynalite';

const MINUTE = 60_000;
const GAP = 30 * MINUTE;
const T0 = Date.parse('2024-01-15T10:00:00Z');

describe('assignSessions', () => {
  test('events within the gap share a session; a longer pause starts a new one', () => {
    const times = [T0, T0 + 10 * MINUTE, T0 + 39 * MINUTE, T0 + 70 * MINUTE];

    const { ids, spans } = assignSessions('u', undefined, times, GAP);

    expect(ids).toEqual([sessionId('u', T0), sessionId('u', T0), sessionId('u', T0), sessionId('u', T0 + 70 * MINUTE)]);
    expect(spans).toEqual([
      { id: sessionId('u', T0), start: T0, last: T0 + 39 * MINUTE },
      { id: sessionId('u', T0 + 70 * MINUTE), start: T0 + 70 * MINUTE, last: T0 + 70 * MINUTE },
    ]);
  });

  test('a late event joins the session that covers it instead of splitting the current one', () => {
    const { spans } = assignSessions('u', undefined, [T0, T0 + 5 * MINUTE, T0 + 60 * MINUTE], GAP);

    const late = assignSessions('u', { spans, version: 1 }, [T0 + 2 * MINUTE, T0 - 10 * MINUTE], GAP);

    expect(late.ids).toEqual([sessionId('u', T0), sessionId('u', T0)]);
    expect(late.spans[0]).toEqual({ id: sessionId('u', T0), start: T0 - 10 * MINUTE, last: T0 + 5 * MINUTE });
  });

  test('ids differ by user and are stable', () => {
    expect(sessionId('a', T0)).not.toBe(sessionId('b', T0));
    expect(sessionId('a', T0)).toMatch(/^[0-9a-f]{32}$/);
  });

  test('remembers a bounded number of sessions', () => {
    const times = Array.from({ length: 20 }, (_, i) => T0 + i * 2 * GAP);

    expect(assignSessions('u', undefined, times, GAP).spans).toHaveLength(MAX_REMEMBERED_SESSIONS);
  });

  const orderedTimes = fc.array(fc.integer({ min: 0, max: 2 * 60 }), { minLength: 1, maxLength: 30 })
    .map((gaps) => gaps.reduce<number[]>((acc, g) => [...acc, (acc.at(-1) ?? T0) + g * MINUTE], []));

  test('splitting a user\'s events across batches, with the state carried over, gives the same sessions', () => {
    fc.assert(fc.property(orderedTimes, fc.nat(), (times, cut) => {
      const split = cut % (times.length + 1);
      const whole = assignSessions('u', undefined, times, GAP);
      const first = assignSessions('u', undefined, times.slice(0, split), GAP);
      const second = assignSessions('u', { spans: first.spans, version: 1 }, times.slice(split), GAP);

      expect([...first.ids, ...second.ids]).toEqual(whole.ids);
    }));
  });

  test('replaying a batch tail after its state was written gives each event the session it had', () => {
    fc.assert(fc.property(orderedTimes, fc.nat(), (times, from) => {
      const first = assignSessions('u', undefined, times, GAP);
      const start = from % times.length;
      const replay = assignSessions('u', { spans: first.spans, version: 1 }, times.slice(start), GAP);

      // Within the remembered window, which covers any batch of up to MAX_REMEMBERED_SESSIONS sessions.
      fc.pre(new Set(first.ids).size <= MAX_REMEMBERED_SESSIONS);
      expect(replay.ids).toEqual(first.ids.slice(start));
      expect(replay.spans).toEqual(first.spans);
    }));
  });
});

describe('sessionize against dynalite', () => {
  const TABLE = 'processor-state';
  const emulator = dynaliteTableForTests(TABLE, 'pk');

  function deps(client = emulator().client) {
    const { sleep } = recordingSleep();
    return {
      config: { tableName: TABLE, keyField: 'user_id', timestampField: 'timestamp', gapSeconds: 1800 },
      client,
      now: new Date(T0),
      sleep,
      random: () => 0.5,
    };
  }

  test('continues a session across batches through the stored state, one read and one write per user', async () => {
    const first = await sessionize([
      { user: 'ada', indices: [0, 2], times: [T0, T0 + MINUTE] },
      { user: 'bob', indices: [1], times: [T0] },
    ], deps());
    const second = await sessionize([{ user: 'ada', indices: [0, 1], times: [T0 + 20 * MINUTE, T0 + 60 * MINUTE] }], deps());

    expect(first.unavailable.size).toBe(0);
    expect([...first.sessionIds]).toEqual([[0, sessionId('ada', T0)], [2, sessionId('ada', T0)], [1, sessionId('bob', T0)]]);
    expect([...second.sessionIds]).toEqual([[0, sessionId('ada', T0)], [1, sessionId('ada', T0 + 60 * MINUTE)]]);
  });

  test('a concurrent write to the same user\'s state makes that user\'s records unavailable, not forked', async () => {
    const user = { user: 'carol', indices: [4, 7], times: [T0, T0 + MINUTE] };
    // Another invocation writes carol's state between this one's read and write.
    let interfered = false;
    const racing = {
      send: async (command: Parameters<Dynalite['client']['send']>[0]) => {
        if (!interfered && command.constructor.name === 'PutItemCommand') {
          interfered = true;
          await sessionize([{ ...user, indices: [0], times: [T0] }], deps());
        }
        return emulator().client.send(command as never);
      },
    };

    const result = await sessionize([user], deps(racing as never));

    expect(result.sessionIds.size).toBe(0);
    expect([...result.unavailable.keys()]).toEqual([4, 7]);
    expect(result.unavailable.get(4)!.errorCode).toBe('SessionStateConflict');
  });

  test('reports every user unavailable when the table is missing', async () => {
    const result = await sessionize([{ user: 'dan', indices: [3], times: [T0] }], { ...deps(), config: { ...deps().config, tableName: 'missing' } });

    expect(result.unavailable.get(3)!.errorCode).toBe('ResourceNotFoundException');
  });

  test('with a state cache, a user\'s next batch skips the read; a state changed elsewhere is read again after the conflict', async () => {
    const stateCache = new LruCache<SessionState>(100, 60_000, () => 0);
    const commands: string[] = [];
    const counting = {
      send: (command: { constructor: { name: string } }) => {
        commands.push(command.constructor.name);
        return emulator().client.send(command as never);
      },
    };
    const cached = { ...deps(counting as never), stateCache };

    await sessionize([{ user: 'erin', indices: [0], times: [T0] }], cached);
    await sessionize([{ user: 'erin', indices: [0], times: [T0 + MINUTE] }], cached);
    // Another execution environment continues erin's session.
    await sessionize([{ user: 'erin', indices: [0], times: [T0 + 2 * MINUTE] }], deps());
    const conflict = await sessionize([{ user: 'erin', indices: [5], times: [T0 + 3 * MINUTE] }], cached);
    const retry = await sessionize([{ user: 'erin', indices: [5], times: [T0 + 3 * MINUTE] }], cached);

    expect(commands).toEqual(['BatchGetItemCommand', 'PutItemCommand', 'PutItemCommand', 'PutItemCommand', 'BatchGetItemCommand', 'PutItemCommand']);
    expect(conflict.unavailable.get(5)!.errorCode).toBe('SessionStateConflict');
    expect(retry.sessionIds.get(5)).toBe(sessionId('erin', T0));
  });
});
