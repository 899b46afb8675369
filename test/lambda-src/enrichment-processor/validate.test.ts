import * as fc from 'fast-check';
import { matchingRecord, recordSchema, VALUE_FOR_TYPE } from './arbitraries';
import { SEED_CONFIG, seedEvent } from './fixtures';
import { FIELD_TYPES, parseSchema, RecordSchema } from '../../../lambda-src/enrichment-processor/config';
import { isIsoTimestamp, matchesType, validateRecord } from '../../../lambda-src/enrichment-processor/validate';

const schema = SEED_CONFIG.schema;

const single = (type: string, required = true): RecordSchema =>
  parseSchema(JSON.stringify({ fields: [{ name: 'f', type, required }] }), 'RECORD_SCHEMA');

describe('validateRecord', () => {
  test('accepts a seed event', () => {
    expect(validateRecord(seedEvent(1), schema)).toEqual([]);
  });

  test('fields named like inherited object members are looked up on the record only', () => {
    const inherited = parseSchema(JSON.stringify({
      fields: [
        { name: 'toString', type: 'string', required: false },
        { name: 'constructor', type: 'string', required: true },
      ],
    }), 'RECORD_SCHEMA');
    expect(validateRecord({}, inherited)).toEqual(['field "constructor" is required but missing']);
    expect(validateRecord({ toString: 'a', constructor: 'b' }, inherited)).toEqual([]);
  });

  test('ignores fields that are not in the schema', () => {
    expect(validateRecord(seedEvent(1, { referrer: 'https://example.com', score: 3 }), schema)).toEqual([]);
  });

  test('reports a missing required field', () => {
    const { user_id: _, ...record } = seedEvent(1);

    expect(validateRecord(record, schema)).toEqual(['field "user_id" is required but missing']);
  });

  test('reports a null required field', () => {
    expect(validateRecord(seedEvent(1, { event_id: null }), schema)).toEqual(['field "event_id" is required but is null']);
  });

  test('allows optional fields to be absent or null', () => {
    const { page: _p, metadata: _m, ...record } = seedEvent(1);

    expect(validateRecord(record, schema)).toEqual([]);
    expect(validateRecord(seedEvent(1, { page: null, metadata: null }), schema)).toEqual([]);
  });

  test('reports every problem, in schema order', () => {
    const record = { event_type: 7, timestamp: 'yesterday', user_id: 'u', metadata: [] };

    expect(validateRecord(record, schema)).toEqual([
      'field "event_id" is required but missing',
      'field "event_type" must be a string, got 7',
      'field "timestamp" must be an ISO-8601 timestamp, got "yesterday"',
      'field "metadata" must be a JSON object, got []',
    ]);
  });

  test('shortens long values in messages', () => {
    const [message] = validateRecord(seedEvent(1, { timestamp: 'x'.repeat(500) }), schema);

    expect(message).toBe(`field "timestamp" must be an ISO-8601 timestamp, got "${'x'.repeat(39)}...`);
  });

  test.each([
    ['string', ['', 'abc'], 5, 'a string, got 5'],
    ['integer', [0, -3, 9007199254740991], 1.5, 'an integer, got 1.5'],
    ['integer', [1], '1', 'an integer, got "1"'],
    ['number', [0, -1.25, 1e300], '3.14', 'a number, got "3.14"'],
    ['boolean', [true, false], 'true', 'a boolean, got "true"'],
    ['timestamp', ['2024-01-15T10:30:00Z', '2024-01-15T10:30:00.123+05:30'], 1705314600, 'an ISO-8601 timestamp, got 1705314600'],
    ['object', [{}, { a: { b: [1] } }], [1, 2], 'a JSON object, got [1,2]'],
    ['object', [{}], 'x', 'a JSON object, got "x"'],
  ])('type %s accepts %p and rejects %p', (type, good, bad, expected) => {
    const s = single(type);
    for (const value of good) {
      expect(validateRecord({ f: value }, s)).toEqual([]);
    }
    expect(validateRecord({ f: bad }, s)).toEqual([`field "f" must be ${expected}`]);
  });

  test('any record generated to match a schema validates, even after a JSON round trip', () => {
    const schemaAndRecord = recordSchema.chain((s) => matchingRecord(s).map((record) => ({ s, record })));
    fc.assert(fc.property(schemaAndRecord, ({ s, record }) => {
      expect(validateRecord(JSON.parse(JSON.stringify(record)), s)).toEqual([]);
    }));
  });

  test('a value of another type yields exactly one error naming the field', () => {
    const cases = fc.constantFrom(...FIELD_TYPES).chain((type) => fc.record({
      type: fc.constant(type),
      value: fc.oneof(...FIELD_TYPES.map((t) => VALUE_FOR_TYPE[t])).filter((v) => !matchesType(type, v)),
    }));
    fc.assert(fc.property(cases, ({ type, value }) => {
      const errors = validateRecord({ f: value }, single(type, false));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^field "f" must be /);
    }));
  });
});

describe('isIsoTimestamp', () => {
  test.each([
    '2024-01-15T10:30:00Z',
    '2024-01-15T10:30:00.5Z',
    '2024-01-15T10:30:00.123456789Z',
    '2024-01-15T10:30:00+01:00',
    '2024-01-15T10:30:00-08:00',
    '2024-02-29T00:00:00Z',
    '2000-02-29T23:59:59Z',
  ])('accepts %s', (value) => {
    expect(isIsoTimestamp(value)).toBe(true);
  });

  test.each([
    ['no zone', '2024-01-15T10:30:00'],
    ['date only', '2024-01-15'],
    ['space separator', '2024-01-15 10:30:00Z'],
    ['words', 'yesterday'],
    ['February 30', '2024-02-30T00:00:00Z'],
    ['February 29 in a common year', '2023-02-29T00:00:00Z'],
    ['February 29 in 1900', '1900-02-29T00:00:00Z'],
    ['April 31', '2024-04-31T00:00:00Z'],
    ['month 13', '2024-13-01T00:00:00Z'],
    ['day 0', '2024-01-00T00:00:00Z'],
    ['hour 24', '2024-01-15T24:00:00Z'],
    ['minute 60', '2024-01-15T10:60:00Z'],
    ['second 60', '2024-01-15T10:30:60Z'],
    ['offset without colon', '2024-01-15T10:30:00+0100'],
    ['offset minutes 60', '2024-01-15T10:30:00+01:60'],
    ['trailing text', '2024-01-15T10:30:00Zjunk'],
  ])('rejects %s', (_, value) => {
    expect(isIsoTimestamp(value)).toBe(false);
  });
});
