import { BatchGetItemCommand } from '@aws-sdk/client-dynamodb';
import * as fc from 'fast-check';
import { awsError, FakeDynamo, profileItem, recordingSleep, REFERENCE_CONFIG } from './fixtures';
import { BATCH_GET_MAX_KEYS, BatchGetItemClient, keyValue } from '../../../lambda-src/enrichment-processor/batch-get';
import { chunk } from '../../../lambda-src/enrichment-processor/groups';
import { LruCache } from '../../../lambda-src/enrichment-processor/lru-cache';
import {
  distinctKeys,
  lookupProfiles,
  Profile,
  ReferenceConfig,
  referenceKey,
} from '../../../lambda-src/enrichment-processor/reference';
import { SharedCache, SharedCacheConfig, ValkeyCache } from '../../../lambda-src/enrichment-processor/shared-cache';
import { startValkey, Valkey } from '../../support/valkey';

function setup(client: BatchGetItemClient, config: ReferenceConfig = REFERENCE_CONFIG, now = () => 0) {
  const { sleeps, sleep } = recordingSleep();
  const cache = new LruCache<Profile>(config.cacheSize, config.cacheTtlSeconds * 1000, now);
  return { cache, sleeps, deps: { config, client, cache, sleep, random: () => 0.5 } };
}

const items = (...ids: string[]) => new Map(ids.map((id) => [id, profileItem(id)]));
const PROFILE = { user_id: 'u1', tier: 'gold', since: 2019 };

describe('referenceKey and distinctKeys', () => {
  test('only non-empty strings a partition key can hold are keys', () => {
    expect(referenceKey({ user_id: 'u1' }, 'user_id')).toBe('u1');
    expect(referenceKey({ user_id: '' }, 'user_id')).toBeUndefined();
    expect(referenceKey({ user_id: 42 }, 'user_id')).toBeUndefined();
    expect(referenceKey({}, 'user_id')).toBeUndefined();
    expect(referenceKey({ user_id: 'é'.repeat(1024) }, 'user_id')).toBe('é'.repeat(1024));
    expect(referenceKey({ user_id: 'é'.repeat(1024) + 'x' }, 'user_id')).toBeUndefined();
    expect(referenceKey({}, 'constructor')).toBeUndefined();
  });

  test('counts the UTF-8 bytes of the prefixed key, not its characters', () => {
    // 8 + 680 * 3 = 2,048 bytes: the limit exactly; one character more is over it however few bytes it has.
    expect(keyValue({ user_id: '€'.repeat(680) }, 'user_id', 'session#')).toBe('€'.repeat(680));
    expect(keyValue({ user_id: '€'.repeat(680) + 'x' }, 'user_id', 'session#')).toBeUndefined();
    expect(keyValue({ user_id: 'x'.repeat(2040) }, 'user_id', 'session#')).toBe('x'.repeat(2040));
    expect(keyValue({ user_id: 'x'.repeat(2041) }, 'user_id', 'session#')).toBeUndefined();
    // A surrogate pair is two UTF-16 units and four bytes.
    expect(keyValue({ user_id: '😀'.repeat(510) }, 'user_id', 'session#')).toBe('😀'.repeat(510));
    expect(keyValue({ user_id: '😀'.repeat(511) }, 'user_id', 'session#')).toBeUndefined();
  });

  test('distinct keys in order of first appearance', () => {
    expect(distinctKeys([{ user_id: 'b' }, { user_id: 'a' }, {}, { user_id: 'b' }, { user_id: 7 }], 'user_id')).toEqual(['b', 'a']);
  });

  test('chunk splits in order at the given size', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 100)).toEqual([]);
  });
});

