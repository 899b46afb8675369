import type { DedupConfig } from './deduplicate';
import { PROCESSED_AT_FIELD } from './enrich';
import { ConfigError, Env, optionalVar, parseAttributeList, parseInteger, rejectWithout, requireVar } from './env';
import { GeoConfig, parseGeoPrefixes } from './geo';
import { isJsonObject } from './json';
import { NormalizationConfig } from './normalize';
import type { ReferenceConfig } from './reference';
import type { SessionConfig } from './sessions';
import { loadSharedCacheConfig } from './shared-cache';

export { ConfigError } from './env';

export const FIELD_TYPES = ['string', 'integer', 'number', 'boolean', 'timestamp', 'object'] as const;

export type FieldType = (typeof FIELD_TYPES)[number];

export interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
  readonly required: boolean;
}

export interface RecordSchema {
  readonly fields: readonly FieldSpec[];
}

export interface ProcessorConfig {
  readonly outputStreamName: string;
  readonly schema: RecordSchema;
  readonly partitionKeyField: string;
  /** Reference-data enrichment; off when absent. */
  readonly reference?: ReferenceConfig;
  readonly normalization: NormalizationConfig;
  /** Where invalid records go, with their data and the reasons. */
  readonly deadLetterQueueUrl: string;
  /** Sessionization; off when absent. */
  readonly sessions?: SessionConfig;
  /** Deduplication by event id; off when absent. */
  readonly dedup?: DedupConfig;
  /** geo_location derivation; off when absent. */
  readonly geo?: GeoConfig;
}


export function loadConfig(env: Env): ProcessorConfig {
  const schema = parseSchema(requireVar(env, 'RECORD_SCHEMA'), 'RECORD_SCHEMA');
  return {
    outputStreamName: requireVar(env, 'OUTPUT_STREAM_NAME'),
    schema,
    partitionKeyField: requireVar(env, 'PARTITION_KEY_FIELD'),
    reference: loadReferenceConfig(env),
    normalization: loadNormalizationConfig(env, schema),
    deadLetterQueueUrl: requireVar(env, 'DEAD_LETTER_QUEUE_URL'),
    ...loadStateConfig(env, schema),
    geo: loadGeoConfig(env, schema),
  };
}

function loadGeoConfig(env: Env, schema: RecordSchema): GeoConfig | undefined {
  const profileAttribute = optionalVar(env, 'GEO_PROFILE_ATTRIBUTE');
  const ipField = optionalVar(env, 'GEO_IP_FIELD');
  const prefixes = optionalVar(env, 'GEO_IP_PREFIXES');
  if (profileAttribute === undefined && ipField === undefined) {
    rejectWithout(env, 'GEO_IP_FIELD', ['GEO_IP_PREFIXES'], 'set the record field that holds the IP address');
    return undefined;
  }
  if (profileAttribute !== undefined && optionalVar(env, 'REFERENCE_TABLE_NAME') === undefined) {
    throw new ConfigError('GEO_PROFILE_ATTRIBUTE', 'needs reference data (REFERENCE_TABLE_NAME): the location is read from the profile');
  }
  if (ipField !== undefined && !schema.fields.some((spec) => spec.name === ipField && spec.type === 'string')) {
    throw new ConfigError('GEO_IP_FIELD', `names "${ipField}", which is not a string field of RECORD_SCHEMA`);
  }
  if (ipField !== undefined && prefixes === undefined) {
    throw new ConfigError('GEO_IP_FIELD', 'is set but GEO_IP_PREFIXES is not; give the prefix table to look addresses up in');
  }
  return { profileAttribute, ipField, prefixes: prefixes === undefined ? [] : parseGeoPrefixes(prefixes) };
}

export const STATE_DEFAULTS = {
  sessionKeyField: 'user_id',
  sessionTimestampField: 'timestamp',
  sessionGapSeconds: 1800,
  dedupIdField: 'event_id',
  dedupWindowSeconds: 86_400,
  /** Lambda's longest timeout; the construct sets the function's own. */
  dedupLeaseSeconds: 900,
} as const;

