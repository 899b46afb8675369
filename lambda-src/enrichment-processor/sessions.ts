import { createHash } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { BatchGetItemClient, batchGetItems, BatchGetResult, Item } from './batch-get';
import { chunk } from './groups';
import { LruCache } from './lru-cache';
import { attemptInGroups, ItemFailure, RetryDeps, retryUndone } from './retry';
import { epochSeconds, isConditionFailure, PutItemClient, STATE_TABLE } from './state-table';

export interface SessionConfig {
  readonly tableName: string;
  /** The record field that identifies whose session it is, e.g. user_id. */
  readonly keyField: string;
  /** The timestamp field of the record schema that orders a user's events. */
  readonly timestampField: string;
  /** Inactivity after which the next event starts a new session. */
  readonly gapSeconds: number;
}

/** One session of a user: its id and the event times it spans, in epoch milliseconds. */
export interface SessionSpan {
  readonly id: string;
  readonly start: number;
  readonly last: number;
}

export interface SessionState {
  /** The user's most recent sessions, by start time. */
  readonly spans: readonly SessionSpan[];
  /** Incremented on every write; the next write is conditional on it. */
  readonly version: number;
}

/**
 * Sessions kept per user: enough that a batch replayed after its state was written finds the sessions its
 * records were given the first time.
 */
export const MAX_REMEMBERED_SESSIONS = 8;

/** Deterministic, so a session started again from the same event after lost state gets the same id. */
export function sessionId(user: string, start: number): string {
  return createHash('sha256').update(`${user}\u0000${start}`).digest('hex').slice(0, 32);
}

/**
 * Gives each event time (in arrival order) its session. An event joins the latest session that started at or
 * before it if it comes within the gap of that session's last event; an event before a session's start within
 * the gap extends that session back; anything else starts a new session. Late and replayed events therefore
 * land in the session that covers them instead of splitting the current one.
 */
export function assignSessions(user: string, state: SessionState | undefined, times: readonly number[], gapMs: number):
{ readonly ids: string[]; readonly spans: SessionSpan[] } {
  const spans = [...(state?.spans ?? [])];
  const ids = times.map((t) => {
    let i = spans.length - 1;
    while (i >= 0 && spans[i].start > t) {
      i--;
    }
    // Spans are rebuilt field by field: this runs for every event, and V8 copies spread objects slowly.
    const span = spans[i];
    if (i >= 0 && t <= span.last + gapMs) {
      if (t > span.last) {
        spans[i] = { id: span.id, start: span.start, last: t };
      }
      return span.id;
    }
    const next = spans[i + 1];
    if (next !== undefined && next.start - t <= gapMs) {
      spans[i + 1] = { id: next.id, start: t, last: next.last };
      return next.id;
    }
    const started = { id: sessionId(user, t), start: t, last: t };
    spans.splice(i + 1, 0, started);
    return started.id;
  });
  return { ids, spans: spans.slice(-MAX_REMEMBERED_SESSIONS) };
}

export interface SessionDeps extends RetryDeps {
  readonly config: SessionConfig;
  readonly client: BatchGetItemClient & PutItemClient;
  readonly now: Date;
  /**
   * The state this execution environment last wrote for each user, so that a user's next batch skips the read. A
   * state changed elsewhere since makes the versioned write fail; the entry is then dropped and the retry reads.
   */
  readonly stateCache?: LruCache<SessionState>;
}

/** Users whose state each execution environment remembers: far more than the users of one shard's batches. */
export const SESSION_STATE_CACHE_SIZE = 10_000;

/** The events of one user in this batch, in arrival order. */
export interface UserEvents {
  readonly user: string;
  readonly indices: readonly number[];
  readonly times: readonly number[];
}

export interface SessionResult {
  /** The session id of every record that got one, by batch index. */
  readonly sessionIds: ReadonlyMap<number, string>;
  /** Records of users whose state could not be read or written, with the last error. */
  readonly unavailable: ReadonlyMap<number, ItemFailure>;
}

/** Writes in flight at once, as for event claims. */
const WRITE_CONCURRENCY = 25;

/**
 * Reads each user's state once, assigns the batch's sessions, and writes the state back once per user,
 * conditional on the version read: a concurrent writer makes that user's records retry instead of forking
 * sessions. The state is written before records are delivered, so a retried tail is assigned the same sessions.
 */