describe('lookupProfiles', () => {
  test('returns found profiles and null for keys without an item, and caches both', async () => {
    const client = new FakeDynamo(items('u1'));
    const { cache, deps } = setup(client);

    const result = await lookupProfiles(['u1', 'u2', 'u1'], deps);

    expect(client.calls).toEqual([['u1', 'u2']]);
    expect(result).toEqual({
      profiles: new Map([['u1', PROFILE], ['u2', null]]), unavailable: new Map(), cacheHits: 0, sharedCacheHits: 0, sharedCacheErrors: [], requests: 1,
    });
    expect([cache.get('u1'), cache.get('u2')]).toEqual([PROFILE, null]);
  });

  test('serves live cache entries without a request, and asks again once they expire', async () => {
    const time = { now: 0 };
    const client = new FakeDynamo(items('u1'));
    const { deps } = setup(client, REFERENCE_CONFIG, () => time.now);

    await lookupProfiles(['u1', 'u2'], deps);
    time.now = 299_999;
    const warm = await lookupProfiles(['u1', 'u2'], deps);
    time.now = 300_000;
    await lookupProfiles(['u2'], deps);

    expect(warm).toEqual(expect.objectContaining({ cacheHits: 2, requests: 0 }));
    expect(client.calls).toEqual([['u1', 'u2'], ['u2']]);
  });

  test('asks for at most 100 keys per request', async () => {
    const keys = Array.from({ length: 250 }, (_, i) => `u${i}`);
    const client = new FakeDynamo();
    const { deps } = setup(client, { ...REFERENCE_CONFIG, cacheSize: 1000 });

    const result = await lookupProfiles(keys, deps);

    expect(client.calls.map((c) => c.length)).toEqual([BATCH_GET_MAX_KEYS, BATCH_GET_MAX_KEYS, 50]);
    expect(client.calls.flat()).toEqual(keys);
    expect(result.profiles.size).toBe(250);
  });

  test('projects the configured attributes through placeholders and keeps the key attribute only for matching', async () => {
    const sent: BatchGetItemCommand[] = [];
    const fake = new FakeDynamo(new Map([['u1', { 'user_id': { S: 'u1' }, 'name': { S: 'Ada' }, 'a.b': { N: '1' } }]]));
    const client = { send: (command: BatchGetItemCommand) => { sent.push(command); return fake.send(command); } };
    const config = { ...REFERENCE_CONFIG, attributes: ['name', 'a.b'] };
    const { deps } = setup(client, config);

    const result = await lookupProfiles(['u1'], deps);

    expect(sent[0].input.RequestItems![config.tableName]).toEqual({
      Keys: [{ user_id: { S: 'u1' } }],
      ProjectionExpression: '#a0, #a1, #a2',
      ExpressionAttributeNames: { '#a0': 'user_id', '#a1': 'name', '#a2': 'a.b' },
    });
    expect(result.profiles.get('u1')).toEqual({ 'name': 'Ada', 'a.b': 1 });
  });

  test('retries only unprocessed keys, with exponential backoff and full jitter', async () => {
    const client = new FakeDynamo(items('u1', 'u2', 'u3'), (key, attempt) => key !== 'u1' && attempt < (key === 'u2' ? 2 : 4));
    const { sleeps, deps } = setup(client);

    const result = await lookupProfiles(['u1', 'u2', 'u3'], deps);

    expect(client.calls).toEqual([['u1', 'u2', 'u3'], ['u2', 'u3'], ['u3'], ['u3']]);
    expect(sleeps).toEqual([50, 100, 200]);
    expect(result.unavailable).toEqual(new Map());
    expect([...result.profiles.keys()].sort()).toEqual(['u1', 'u2', 'u3']);
  });

  test('reports keys still unprocessed after the last attempt as unavailable, and does not cache them', async () => {
    const client = new FakeDynamo(items('u1', 'u2'), (key) => key === 'u2');
    const { cache, sleeps, deps } = setup(client);

    const result = await lookupProfiles(['u1', 'u2'], deps);

    expect(sleeps).toHaveLength(4);
    expect(client.requestCount('u2')).toBe(5);
    expect(result.unavailable).toEqual(new Map([['u2', { errorCode: 'UnprocessedKeys', errorMessage: 'BatchGetItem returned the key as unprocessed' }]]));
    expect(cache.get('u2')).toBeUndefined();
    expect(result.profiles.get('u1')).toEqual(PROFILE);
  });

  test.each([
    ['ProvisionedThroughputExceededException'],
    ['ThrottlingException'],
    ['RequestLimitExceeded'],
    ['InternalServerError'],
  ])('retries the request after %s', async (name) => {
    const client = new FakeDynamo(items('u1'), undefined, (i) => (i < 2 ? awsError(name) : undefined));
    const { deps } = setup(client);

    const result = await lookupProfiles(['u1'], deps);

    expect(client.calls).toHaveLength(3);
    expect(result.profiles.get('u1')).toEqual(PROFILE);
  });

  test('gives up at once on a fault that will not heal, reporting every key not yet answered', async () => {
    const keys = Array.from({ length: 150 }, (_, i) => `u${i}`);
    const client = new FakeDynamo(undefined, undefined, (i) => (i === 1 ? awsError('ResourceNotFoundException') : undefined));
    const { sleeps, deps } = setup(client, { ...REFERENCE_CONFIG, cacheSize: 1000 });

    const result = await lookupProfiles(keys, deps);

    expect(sleeps).toEqual([]);
    expect(result.profiles.size).toBe(100);
    expect([...result.unavailable.keys()]).toEqual(keys.slice(100));
    expect(result.unavailable.get('u149')).toEqual({ errorCode: 'ResourceNotFoundException', errorMessage: 'ResourceNotFoundException from fake' });
  });

  test('an outage leaves every key unavailable after the bounded attempts', async () => {
    const client = new FakeDynamo(items('u1'), undefined, () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    const { sleeps, deps } = setup(client);

    const result = await lookupProfiles(['u1', 'u2'], deps);

    expect(client.calls).toHaveLength(5);
    expect(sleeps).toHaveLength(4);
    expect([...result.unavailable.keys()]).toEqual(['u1', 'u2']);
  });

  test('requests only keys not cached, each at most once unless it must be retried, and answers every key', async () => {
    const key = fc.constantFrom(...Array.from({ length: 12 }, (_, i) => `u${i}`));
    await fc.assert(fc.asyncProperty(
      fc.uniqueArray(key), fc.array(key, { maxLength: 40 }), fc.array(key), fc.integer({ min: 1, max: 5 }),
      async (stored, cachedKeys, requested, maxAttempts) => {
        const unprocessedOnce = new Set(stored.slice(0, 2));
        const client = new FakeDynamo(items(...stored), (k, attempt) => unprocessedOnce.has(k) && attempt === 1);
        const { cache, deps } = setup(client, { ...REFERENCE_CONFIG, cacheSize: 100 });
        cachedKeys.forEach((k) => cache.set(k, null));
        const cachedBefore = new Set(cachedKeys);

        const result = await lookupProfiles(requested, { ...deps, retryPolicy: { maxAttempts, baseDelayMs: 1, maxDelayMs: 2 } });

        for (const k of new Set(requested)) {
          const expectedRequests = cachedBefore.has(k) ? 0 : unprocessedOnce.has(k) ? Math.min(2, maxAttempts) : 1;
          expect(client.requestCount(k)).toBe(expectedRequests);
          expect(result.profiles.has(k) !== result.unavailable.has(k)).toBe(true);
        }
        expect(client.calls.flat().every((k) => requested.includes(k))).toBe(true);
        expect(result.cacheHits).toBe(new Set(requested.filter((k) => cachedBefore.has(k))).size);
      },
    ));
  });

  test('never serves an expired entry: every answer is fresh or within its TTL', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.record({ advanceMs: fc.integer({ min: 0, max: 2_000 }), keys: fc.array(fc.constantFrom('u1', 'u2', 'u3'), { maxLength: 3 }) }), { maxLength: 12 }),
      fc.integer({ min: 1, max: 3 }),
      async (invocations, ttlSeconds) => {
        const time = { now: 0 };
        const client = new FakeDynamo(items('u1'));
        const { deps } = setup(client, { ...REFERENCE_CONFIG, cacheSize: 2, cacheTtlSeconds: ttlSeconds }, () => time.now);
        const fetchedAt = new Map<string, number>();
        for (const invocation of invocations) {
          time.now += invocation.advanceMs;
          const before = client.calls.length;
          const result = await lookupProfiles(invocation.keys, deps);
          const requested = new Set(client.calls.slice(before).flat());
          for (const k of new Set(invocation.keys)) {
            if (requested.has(k)) {
              fetchedAt.set(k, time.now);
            } else {
              expect(time.now - fetchedAt.get(k)!).toBeLessThan(ttlSeconds * 1000);
            }
            expect(result.profiles.get(k)).toEqual(k === 'u1' ? { ...PROFILE } : null);
          }
        }
      },
    ));
  });
});

