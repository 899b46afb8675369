import { GEO_LOCATION_FIELD } from './geo';
import { JsonObject, ownField } from './json';

export const PROCESSED_AT_FIELD = 'processed_at';
export const SESSION_ID_FIELD = 'session_id';

export type Clock = () => Date;

/** A looked-up profile and the field it goes to; null says the lookup found none. */
export interface ProfileField {
  readonly field: string;
  readonly profile: JsonObject | null;
}

/** Fields derived by the batch-level steps; each is set only when its step is on. */
export interface DerivedFields {
  /** null: the record has no user or timestamp to sessionize by. */
  readonly sessionId?: string | null;
  readonly profile?: ProfileField;
  /** null: neither the profile nor the IP lookup gave a location. */
  readonly geoLocation?: JsonObject | null;
}

/**
 * The enriched record as JSON: the record with the derived fields and `processed_at` added, overwriting any
 * producer-supplied value of those fields (downstream must be able to trust that the pipeline set them).
 */
export function encodeEnriched(record: JsonObject, processedAt: string, derived: DerivedFields = {}): string {
  const added: Array<[string, unknown]> = [];
  if (derived.profile !== undefined) {
    added.push([derived.profile.field, derived.profile.profile]);
  }
  if (derived.sessionId !== undefined) {
    added.push([SESSION_ID_FIELD, derived.sessionId]);
  }
  if (derived.geoLocation !== undefined) {
    added.push([GEO_LOCATION_FIELD, derived.geoLocation]);
  }
  added.push([PROCESSED_AT_FIELD, processedAt]);
  if (added.some(([field]) => Object.prototype.hasOwnProperty.call(record, field))) {
    return JSON.stringify({ ...record, ...Object.fromEntries(added) });
  }
  // The common case, appended to the record's own JSON: copying every field into a new object first costs more than
  // the rest of enrichment (most of all on Node.js 20), and the result is the same text.
  const own = JSON.stringify(record);
  const tail = added.map(([field, value]) => `${JSON.stringify(field)}:${JSON.stringify(value)}`).join(',');
  return own === '{}' ? `{${tail}}` : `${own.slice(0, -1)},${tail}}`;
}

// Kinesis rejects the whole PutRecords call for a key outside 1..256 characters, not just the one entry.
// Counting UTF-16 units is never more lenient than the service's own count.
const MAX_PARTITION_KEY_CHARS = 256;

/**
 * Prefers the configured field so related events stay on one shard in order; the input key is the fallback
 * because it was already accepted by Kinesis.
 */
export function selectPartitionKey(record: JsonObject, field: string, fallback: string): string {
  const value = ownField(record, field);
  if (typeof value === 'string' && value.length > 0 && value.length <= MAX_PARTITION_KEY_CHARS) {
    return value;
  }
  return fallback;
}