/** Ranges the construct enforces too. */
export const STATE_RANGES = {
  sessionGapSeconds: { min: 60, max: 86_400 },
  dedupWindowSeconds: { min: 60, max: 7 * 86_400 },
  dedupLeaseSeconds: { min: 1, max: 3_600 },
} as const;

function loadStateConfig(env: Env, schema: RecordSchema): Pick<ProcessorConfig, 'sessions' | 'dedup'> {
  const tableName = optionalVar(env, 'STATE_TABLE_NAME');
  const sessionsOn = optionalVar(env, 'SESSION_GAP_SECONDS') !== undefined;
  const dedupOn = optionalVar(env, 'DEDUP_WINDOW_SECONDS') !== undefined;
  if (tableName === undefined) {
    rejectWithout(env, 'STATE_TABLE_NAME', ['SESSION_GAP_SECONDS', 'DEDUP_WINDOW_SECONDS'], 'sessionization and deduplication keep their state in that table');
    return {};
  }
  if (!sessionsOn && !dedupOn) {
    throw new ConfigError('STATE_TABLE_NAME', 'is set but neither SESSION_GAP_SECONDS nor DEDUP_WINDOW_SECONDS is; set one to use the table');
  }
  const schemaField = (name: string, fallback: string, types: readonly FieldType[]): string => {
    const field = optionalVar(env, name) ?? fallback;
    if (!schema.fields.some((spec) => spec.name === field && types.includes(spec.type))) {
      throw new ConfigError(name, `names "${field}", which is not a ${types.join(' or ')} field of RECORD_SCHEMA`);
    }
    return field;
  };
  return {
    sessions: sessionsOn ? {
      tableName,
      keyField: schemaField('SESSION_KEY_FIELD', STATE_DEFAULTS.sessionKeyField, ['string']),
      timestampField: schemaField('SESSION_TIMESTAMP_FIELD', STATE_DEFAULTS.sessionTimestampField, ['timestamp']),
      gapSeconds: parseInteger(env, 'SESSION_GAP_SECONDS', STATE_DEFAULTS.sessionGapSeconds, STATE_RANGES.sessionGapSeconds),
    } : undefined,
    dedup: dedupOn ? {
      tableName,
      idField: schemaField('DEDUP_ID_FIELD', STATE_DEFAULTS.dedupIdField, ['string']),
      windowSeconds: parseInteger(env, 'DEDUP_WINDOW_SECONDS', STATE_DEFAULTS.dedupWindowSeconds, STATE_RANGES.dedupWindowSeconds),
      leaseSeconds: parseInteger(env, 'DEDUP_LEASE_SECONDS', STATE_DEFAULTS.dedupLeaseSeconds, STATE_RANGES.dedupLeaseSeconds),
    } : undefined,
  };
}

function loadNormalizationConfig(env: Env, schema: RecordSchema): NormalizationConfig {
  const stringFields = (name: string): string[] => {
    const fields = parseAttributeList(env, name) ?? [];
    const wrong = fields.find((field) => !schema.fields.some((spec) => spec.name === field && (spec.type === 'string' || spec.type === 'timestamp')));
    if (wrong !== undefined) {
      throw new ConfigError(name, `names "${wrong}", which is not a string or timestamp field of RECORD_SCHEMA`);
    }
    return fields;
  };
  const unknownFields = optionalVar(env, 'UNKNOWN_FIELDS') ?? 'keep';
  if (unknownFields !== 'keep' && unknownFields !== 'drop') {
    throw new ConfigError('UNKNOWN_FIELDS', `must be "keep" or "drop", got "${unknownFields}"`);
  }
  return {
    trimFields: stringFields('NORMALIZE_TRIM_FIELDS'),
    lowerCaseFields: stringFields('NORMALIZE_LOWERCASE_FIELDS'),
    dropUnknownFields: unknownFields === 'drop',
  };
}

export const REFERENCE_DEFAULTS = {
  keyField: 'user_id',
  targetField: 'user_profile',
  cacheSize: 10_000,
  cacheTtlSeconds: 300,
} as const;

