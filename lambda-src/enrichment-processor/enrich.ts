import { JsonObject, ownField } from './json';

export const PROCESSED_AT_FIELD = 'processed_at';

export type Clock = () => Date;

/** A looked-up profile and the field it goes to; null says the lookup found none. */
export interface ProfileField {
  readonly field: string;
  readonly profile: JsonObject | null;
}

/**
 * Overwrites any producer-supplied processed_at and profile field: downstream must be able to trust that both
 * were set by this pipeline.
 */
export function enrichRecord(record: JsonObject, clock: Clock, profile?: ProfileField): JsonObject {
  const withProfile = profile === undefined ? record : { ...record, [profile.field]: profile.profile };
  return { ...withProfile, [PROCESSED_AT_FIELD]: clock().toISOString() };
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