export async function sessionize(users: readonly UserEvents[], deps: SessionDeps): Promise<SessionResult> {
  const { config } = deps;
  const sessionIds = new Map<number, string>();
  const unavailable = new Map<number, ItemFailure>();
  const keyOf = (user: string) => STATE_TABLE.sessionPrefix + user;
  const known = new Map<string, SessionState>();
  for (const { user } of users) {
    const cached = deps.stateCache?.get(user);
    if (cached !== undefined) {
      known.set(user, cached);
    }
  }
  const toRead = users.filter(({ user }) => !known.has(user)).map(({ user }) => keyOf(user));
  const read = toRead.length === 0 ? NOTHING_READ : await batchGetItems(toRead, {
    tableName: config.tableName,
    keyAttribute: STATE_TABLE.keyAttribute,
    consistentRead: true,
  }, deps);

  const writes: Array<{
    readonly events: UserEvents;
    readonly ids: string[];
    readonly item: Item;
    readonly next: SessionState;
    readonly version?: number;
  }> = [];
  // Kept long enough to outlast the gap; a user idle for longer starts a new session anyway.
  const expiresAt = { N: String(epochSeconds(deps.now) + Math.max(2 * config.gapSeconds, 86_400)) };
  for (const events of users) {
    const key = keyOf(events.user);
    let state = known.get(events.user);
    if (state === undefined) {
      const failure = read.unavailable.get(key);
      if (failure !== undefined) {
        events.indices.forEach((index) => unavailable.set(index, failure));
        continue;
      }
      state = parseState(read.items.get(key) ?? null);
    }
    const { ids, spans } = assignSessions(events.user, state, events.times, config.gapSeconds * 1000);
    const version = (state?.version ?? 0) + 1;
    writes.push({
      events,
      ids,
      next: { spans, version },
      version: state?.version,
      item: {
        [STATE_TABLE.keyAttribute]: { S: key },
        spans: { S: JSON.stringify(spans) },
        version: { N: String(version) },
        [STATE_TABLE.ttlAttribute]: expiresAt,
      },
    });
  }

  const lastError = new Map<(typeof writes)[number], ItemFailure>();
  const writeOne = async ([write]: readonly (typeof writes)[number][]): Promise<(typeof writes)[number][]> => {
    try {
      await deps.client.send(new PutItemCommand({
        TableName: config.tableName,
        Item: write.item,
        ...(write.version === undefined
          ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': STATE_TABLE.keyAttribute } }
          : {
            ConditionExpression: '#version = :version',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':version': { N: String(write.version) } },
          }),
      }));
    } catch (err) {
      if (!isConditionFailure(err)) {
        throw err;
      }
      // Retrying with the state read earlier would fail the same way; the batch retry reads it afresh.
      lastError.set(write, { errorCode: 'SessionStateConflict', errorMessage: `session state of "${write.events.user}" changed while this batch was processed` });
      conflicts.push(write);
    }
    return [];
  };
  const conflicts: Array<(typeof writes)[number]> = [];
  const { remaining } = await retryUndone(writes, (pending) => attemptInGroups(chunk(pending, 1), writeOne, lastError, WRITE_CONCURRENCY), deps);
  const failed = new Set([...remaining, ...conflicts]);
  for (const write of writes) {
    if (failed.has(write)) {
      deps.stateCache?.delete(write.events.user);
      write.events.indices.forEach((index) => unavailable.set(index, lastError.get(write)!));
    } else {
      deps.stateCache?.set(write.events.user, write.next);
      write.events.indices.forEach((index, i) => sessionIds.set(index, write.ids[i]));
    }
  }
  return { sessionIds, unavailable };
}

const NOTHING_READ: BatchGetResult = { items: new Map(), unavailable: new Map(), requests: 0 };

function parseState(item: Item | null): SessionState | undefined {
  if (item === null) {
    return undefined;
  }
  const version = Number(item.version?.N);
  const spans: unknown = JSON.parse(item.spans?.S ?? '[]');
  if (!Number.isSafeInteger(version) || !Array.isArray(spans)) {
    throw new Error(`session state item ${item[STATE_TABLE.keyAttribute]?.S} is malformed`);
  }
  return { spans: spans as SessionSpan[], version };
}