/** Ranges the construct enforces too; the handler checks again because the variables can be edited in the console. */
export const REFERENCE_RANGES = {
  cacheSize: { min: 1, max: 1_000_000 },
  cacheTtlSeconds: { min: 0, max: 86_400 },
} as const;

const REFERENCE_VARIABLES = [
  'REFERENCE_KEY_FIELD',
  'REFERENCE_KEY_ATTRIBUTE',
  'REFERENCE_ATTRIBUTES',
  'REFERENCE_TARGET_FIELD',
  'REFERENCE_CACHE_SIZE',
  'REFERENCE_CACHE_TTL_SECONDS',
  'REFERENCE_CACHE_ENDPOINT',
] as const;

function loadReferenceConfig(env: Env): ReferenceConfig | undefined {
  const tableName = optionalVar(env, 'REFERENCE_TABLE_NAME');
  if (tableName === undefined) {
    rejectWithout(env, 'REFERENCE_TABLE_NAME', REFERENCE_VARIABLES, 'set both, or neither to turn reference enrichment off');
    return undefined;
  }
  const keyField = optionalVar(env, 'REFERENCE_KEY_FIELD') ?? REFERENCE_DEFAULTS.keyField;
  const targetField = optionalVar(env, 'REFERENCE_TARGET_FIELD') ?? REFERENCE_DEFAULTS.targetField;
  if (targetField === keyField || targetField === PROCESSED_AT_FIELD) {
    throw new ConfigError('REFERENCE_TARGET_FIELD', `must differ from the key field and from "${PROCESSED_AT_FIELD}", got "${targetField}"`);
  }
  return {
    tableName,
    keyField,
    keyAttribute: optionalVar(env, 'REFERENCE_KEY_ATTRIBUTE') ?? keyField,
    attributes: parseAttributeList(env, 'REFERENCE_ATTRIBUTES'),
    targetField,
    cacheSize: parseInteger(env, 'REFERENCE_CACHE_SIZE', REFERENCE_DEFAULTS.cacheSize, REFERENCE_RANGES.cacheSize),
    cacheTtlSeconds: parseInteger(env, 'REFERENCE_CACHE_TTL_SECONDS', REFERENCE_DEFAULTS.cacheTtlSeconds, REFERENCE_RANGES.cacheTtlSeconds),
    sharedCache: loadSharedCacheConfig(env),
  };
}


export function parseSchema(json: string, variable: string): RecordSchema {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    throw new ConfigError(variable, `is not valid JSON: ${(err as Error).message}`);
  }
  if (!isJsonObject(parsed) || !Array.isArray(parsed.fields)) {
    throw new ConfigError(variable, 'must be a JSON object with a "fields" array');
  }
  const seen = new Set<string>();
  const fields = parsed.fields.map((raw: unknown, i: number) => {
    const field = parseField(raw, variable, `fields[${i}]`);
    if (seen.has(field.name)) {
      throw new ConfigError(variable, `declares field "${field.name}" more than once`);
    }
    seen.add(field.name);
    return field;
  });
  return { fields };
}

function parseField(raw: unknown, variable: string, where: string): FieldSpec {
  if (!isJsonObject(raw)) {
    throw new ConfigError(variable, `${where} must be an object with "name" and "type"`);
  }
  const { name, type, required } = raw;
  if (typeof name !== 'string' || name === '') {
    throw new ConfigError(variable, `${where} must have a non-empty string "name"`);
  }
  if (typeof type !== 'string' || !(FIELD_TYPES as readonly string[]).includes(type)) {
    throw new ConfigError(variable, `${where} (field "${name}") has unknown type ${JSON.stringify(type)}; expected one of ${FIELD_TYPES.join(', ')}`);
  }
  if (required !== undefined && typeof required !== 'boolean') {
    throw new ConfigError(variable, `${where} (field "${name}") has a non-boolean "required"`);
  }
  return { name, type: type as FieldType, required: required ?? false };
}

