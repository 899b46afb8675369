import { isJsonObject } from './json';

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
}

/** A misconfigured function must not start, so every message names the variable to fix. */
export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Readonly<Record<string, string | undefined>>): ProcessorConfig {
  return {
    outputStreamName: requireVar(env, 'OUTPUT_STREAM_NAME'),
    schema: parseSchema(requireVar(env, 'RECORD_SCHEMA'), 'RECORD_SCHEMA'),
    partitionKeyField: requireVar(env, 'PARTITION_KEY_FIELD'),
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

function requireVar(env: Readonly<Record<string, string | undefined>>, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new ConfigError(name, 'is missing or empty');
  }
  return value;
}
