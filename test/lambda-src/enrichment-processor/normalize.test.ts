import * as fc from 'fast-check';
import { isoTimestamp } from './arbitraries';
import { REQUIRED_ENV, SEED_CONFIG, seedEvent } from './fixtures';
import { loadConfig } from '../../../lambda-src/enrichment-processor/config';
import { NO_NORMALIZATION, normalizeRecord, toUtc } from '../../../lambda-src/enrichment-processor/normalize';
import { isIsoTimestamp } from '../../../lambda-src/enrichment-processor/validate';

const schema = SEED_CONFIG.schema;

describe('toUtc', () => {
  test.each([
    ['2024-01-15T10:30:00Z', '2024-01-15T10:30:00Z'],
    ['2024-01-15T11:30:00+01:00', '2024-01-15T10:30:00Z'],
    ['2024-01-15T00:30:00-05:30', '2024-01-15T06:00:00Z'],
    ['2024-12-31T23:59:59.5-01:00', '2025-01-01T00:59:59.5Z'],
    ['2024-01-15T10:30:00.123456789Z', '2024-01-15T10:30:00.123Z'],
  ])('%s -> %s', (input, expected) => {
    expect(toUtc(input)).toBe(expected);
  });

  test('instants outside four-digit UTC years are not valid timestamps', () => {
    expect(isIsoTimestamp('9999-12-31T20:00:00-05:00')).toBe(false);
    expect(isIsoTimestamp('0000-01-01T01:00:00+02:00')).toBe(false);
    expect(isIsoTimestamp('9999-12-31T20:00:00+05:00')).toBe(true);
  });

  test('property: the same instant (to the millisecond), always in UTC', () => {
    fc.assert(fc.property(isoTimestamp, (timestamp) => {
      const utc = toUtc(timestamp);
      expect(utc.endsWith('Z')).toBe(true);
      expect(Date.parse(utc)).toBe(Date.parse(timestamp));
      expect(toUtc(utc)).toBe(utc);
    }));
  });
});

describe('normalizeRecord', () => {
  test('without options only timestamps change', () => {
    const record = seedEvent(1, { timestamp: '2024-01-15T11:30:00+01:00', extra: ' Kept ' });
    expect(normalizeRecord(record, schema, NO_NORMALIZATION)).toEqual({ ...record, timestamp: '2024-01-15T10:30:00Z' });
  });

  test('trims and lower-cases the configured fields, drops unknown fields when asked', () => {
    const record = seedEvent(1, { user_id: '  User-42 ', event_type: ' Page_View', extra: 1 });
    const normalized = normalizeRecord(record, schema, {
      trimFields: ['user_id', 'event_type'],
      lowerCaseFields: ['event_type'],
      dropUnknownFields: true,
    });
    expect(normalized.user_id).toBe('User-42');
    expect(normalized.event_type).toBe('page_view');
    expect(normalized).not.toHaveProperty('extra');
    expect(Object.keys(normalized).sort()).toEqual(Object.keys(record).filter(key => key !== 'extra').sort());
  });

  test('returns a changed copy and leaves the input as it was', () => {
    const record = seedEvent(1, { timestamp: '2024-01-15T11:30:00+01:00', user_id: ' u ' });
    const before = structuredClone(record);
    const normalized = normalizeRecord(record, schema, { ...NO_NORMALIZATION, trimFields: ['user_id'] });

    expect(normalized).toEqual({ ...record, timestamp: '2024-01-15T10:30:00Z', user_id: 'u' });
    expect(record).toEqual(before);
  });

  test('a schema field named __proto__ is normalized as a field', () => {
    const protoSchema = { fields: [{ name: '__proto__', type: 'string' as const, required: true }] };
    const record = JSON.parse('{"__proto__":" X "}');
    const normalized = normalizeRecord(record, protoSchema, { ...NO_NORMALIZATION, trimFields: ['__proto__'] });

    expect(JSON.stringify(normalized)).toBe('{"__proto__":"X"}');
    expect(Object.getPrototypeOf(normalized)).toBe(Object.prototype);
  });

  test('a field named __proto__ stays a field, and the input is not modified', () => {
    const record = JSON.parse('{"event_id":"e","event_type":"t","timestamp":"2024-01-15T10:30:00Z","user_id":"u","__proto__":{"x":1}}');
    const before = JSON.stringify(record);
    const normalized = normalizeRecord(record, schema, NO_NORMALIZATION);
    expect(JSON.stringify(normalized)).toBe(before);
    expect(JSON.stringify(record)).toBe(before);
  });
});

describe('normalization configuration', () => {
  const env = { ...REQUIRED_ENV, RECORD_SCHEMA: JSON.stringify({ fields: schema.fields }) };

  test('reads the lists and the unknown-field policy', () => {
    expect(loadConfig({ ...env, NORMALIZE_TRIM_FIELDS: 'user_id, page', NORMALIZE_LOWERCASE_FIELDS: 'event_type', UNKNOWN_FIELDS: 'drop' }).normalization)
      .toEqual({ trimFields: ['user_id', 'page'], lowerCaseFields: ['event_type'], dropUnknownFields: true });
    expect(loadConfig(env).normalization).toEqual(NO_NORMALIZATION);
  });

  test.each([
    [{ NORMALIZE_TRIM_FIELDS: 'metadata' }, 'NORMALIZE_TRIM_FIELDS names "metadata", which is not a string or timestamp field of RECORD_SCHEMA'],
    [{ NORMALIZE_LOWERCASE_FIELDS: 'country' }, 'NORMALIZE_LOWERCASE_FIELDS names "country"'],
    [{ UNKNOWN_FIELDS: 'ignore' }, 'UNKNOWN_FIELDS must be "keep" or "drop", got "ignore"'],
  ])('rejects %j', (extra, message) => {
    expect(() => loadConfig({ ...env, ...extra })).toThrow(message);
  });
});
