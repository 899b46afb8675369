import * as fc from 'fast-check';
import { LruCache } from '../../../lambda-src/enrichment-processor/lru-cache';

function clock(start = 0) {
  const time = { now: start };
  return { time, now: () => time.now };
}

describe('LruCache', () => {
  test('serves an entry until its TTL has passed, then forgets it', () => {
    const { time, now } = clock(1_000);
    const cache = new LruCache<string>(10, 500, now);
    cache.set('a', 'A');

    time.now = 1_499;
    expect(cache.get('a')).toBe('A');
    time.now = 1_500;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  test('a hit does not extend the TTL; setting again does', () => {
    const { time, now } = clock();
    const cache = new LruCache<string>(10, 100, now);
    cache.set('a', 'A');
    time.now = 90;
    expect(cache.get('a')).toBe('A');
    time.now = 100;
    expect(cache.get('a')).toBeUndefined();

    cache.set('a', 'A2');
    time.now = 199;
    expect(cache.get('a')).toBe('A2');
  });

  test('evicts the least recently used entry, where a hit counts as use', () => {
    const cache = new LruCache<string>(3, 1_000, () => 0);
    cache.set('a', 'A');
    cache.set('b', 'B');
    cache.set('c', 'C');
    expect(cache.get('a')).toBe('A');

    cache.set('d', 'D');

    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c'), cache.get('d')]).toEqual(['A', 'C', 'D']);
    expect(cache.size).toBe(3);
  });

  test('overwriting a key neither grows the cache nor evicts another', () => {
    const cache = new LruCache<number>(2, 1_000, () => 0);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('a', 3);

    expect([cache.get('a'), cache.get('b'), cache.size]).toEqual([3, 2, 2]);
  });

  test('caches null, which callers use for "looked up, not found"', () => {
    const cache = new LruCache<string | null>(2, 1_000, () => 0);
    cache.set('a', null);

    expect(cache.get('a')).toBeNull();
    expect(cache.get('b')).toBeUndefined();
  });

  test('a TTL of 0 stores nothing', () => {
    const cache = new LruCache<string>(2, 0, () => 0);
    cache.set('a', 'A');

    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  test.each([[0, 1], [1.5, 1], [1, -1], [1, NaN]])('rejects size %p with TTL %p', (size, ttl) => {
    expect(() => new LruCache(size, ttl, () => 0)).toThrow(RangeError);
  });

  test('never returns an expired entry, never holds more than its size, and agrees with a reference model', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), key: fc.constantFrom('a', 'b', 'c', 'd', 'e'), value: fc.integer() }),
      fc.record({ kind: fc.constant('get' as const), key: fc.constantFrom('a', 'b', 'c', 'd', 'e') }),
      fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 60 }) }),
    );
    fc.assert(fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 100 }), fc.array(op, { maxLength: 60 }), (size, ttl, ops) => {
      const { time, now } = clock();
      const cache = new LruCache<number>(size, ttl, now);
      // The model: insertion-ordered entries with the time they were set.
      const model = new Map<string, { value: number; setAt: number }>();
      for (const o of ops) {
        if (o.kind === 'tick') {
          time.now += o.ms;
        } else if (o.kind === 'set') {
          cache.set(o.key, o.value);
          model.delete(o.key);
          model.set(o.key, { value: o.value, setAt: time.now });
          if (model.size > size) model.delete(model.keys().next().value!);
        } else {
          const got = cache.get(o.key);
          const entry = model.get(o.key);
          model.delete(o.key);
          const live = entry !== undefined && time.now < entry.setAt + ttl;
          if (live) model.set(o.key, entry);
          expect(got).toBe(live ? entry.value : undefined);
        }
        expect(cache.size).toBeLessThanOrEqual(size);
      }
    }));
  });
});
