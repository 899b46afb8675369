import { unmarshallItem } from './attribute-value';
import { BatchGetDeps, batchGetItems, Item, KeyedTable, keyValue } from './batch-get';
import { JsonObject } from './json';
import { LruCache } from './lru-cache';
import { ItemFailure } from './retry';

export interface ReferenceConfig extends KeyedTable {
  /** The record field whose value is looked up. */
  readonly keyField: string;
  /** The record field the profile is written to. */
  readonly targetField: string;
  readonly cacheSize: number;
  readonly cacheTtlSeconds: number;
}

/** An item's attributes, or null when the table has no item for the key. Both are outcomes worth caching. */
export type Profile = JsonObject | null;

export interface LookupDeps extends BatchGetDeps {
  readonly config: ReferenceConfig;
  readonly cache: LruCache<Profile>;
}

export interface LookupResult {
  /** Every key whose outcome is known, from the cache or the table. */
  readonly profiles: ReadonlyMap<string, Profile>;
  /** Keys whose outcome is unknown after all attempts, with the last error. */
  readonly unavailable: ReadonlyMap<string, ItemFailure>;
  readonly cacheHits: number;
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
 * Looks each distinct key up once: from the cache while its entry is live, else from the table. A key the table
 * answered for, with or without an item, is cached; a key still unanswered after the attempts is reported
 * unavailable, never guessed.
 */
export async function lookupProfiles(keys: readonly string[], deps: LookupDeps): Promise<LookupResult> {
  const { config, cache } = deps;
  const profiles = new Map<string, Profile>();
  const pending: string[] = [];
  for (const key of new Set(keys)) {
    const cached = cache.get(key);
    if (cached === undefined) {
      pending.push(key);
    } else {
      profiles.set(key, cached);
    }
  }
  const cacheHits = profiles.size;
  if (pending.length === 0) {
    return { profiles, unavailable: new Map(), cacheHits, requests: 0 };
  }
  const { items, unavailable, requests } = await batchGetItems(pending, config, deps);
  for (const [key, item] of items) {
    const profile = item === null ? null : toProfile(item, config);
    profiles.set(key, profile);
    cache.set(key, profile);
  }
  return { profiles, unavailable, cacheHits, requests };
}

function toProfile(item: Item, config: ReferenceConfig): JsonObject {
  const profile = unmarshallItem(item);
  if (config.attributes !== undefined && !config.attributes.includes(config.keyAttribute)) {
    delete profile[config.keyAttribute];
  }
  return profile;
}
