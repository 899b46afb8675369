import { unmarshallItem } from './attribute-value';
import { BatchGetDeps, batchGetItems, Item, KeyedTable, keyValue } from './batch-get';
import { JsonObject } from './json';
import { LruCache } from './lru-cache';
import { describeError, ItemFailure } from './retry';
import type { SharedCache, SharedCacheConfig } from './shared-cache';

export interface ReferenceConfig extends KeyedTable {
  /** The record field whose value is looked up. */
  readonly keyField: string;
  /** The record field the profile is written to. */
  readonly targetField: string;
  readonly cacheSize: number;
  readonly cacheTtlSeconds: number;
  /** The shared cache tier between the in-process cache and the table; off when absent. */
  readonly sharedCache?: SharedCacheConfig;
}

/** An item's attributes, or null when the table has no item for the key. Both are outcomes worth caching. */
export type Profile = JsonObject | null;

export interface LookupDeps extends BatchGetDeps {
  readonly config: ReferenceConfig;
  readonly cache: LruCache<Profile>;
  /** A cache shared by every instance of the function, asked before the table; off when absent. */
  readonly sharedCache?: SharedCache;
}

/** A shared cache operation that failed; the lookup went on without it. */
export interface SharedCacheFailure extends ItemFailure {
  readonly operation: 'get' | 'set';
}

export interface LookupResult {
  /** Every key whose outcome is known, from the cache or the table. */
  readonly profiles: ReadonlyMap<string, Profile>;
  /** Keys whose outcome is unknown after all attempts, with the last error. */
  readonly unavailable: ReadonlyMap<string, ItemFailure>;
  /** Keys the in-process cache answered. */
  readonly cacheHits: number;
  /** Keys the shared cache answered, of those the in-process cache did not. */
  readonly sharedCacheHits: number;
  /** Shared cache failures, each costing only time: the table answered instead, or the answer was not shared. */
  readonly sharedCacheErrors: readonly SharedCacheFailure[];
  /** BatchGetItem requests sent to the table. */
  readonly requests: number;
}

/** The value to look up for a record, or undefined when it has none that a string partition key could hold. */
export function referenceKey(record: JsonObject, field: string): string | undefined {
  return keyValue(record, field);
}

/** The distinct lookup keys of the records, in order of first appearance. */
export function distinctKeys(records: readonly JsonObject[], field: string): string[] {
  const keys = new Set<string>();
  for (const record of records) {
    const key = referenceKey(record, field);
    if (key !== undefined) {
      keys.add(key);
    }
  }
  return [...keys];
}

/**
 * Looks each distinct key up once: from the in-process cache while its entry is live, else from the shared cache
 * when there is one, else from the table. Every answer is cached in process; the table's answers, with or without an
 * item, are also written to the shared cache. A key still unanswered after the attempts is reported unavailable,
 * never guessed. A profile can thus be as old as the shared cache's TTL plus the in-process one.
 *
 * The shared cache only saves time: when it fails the table answers, and the failure is reported in the result.
 * After a failed read the answers are not written back, so a cache that is down costs one timeout, not two.
 */
export async function lookupProfiles(keys: readonly string[], deps: LookupDeps): Promise<LookupResult> {
  const { config, cache, sharedCache } = deps;
  const profiles = new Map<string, Profile>();
  const answer = (key: string, profile: Profile) => {
    profiles.set(key, profile);
    cache.set(key, profile);
  };
  let pending: string[] = [];
  for (const key of new Set(keys)) {
    const cached = cache.get(key);
    if (cached === undefined) {
      pending.push(key);
    } else {
      profiles.set(key, cached);
    }
  }
  const cacheHits = profiles.size;
  const sharedCacheErrors: SharedCacheFailure[] = [];
  if (sharedCache !== undefined && pending.length > 0) {
    try {
      const shared = await sharedCache.getMany(pending);
      pending = pending.filter((key) => {
        const profile = shared.get(key);
        if (profile === undefined) {
          return true;
        }
        answer(key, profile);
        return false;
      });
    } catch (err) {
      sharedCacheErrors.push({ operation: 'get', ...describeError(err) });
    }
  }
  const sharedCacheHits = profiles.size - cacheHits;
  const { items, unavailable, requests } = pending.length === 0
    ? { items: new Map<string, Item | null>(), unavailable: new Map<string, ItemFailure>(), requests: 0 }
    : await batchGetItems(pending, config, deps);
  const fromTable = new Map<string, Profile>();
  for (const [key, item] of items) {
    const profile = item === null ? null : toProfile(item, config);
    answer(key, profile);
    fromTable.set(key, profile);
  }
  if (sharedCache !== undefined && sharedCacheErrors.length === 0 && fromTable.size > 0) {
    try {
      await sharedCache.setMany(fromTable);
    } catch (err) {
      sharedCacheErrors.push({ operation: 'set', ...describeError(err) });
    }
  }
  return { profiles, unavailable, cacheHits, sharedCacheHits, sharedCacheErrors, requests };
}

function toProfile(item: Item, config: ReferenceConfig): JsonObject {
  const profile = unmarshallItem(item);
  if (config.attributes !== undefined && !config.attributes.includes(config.keyAttribute)) {
    delete profile[config.keyAttribute];
  }
  return profile;
}
