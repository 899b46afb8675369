import { FieldSpec, FieldType, RecordSchema } from './config';
import { isJsonObject, JsonObject, ownField } from './json';

const EXPECTED: Record<FieldType, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean',
  timestamp: 'an ISO-8601 timestamp',
  object: 'a JSON object',
};

// Values end up in error logs, so keep them short enough to be useful without dumping whole payloads.
const MAX_PREVIEW_CHARS = 40;

/**
 * Returns one human-readable message per problem, empty when the record matches.
 * Fields not in the schema are deliberately ignored so producers can add fields ahead of a schema update.
 */
export function validateRecord(record: JsonObject, schema: RecordSchema): string[] {
  const errors: string[] = [];
  for (const field of schema.fields) {
    const error = validateField(field, ownField(record, field.name));
    if (error !== undefined) {
      errors.push(error);
    }
  }
  return errors;
}

function validateField(field: FieldSpec, value: unknown): string | undefined {
  if (value === undefined || value === null) {
    if (!field.required) {
      return undefined;
    }
    return value === undefined
      ? `field "${field.name}" is required but missing`
      : `field "${field.name}" is required but is null`;
  }
  if (matchesType(field.type, value)) {
    return undefined;
  }
  return `field "${field.name}" must be ${EXPECTED[field.type]}, got ${preview(value)}`;
}

export function matchesType(type: FieldType, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'timestamp':
      return typeof value === 'string' && isIsoTimestamp(value);
    case 'object':
      return isJsonObject(value);
  }
}

// The zone is mandatory: a local time cannot be placed on the timeline, so partitioning downstream would guess.
const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))$/;

export function isIsoTimestamp(value: string): boolean {
  const m = ISO_TIMESTAMP.exec(value);
  if (m === null) {
    return false;
  }
  // Indexed rather than destructured from a mapped slice: this runs for every timestamp of every record.
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const offsetHour = m[7] === undefined ? 0 : Number(m[7]);
  const offsetMinute = m[8] === undefined ? 0 : Number(m[8]);
  // The regex alone would accept 2024-02-30, which Date silently rolls over into March.
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
    && Number(m[4]) <= 23 && Number(m[5]) <= 59 && Number(m[6]) <= 59
    && offsetHour <= 23 && offsetMinute <= 59
    // An offset moves the instant by less than a day, so only the first and last years can leave the range.
    && ((year > 0 && year < 9999) || hasFourDigitUtcYear(value));
}

// 9999-12-31T20:00:00-05:00 is in year 10000 in UTC, which ISO-8601's four-digit years (and the normalized,
// UTC form of the record) cannot spell.
function hasFourDigitUtcYear(value: string): boolean {
  const year = new Date(value).getUTCFullYear();
  return year >= 0 && year <= 9999;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function preview(value: unknown): string {
  const json = JSON.stringify(value);
  return json.length <= MAX_PREVIEW_CHARS ? json : `${json.slice(0, MAX_PREVIEW_CHARS)}...`;
}
