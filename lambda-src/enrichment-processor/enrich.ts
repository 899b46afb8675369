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
  const { profile, sessionId, geoLocation } = derived;
  const overwrites = (profile !== undefined && hasOwn(record, profile.field))
    || (sessionId !== undefined && hasOwn(record, SESSION_ID_FIELD))
    || (geoLocation !== undefined && hasOwn(record, GEO_LOCATION_FIELD))
    || hasOwn(record, PROCESSED_AT_FIELD);
  if (overwrites) {
    return JSON.stringify({
      ...record,
      ...(profile === undefined ? {} : { [profile.field]: profile.profile }),
      ...(sessionId === undefined ? {} : { [SESSION_ID_FIELD]: sessionId }),
      ...(geoLocation === undefined ? {} : { [GEO_LOCATION_FIELD]: geoLocation }),
      [PROCESSED_AT_FIELD]: processedAt,
    });
  }
  // The common case, appended to the record's own JSON: copying every field into a new object first costs more than
  // the rest of enrichment (most of all on Node.js 20), and the result is the same text.
  let tail = '';
  if (profile !== undefined) {
    tail += `,${JSON.stringify(profile.field)}:${encodeShared(profile.profile)}`;
  }
  if (sessionId !== undefined) {
    tail += `,${SESSION_ID_KEY}${JSON.stringify(sessionId)}`;
  }
  if (geoLocation !== undefined) {
    tail += `,${GEO_LOCATION_KEY}${encodeShared(geoLocation)}`;
  }
  tail += `,${PROCESSED_AT_KEY}${JSON.stringify(processedAt)}`;
  const own = JSON.stringify(record);
  return own === '{}' ? `{${tail.slice(1)}}` : `${own.slice(0, -1)}${tail}}`;
}

const SESSION_ID_KEY = `${JSON.stringify(SESSION_ID_FIELD)}:`;
const GEO_LOCATION_KEY = `${JSON.stringify(GEO_LOCATION_FIELD)}:`;
const PROCESSED_AT_KEY = `${JSON.stringify(PROCESSED_AT_FIELD)}:`;

function hasOwn(record: JsonObject, field: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, field);
}

// Profiles and prefix-table locations are shared by every record of their user or network and never modified
// after they are looked up, so each is encoded once; the entries go when the objects do.
const encodedShared = new WeakMap<JsonObject, string>();

function encodeShared(value: JsonObject | null): string {
  if (value === null) {
    return 'null';
  }
  let json = encodedShared.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    encodedShared.set(value, json);
  }
  return json;
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
