import { RecordSchema } from './config';
import { JsonObject, ownField } from './json';

/** How records are normalized after validation. */
export interface NormalizationConfig {
  /** String fields whose surrounding whitespace is removed. */
  readonly trimFields: readonly string[];
  /** String fields that are lower-cased, e.g. identifiers that producers spell inconsistently. */
  readonly lowerCaseFields: readonly string[];
  /** Whether fields the schema does not name are dropped instead of passed on. */
  readonly dropUnknownFields: boolean;
}

export const NO_NORMALIZATION: NormalizationConfig = { trimFields: [], lowerCaseFields: [], dropUnknownFields: false };

/**
 * A validated record in canonical form: timestamps in UTC (`Z`), configured string fields trimmed and
 * lower-cased, unknown fields kept or dropped. Downstream partitioning and joins compare strings, so the same
 * instant or the same id must always be spelled the same way.
 */
export function normalizeRecord(record: JsonObject, schema: RecordSchema, config: NormalizationConfig): JsonObject {
  // Spread and fromEntries define own properties, so a "__proto__" field stays a field.
  const kept: JsonObject = config.dropUnknownFields
    ? Object.fromEntries(Object.entries(record).filter(([name]) => schema.fields.some((field) => field.name === name)))
    : record;
  // Copied on the first change only: most records are canonical already, and the input is never modified.
  let normalized = kept;
  for (const field of schema.fields) {
    const value = ownField(normalized, field.name);
    if (typeof value !== 'string') {
      continue;
    }
    let text = value;
    if (field.type === 'timestamp') {
      text = toUtc(text);
    }
    if (config.trimFields.includes(field.name)) {
      text = text.trim();
    }
    if (config.lowerCaseFields.includes(field.name)) {
      text = text.toLowerCase();
    }
    if (text !== value) {
      if (normalized === record) {
        normalized = { ...record };
      }
      // An own field, so assigning to it sets the field even when it is named __proto__.
      normalized[field.name] = text;
    }
  }
  return normalized;
}

const ALREADY_CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;

/**
 * The same instant in UTC, keeping the input's precision up to milliseconds (JavaScript dates stop there):
 * `2024-01-15T11:30:00+01:00` becomes `2024-01-15T10:30:00Z`.
 */
export function toUtc(timestamp: string): string {
  // Most producers already send UTC with at most milliseconds: that is the canonical form, and parsing is the
  // most expensive step of normalization.
  if (ALREADY_CANONICAL.test(timestamp)) {
    return timestamp;
  }
  const iso = new Date(timestamp).toISOString();
  const fraction = /\.(\d+)(?:Z|[+-]\d{2}:\d{2})$/.exec(timestamp)?.[1];
  if (fraction === undefined) {
    return `${iso.slice(0, 19)}Z`;
  }
  return `${iso.slice(0, 20 + Math.min(fraction.length, 3))}Z`;
}
