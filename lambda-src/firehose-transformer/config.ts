import { ConfigError, Env, optionalVar, parseAttributeList, parseBoolean } from '../enrichment-processor/env';
import { isJsonObject } from '../enrichment-processor/json';

export interface TransformerConfig {
  /** Joins the names of nested fields into top-level keys; nested objects are kept as they are when absent. */
  readonly flattenSeparator?: string;
  /** Old top-level name to new, applied after flattening. */
  readonly renames: ReadonlyMap<string, string>;
  /** Top-level names removed after renaming. */
  readonly dropFields: ReadonlySet<string>;
  /** Redshift COPY and S3 readers split records on newlines; Firehose concatenates records without a separator. */
  readonly newlineDelimited: boolean;
}

export const DEFAULT_FLATTEN_SEPARATOR = '_';

export function loadConfig(env: Env): TransformerConfig {
  const renames = parseRenames(env);
  return {
    flattenSeparator: loadFlattenSeparator(env),
    renames,
    dropFields: parseDropFields(env, renames),
    newlineDelimited: parseBoolean(env, 'NEWLINE_DELIMITED', true),
  };
}

function loadFlattenSeparator(env: Env): string | undefined {
  if (!parseBoolean(env, 'FLATTEN_NESTED', true)) {
    // A separator without flattening is almost certainly a forgotten switch, not a wish to keep records nested.
    if (optionalVar(env, 'FLATTEN_SEPARATOR') !== undefined) {
      throw new ConfigError('FLATTEN_SEPARATOR', 'is set but FLATTEN_NESTED is "false"; remove it or turn flattening on');
    }
    return undefined;
  }
  // Read raw rather than through optionalVar: an empty separator would otherwise silently become the default.
  const separator = env.FLATTEN_SEPARATOR;
  if (separator === undefined) {
    return DEFAULT_FLATTEN_SEPARATOR;
  }
  // Whitespace in generated keys would make them unusable as Redshift column names.
  if (separator === '' || /\s/.test(separator)) {
    throw new ConfigError('FLATTEN_SEPARATOR', `must be one or more characters other than whitespace, such as "_" or ".", got "${separator}"`);
  }
  return separator;
}

function parseRenames(env: Env): ReadonlyMap<string, string> {
  const value = optionalVar(env, 'FIELD_RENAMES');
  if (value === undefined) {
    return new Map();
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  if (!isJsonObject(parsed)) {
    throw new ConfigError('FIELD_RENAMES', `must be a JSON object of field names to new names, such as {"timestamp":"event_timestamp"}, got "${value}"`);
  }
  // A Map, so that a field named "__proto__" or "toString" is looked up as a field and never as an inherited member.
  const renames = new Map<string, string>();
  for (const [from, to] of Object.entries(parsed)) {
    if (typeof to !== 'string' || to.trim() === '') {
      throw new ConfigError('FIELD_RENAMES', `must give each field a new name that is a non-blank string, got ${JSON.stringify(to)} for "${from}"`);
    }
    renames.set(from, to);
  }
  // Renames that depend on each other's order have no single meaning, so they are rejected rather than resolved.
  const renamedTo = new Map<string, string>();
  for (const [from, to] of renames) {
    if (from === to) {
      throw new ConfigError('FIELD_RENAMES', `renames "${from}" to itself`);
    }
    if (renames.has(to)) {
      throw new ConfigError('FIELD_RENAMES', `renames "${from}" to "${to}", which it renames to "${renames.get(to)}" in turn; give each field its final name directly`);
    }
    const other = renamedTo.get(to);
    if (other !== undefined) {
      throw new ConfigError('FIELD_RENAMES', `renames both "${other}" and "${from}" to "${to}"`);
    }
    renamedTo.set(to, from);
  }
  return renames;
}

function parseDropFields(env: Env, renames: ReadonlyMap<string, string>): ReadonlySet<string> {
  const fields = parseAttributeList(env, 'DROP_FIELDS') ?? [];
  const targets = new Set(renames.values());
  const renamed = fields.find((field) => renames.has(field) || targets.has(field));
  if (renamed !== undefined) {
    throw new ConfigError('DROP_FIELDS', `lists "${renamed}", which FIELD_RENAMES also names; drop the original field instead of renaming it`);
  }
  return new Set(fields);
}
