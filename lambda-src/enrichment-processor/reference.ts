import { AttributeValue, BatchGetItemCommand, BatchGetItemCommandOutput, KeysAndAttributes } from '@aws-sdk/client-dynamodb';
import { unmarshallItem } from './attribute-value';
import { JsonObject, ownField } from './json';
import { LruCache } from './lru-cache';
import { backoffDelay, DEFAULT_RETRY_POLICY, describeError, isRetriable, RetryPolicy } from './publish';

export interface ReferenceConfig {
  readonly tableName: string;
  /** The record field whose value is looked up. */
  readonly keyField: string;
  /** The table's partition key attribute, of type string. */
  readonly keyAttribute: string;
  /** Attributes to read; all of the item's attributes when absent. */
  readonly attributes?: readonly string[];
  /** The record field the profile is written to. */
  readonly targetField: string;
  readonly cacheSize: number;
  readonly cacheTtlSeconds: number;
}

/** An item's attributes, or null when the table has no item for the key. Both are outcomes worth caching. */
export type Profile = JsonObject | null;

/** The narrow slice of DynamoDBClient used here, so tests can inject faults dynalite cannot produce. */
export interface BatchGetItemClient {
  send(command: BatchGetItemCommand): Promise<BatchGetItemCommandOutput>;
}

export interface LookupDeps {
  readonly config: ReferenceConfig;
  readonly client: BatchGetItemClient;
  readonly cache: LruCache<Profile>;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly retryPolicy?: RetryPolicy;
}

export interface LookupFailure {
  readonly errorCode: string;
  readonly errorMessage: string;
}

export interface LookupResult {
  /** Every key whose outcome is known, from the cache or the table. */
  readonly profiles: ReadonlyMap<string, Profile>;
  /** Keys whose outcome is unknown after all attempts, with the last error. */
  readonly unavailable: ReadonlyMap<string, LookupFailure>;
  readonly cacheHits: number;
  readonly requests: number;
}

/** BatchGetItem's limit of keys per request. */
export const BATCH_GET_MAX_KEYS = 100;

// DynamoDB rejects the whole request for one partition key value over 2048 bytes or an empty one,
// and neither can be stored, so such values have no profile by definition.
const MAX_KEY_BYTES = 2048;

/** The value to look up for a record, or undefined when it has none that a string partition key could hold. */
export function referenceKey(record: JsonObject, field: string): string | undefined {
  const value = ownField(record, field);
  return typeof value === 'string' && value.length > 0 && Buffer.byteLength(value, 'utf8') <= MAX_KEY_BYTES ? value : undefined;
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

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    chunks.push(items.slice(start, start + size));
  }
  return chunks;
}

/**
 * Looks each distinct key up once: from the cache while its entry is live, else with BatchGetItem, retrying
 * unprocessed keys and transient errors with backoff. A key the table answered for, with or without an item,
 * is cached; a key still unanswered after the attempts is reported unavailable, never guessed.
 */
export async function lookupProfiles(keys: readonly string[], deps: LookupDeps): Promise<LookupResult> {
  const { config, cache } = deps;
  const policy = deps.retryPolicy ?? DEFAULT_RETRY_POLICY;
  const profiles = new Map<string, Profile>();
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
  const lastError = new Map<string, LookupFailure>();
  let attempts = 0;
  let requests = 0;
  const result = (unanswered: readonly string[]): LookupResult => ({
    profiles,
    unavailable: new Map(unanswered.map((key) => [key, lastError.get(key)!])),
    cacheHits,
    requests,
  });

  const maxAttempts = Math.max(1, policy.maxAttempts);
  while (pending.length > 0 && attempts < maxAttempts) {
    if (attempts > 0) {
      await deps.sleep(backoffDelay(attempts, policy, deps.random));
    }
    attempts++;
    const retry: string[] = [];
    const chunks = chunk(pending, BATCH_GET_MAX_KEYS);
    for (const [c, requested] of chunks.entries()) {
      requests++;
      let output: BatchGetItemCommandOutput;
      try {
        output = await deps.client.send(new BatchGetItemCommand({ RequestItems: { [config.tableName]: keysAndAttributes(requested, config) } }));
      } catch (err) {
        const error = describeError(err);
        if (!isRetriable(err)) {
          // A missing table or denied access will not heal within this invocation.
          const unsent = chunks.slice(c).flat();
          unsent.forEach((key) => lastError.set(key, error));
          return result([...retry, ...unsent]);
        }
        requested.forEach((key) => lastError.set(key, error));
        retry.push(...requested);
        continue;
      }
      const unprocessed = new Set((output.UnprocessedKeys?.[config.tableName]?.Keys ?? []).map((k) => k[config.keyAttribute]?.S));
      const found = new Map<string, Record<string, AttributeValue>>();
      for (const item of output.Responses?.[config.tableName] ?? []) {
        const key = item[config.keyAttribute]?.S;
        if (key !== undefined) {
          found.set(key, item);
        }
      }
      for (const key of requested) {
        if (unprocessed.has(key)) {
          lastError.set(key, { errorCode: 'UnprocessedKeys', errorMessage: 'BatchGetItem returned the key as unprocessed' });
          retry.push(key);
          continue;
        }
        const item = found.get(key);
        const profile = item === undefined ? null : toProfile(item, config);
        profiles.set(key, profile);
        cache.set(key, profile);
      }
    }
    pending = retry;
  }
  return result(pending);
}

function keysAndAttributes(keys: readonly string[], config: ReferenceConfig): KeysAndAttributes {
  const request: KeysAndAttributes = { Keys: keys.map((key) => ({ [config.keyAttribute]: { S: key } })) };
  if (config.attributes === undefined) {
    return request;
  }
  // The key attribute matches responses to keys, which come back in no particular order.
  // Placeholders let attribute names be reserved words or contain dots.
  const names = [config.keyAttribute, ...config.attributes.filter((a) => a !== config.keyAttribute)];
  return {
    ...request,
    ProjectionExpression: names.map((_, i) => `#a${i}`).join(', '),
    ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#a${i}`, name])),
  };
}

function toProfile(item: Record<string, AttributeValue>, config: ReferenceConfig): JsonObject {
  const profile = unmarshallItem(item);
  if (config.attributes !== undefined && !config.attributes.includes(config.keyAttribute)) {
    delete profile[config.keyAttribute];
  }
  return profile;
}
