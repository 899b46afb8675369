import * as fc from 'fast-check';
import { FIXED_NOW, seedEvent } from './fixtures';
import { enrichRecord, PROCESSED_AT_FIELD, selectPartitionKey } from '../../../lambda-src/enrichment-processor/enrich';

const clock = () => FIXED_NOW;

describe('enrichRecord', () => {
  test('adds processed_at as an ISO-8601 UTC timestamp from the injected clock', () => {
    expect(enrichRecord(seedEvent(1), clock)).toEqual({ ...seedEvent(1), processed_at: '2024-06-01T12:00:00.000Z' });
  });

  test('does not mutate its input', () => {
    const record = seedEvent(1);
    enrichRecord(record, clock);

    expect(record).toEqual(seedEvent(1));
  });

  test('overwrites a producer-supplied processed_at', () => {
    expect(enrichRecord(seedEvent(1, { processed_at: 'forged' }), clock)[PROCESSED_AT_FIELD]).toBe('2024-06-01T12:00:00.000Z');
  });

  test('reads the clock for each record', () => {
    let t = 0;
    const ticking = () => new Date(Date.UTC(2024, 0, 1) + 1000 * t++);

    expect(enrichRecord({}, ticking)[PROCESSED_AT_FIELD]).toBe('2024-01-01T00:00:00.000Z');
    expect(enrichRecord({}, ticking)[PROCESSED_AT_FIELD]).toBe('2024-01-01T00:00:01.000Z');
  });

  test('keeps every other field unchanged', () => {
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.date({ noInvalidDate: true }), (record, now) => {
      const { [PROCESSED_AT_FIELD]: processedAt, ...rest } = enrichRecord(record, () => now);
      const { [PROCESSED_AT_FIELD]: _, ...expected } = record;

      expect(rest).toEqual(expected);
      expect(processedAt).toBe(now.toISOString());
    }));
  });
});

describe('selectPartitionKey', () => {
  test('never takes an inherited member for the field', () => {
    expect(selectPartitionKey({}, 'toString', 'input-key')).toBe('input-key');
  });

  test('uses the configured field when it holds a usable string', () => {
    expect(selectPartitionKey({ user_id: 'user-7' }, 'user_id', 'input-key')).toBe('user-7');
  });

  test('accepts a 256-character key, the Kinesis maximum', () => {
    const key = 'k'.repeat(256);

    expect(selectPartitionKey({ user_id: key }, 'user_id', 'input-key')).toBe(key);
  });

  test.each([
    ['missing', {}],
    ['empty', { user_id: '' }],
    ['a number', { user_id: 42 }],
    ['null', { user_id: null }],
    ['an object', { user_id: { id: 'x' } }],
    ['longer than Kinesis allows', { user_id: 'k'.repeat(257) }],
  ])('falls back to the input partition key when the field is %s', (_, record) => {
    expect(selectPartitionKey(record, 'user_id', 'input-key')).toBe('input-key');
  });
});
