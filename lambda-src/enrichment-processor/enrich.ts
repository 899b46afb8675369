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
 * Overwrites any producer-supplied value of a derived field: downstream must be able to trust that these were
 * set by this pipeline.
 */
export function enrichRecord(record: JsonObject, clock: Clock, derived: DerivedFields = {}): JsonObject {
  const enriched: JsonObject = { ...record };
  if (derived.profile !== undefined) {
    enriched[derived.profile.field] = derived.profile.profile;
  }
  if (derived.sessionId !== undefined) {
    enriched[SESSION_ID_FIELD] = derived.sessionId;
  }
  if (derived.geoLocation !== undefined) {
    enriched[GEO_LOCATION_FIELD] = derived.geoLocation;
  }
  enriched[PROCESSED_AT_FIELD] = clock().toISOString();
  return enriched;
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