describe('lookupProfiles with a shared cache on a real server', () => {
  let valkey: Valkey;
  const opened: ValkeyCache[] = [];

  beforeAll(async () => {
    valkey = await startValkey();
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((cache) => cache.close()));
  });

  afterAll(async () => {
    await valkey.stop();
  });

  /** A shared cache on the server under its own key prefix, recording the keys it is asked to get and set. */
  function sharedCache(keyPrefix: string, overrides: Partial<SharedCacheConfig> = {}) {
    const config: SharedCacheConfig = {
      host: valkey.host, port: valkey.port, tls: false, clusterMode: false, ttlSeconds: 60, keyPrefix, ...overrides,
    };
    const valkeyCache = new ValkeyCache(config, async () => ({ accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' }));
    opened.push(valkeyCache);
    const gets: string[][] = [];
    const sets: string[][] = [];
    const cache: SharedCache = {
      getMany: (keys) => {
        gets.push([...keys]);
        return valkeyCache.getMany(keys);
      },
      setMany: (entries) => {
        sets.push([...entries.keys()]);
        return valkeyCache.setMany(entries);
      },
    };
    return { cache, gets, sets };
  }

  test('asks the in-process cache, then the shared cache for its misses, then the table for the rest; shares the table\'s answers', async () => {
    const client = new FakeDynamo(items('u1', 'u2', 'u4'));
    const { cache, deps } = setup(client);
    const shared = sharedCache('tiers:');
    cache.set('u1', PROFILE);
    const sharedProfile = { user_id: 'u2', tier: 'silver' };
    await valkey.client.mset('tiers:u2', JSON.stringify(sharedProfile), 'tiers:u3', 'null');

    const result = await lookupProfiles(['u1', 'u2', 'u3', 'u4', 'u5'], { ...deps, sharedCache: shared.cache });

    expect(shared.gets).toEqual([['u2', 'u3', 'u4', 'u5']]);
    expect(client.calls).toEqual([['u4', 'u5']]);
    expect(shared.sets).toEqual([['u4', 'u5']]);
    const u4 = { user_id: 'u4', tier: 'gold', since: 2019 };
    expect(result).toEqual({
      profiles: new Map<string, Profile>([['u1', PROFILE], ['u2', sharedProfile], ['u3', null], ['u4', u4], ['u5', null]]),
      unavailable: new Map(),
      cacheHits: 1,
      sharedCacheHits: 2,
      sharedCacheErrors: [],
      requests: 1,
    });
    expect(['u2', 'u3', 'u4', 'u5'].map((k) => cache.get(k))).toEqual([sharedProfile, null, u4, null]);
    expect(await valkey.client.mget('tiers:u1', 'tiers:u4', 'tiers:u5')).toEqual([null, JSON.stringify(u4), 'null']);
    expect(await valkey.client.ttl('tiers:u4')).toBeGreaterThan(50);

    const again = await lookupProfiles(['u1', 'u2', 'u3', 'u4', 'u5'], { ...deps, sharedCache: shared.cache });

    expect(again).toEqual(expect.objectContaining({ cacheHits: 5, sharedCacheHits: 0, requests: 0 }));
    expect(shared.gets).toHaveLength(1);
    expect(client.calls).toHaveLength(1);
  });

  test('another instance finds what the first read from the table, without asking the table', async () => {
    const first = setup(new FakeDynamo(items('u1')));
    const second = setup(new FakeDynamo(items('u1')));
    const sharedByFirst = sharedCache('instances:');
    const sharedBySecond = sharedCache('instances:');

    const cold = await lookupProfiles(['u1', 'u2'], { ...first.deps, sharedCache: sharedByFirst.cache });
    const warm = await lookupProfiles(['u1', 'u2'], { ...second.deps, sharedCache: sharedBySecond.cache });

    expect(cold).toEqual(expect.objectContaining({ sharedCacheHits: 0, requests: 1 }));
    expect(warm).toEqual(expect.objectContaining({ profiles: cold.profiles, cacheHits: 0, sharedCacheHits: 2, requests: 0 }));
    expect((second.deps.client as FakeDynamo).calls).toEqual([]);
    expect(sharedBySecond.sets).toEqual([]);
  });

  test('keys the table left unanswered are neither cached nor shared', async () => {
    const client = new FakeDynamo(items('u1', 'u2'), (key) => key === 'u2');
    const { cache, deps } = setup(client);
    const shared = sharedCache('unanswered:');

    const result = await lookupProfiles(['u1', 'u2'], { ...deps, sharedCache: shared.cache, retryPolicy: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } });

    expect([...result.unavailable.keys()]).toEqual(['u2']);
    expect(shared.sets).toEqual([['u1']]);
    expect(cache.get('u2')).toBeUndefined();
    expect(await valkey.client.exists('unanswered:u2')).toBe(0);
  });

  test('with the shared cache down, every profile comes from the table, the failure is reported and nothing is written back', async () => {
    const doomed = await startValkey();
    const shared = sharedCache('down:', { host: doomed.host, port: doomed.port });
    const before = setup(new FakeDynamo(items('u1')));
    await lookupProfiles(['u1'], { ...before.deps, sharedCache: shared.cache });
    await doomed.stop();
    shared.gets.length = 0;
    shared.sets.length = 0;
    const client = new FakeDynamo(items('u1', 'u3'));
    const { cache, deps } = setup(client);

    const results = [
      await lookupProfiles(['u1', 'u2', 'u3'], { ...deps, sharedCache: shared.cache }),
      await lookupProfiles(['u1', 'u2', 'u3', 'u4'], { ...deps, sharedCache: shared.cache }),
    ];

    expect(client.calls).toEqual([['u1', 'u2', 'u3'], ['u4']]);
    expect(results[0]).toEqual({
      profiles: new Map<string, Profile>([['u1', PROFILE], ['u2', null], ['u3', { user_id: 'u3', tier: 'gold', since: 2019 }]]),
      unavailable: new Map(),
      cacheHits: 0,
      sharedCacheHits: 0,
      sharedCacheErrors: [{ operation: 'get', errorCode: expect.any(String), errorMessage: expect.any(String) }],
      requests: 1,
    });
    // The error code is whatever describeError makes of a socket error, which Jest's sandbox does not see as an Error.
    expect(results[1]).toEqual(expect.objectContaining({
      cacheHits: 3,
      sharedCacheErrors: [{ operation: 'get', errorCode: expect.any(String), errorMessage: expect.stringContaining('ECONNREFUSED') }],
    }));
    expect(results[1].profiles.get('u4')).toBeNull();
    expect(shared.gets).toEqual([['u1', 'u2', 'u3'], ['u4']]);
    expect(shared.sets).toEqual([]);
    expect(cache.get('u3')).toEqual({ user_id: 'u3', tier: 'gold', since: 2019 });
  });

  test('a failed write to the shared cache is reported and loses nothing', async () => {
    // This user may read but not write: the server refuses the SETs and answers the reads.
    await valkey.client.call('ACL', 'SETUSER', 'reader', 'on', 'nopass', '~*', '+@all', '-@write');
    const shared = sharedCache('readonly:', { user: 'reader', iamAuth: { cacheName: 'profiles', serverless: false, region: 'us-east-1' } });
    const client = new FakeDynamo(items('u1'));
    const { cache, deps } = setup(client);

    const result = await lookupProfiles(['u1', 'u2'], { ...deps, sharedCache: shared.cache });

    expect(result).toEqual(expect.objectContaining({
      profiles: new Map([['u1', PROFILE], ['u2', null]]),
      sharedCacheErrors: [{ operation: 'set', errorCode: 'ReplyError', errorMessage: expect.stringContaining('NOPERM') }],
    }));
    expect(shared.sets).toEqual([['u1', 'u2']]);
    expect([cache.get('u1'), cache.get('u2')]).toEqual([PROFILE, null]);
  });
});
