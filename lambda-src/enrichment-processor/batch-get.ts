import { AttributeValue, BatchGetItemCommand, BatchGetItemCommandOutput, KeysAndAttributes } from '@aws-sdk/client-dynamodb';
import { chunk } from './groups';
import { JsonObject, ownField } from './json';
import { attemptInGroups, ItemFailure, RetryDeps, retryUndone } from './retry';

/** The narrow slice of DynamoDBClient used here, so tests can inject faults dynalite cannot produce. */
export interface BatchGetItemClient {
  send(command: BatchGetItemCommand): Promise<BatchGetItemCommandOutput>;
}

/** Items of one table keyed by a string partition key, without a sort key. */
export interface KeyedTable {
  readonly tableName: string;
  /** The partition key attribute, of type string. */
  readonly keyAttribute: string;
  /** Attributes to read; all of the item's attributes when absent. */
  readonly attributes?: readonly string[];
  /** Strongly consistent reads, for state this function wrote itself moments ago. */
  readonly consistentRead?: boolean;
}

export interface BatchGetDeps extends RetryDeps {
  readonly client: BatchGetItemClient;
}

export type Item = Record<string, AttributeValue>;

export interface BatchGetResult {
  /** Every key the table answered for: its item, or null when it has none. */
  readonly items: ReadonlyMap<string, Item | null>;
  /** Keys still unanswered after all attempts, with the last error. */
  readonly unavailable: ReadonlyMap<string, ItemFailure>;
  readonly requests: number;
}

// DynamoDB rejects the whole request for one partition key value over 2048 bytes or an empty one,
// and neither can be stored, so such values have no item by definition.
const MAX_KEY_BYTES = 2048;

/**
 * The record's value of a field as a partition key value with the given prefix, or undefined when the field
 * holds no string that a string partition key could store.
 */
export function keyValue(record: JsonObject, field: string, prefix = ''): string | undefined {
  const value = ownField(record, field);
  return typeof value === 'string' && value.length > 0 && fitsKey(prefix, value) ? value : undefined;
}

// A UTF-16 unit takes at most 3 bytes in UTF-8, so ids of ordinary length need no byte count (this runs several
// times per record).
function fitsKey(prefix: string, value: string): boolean {
  return (prefix.length + value.length) * 3 <= MAX_KEY_BYTES || Buffer.byteLength(prefix + value, 'utf8') <= MAX_KEY_BYTES;
}

/** BatchGetItem's limit of keys per request. */
export const BATCH_GET_MAX_KEYS = 100;

/**
 * Reads each distinct key once with BatchGetItem, 100 keys a request, retrying unprocessed keys and transient
 * errors with backoff. A key still unanswered after the attempts is reported unavailable, never guessed.
 */
export async function batchGetItems(keys: readonly string[], table: KeyedTable, deps: BatchGetDeps): Promise<BatchGetResult> {
  const items = new Map<string, Item | null>();
  const lastError = new Map<string, ItemFailure>();
  let requests = 0;
  const getChunk = async (requested: readonly string[]): Promise<string[]> => {
    requests++;
    const output = await deps.client.send(new BatchGetItemCommand({ RequestItems: { [table.tableName]: keysAndAttributes(requested, table) } }));
    const unprocessed = new Set((output.UnprocessedKeys?.[table.tableName]?.Keys ?? []).map((k) => k[table.keyAttribute]?.S));
    const found = new Map<string, Item>();
    for (const item of output.Responses?.[table.tableName] ?? []) {
      const key = item[table.keyAttribute]?.S;
      if (key !== undefined) {
        found.set(key, item);
      }
    }
    return requested.filter((key) => {
      if (unprocessed.has(key)) {
        lastError.set(key, { errorCode: 'UnprocessedKeys', errorMessage: 'BatchGetItem returned the key as unprocessed' });
        return true;
      }
      items.set(key, found.get(key) ?? null);
      return false;
    });
  };
  const { remaining } = await retryUndone(
    [...new Set(keys)],
    (pending) => attemptInGroups(chunk(pending, BATCH_GET_MAX_KEYS), getChunk, lastError),
    deps,
  );
  return { items, unavailable: new Map(remaining.map((key) => [key, lastError.get(key)!])), requests };
}

function keysAndAttributes(keys: readonly string[], table: KeyedTable): KeysAndAttributes {
  const request: KeysAndAttributes = {
    Keys: keys.map((key) => ({ [table.keyAttribute]: { S: key } })),
    ...(table.consistentRead ? { ConsistentRead: true } : {}),
  };
  if (table.attributes === undefined) {
    return request;
  }
  // The key attribute matches responses to keys, which come back in no particular order.
  // Placeholders let attribute names be reserved words or contain dots.
  const names = [table.keyAttribute, ...table.attributes.filter((a) => a !== table.keyAttribute)];
  return {
    ...request,
    ProjectionExpression: names.map((_, i) => `#a${i}`).join(', '),
    ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#a${i}`, name])),
  };
}
