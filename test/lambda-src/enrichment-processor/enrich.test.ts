import * as fc from 'fast-check';
import { FIXED_NOW, seedEvent } from './fixtures';
import { encodeEnriched, PROCESSED_AT_FIELD, selectPartitionKey } from '../../../lambda-src/enrichment-processor/enrich';

const NOW = FIXED_NOW.toISOString();
const enriched = (...args: Parameters<typeof encodeEnriched>) => JSON.parse(encodeEnriched(...args));

describe('encodeEnriched', () => {
  test('adds processed_at', () => {
    expect(enriched(seedEvent(1), NOW)).toEqual({ ...seedEvent(1), processed_at: '2024-06-01T12:00:00.000Z' });
  });

  test('adds the derived fields after the record\'s own, processed_at last', () => {
    const derived = { profile: { field: 'user_profile', profile: { tier: 'gold' } }, sessionId: 'abc', geoLocation: null };

    expect(Object.entries(enriched({ a: 1 }, NOW, derived))).toEqual([
      ['a', 1], ['user_profile', { tier: 'gold' }], ['session_id', 'abc'], ['geo_location', null], ['processed_at', NOW],
    ]);
    expect(enriched({}, NOW, { sessionId: null })).toEqual({ session_id: null, processed_at: NOW });
  });

  test('does not mutate its input', () => {
    const record = seedEvent(1);
    encodeEnriched(record, NOW, { sessionId: 's' });

    expect(record).toEqual(seedEvent(1));
  });

  test('overwrites producer-supplied values of the fields it sets', () => {
    const record = seedEvent(1, { processed_at: 'forged', session_id: 'forged', user_profile: 'forged', geo_location: 'forged' });

    expect(enriched(record, NOW, { profile: { field: 'user_profile', profile: null }, sessionId: 's', geoLocation: { country: 'NZ' } }))
      .toEqual({ ...seedEvent(1), processed_at: NOW, session_id: 's', user_profile: null, geo_location: { country: 'NZ' } });
  });

  test('is the JSON of the record with the fields set, for any record, whichever way it is encoded', () => {
    const derived = fc.record({
      profile: fc.option(fc.record({ field: fc.constantFrom('user_profile', 'a'), profile: fc.option(fc.dictionary(fc.string(), fc.jsonValue()), { nil: null }) }), { nil: undefined }),
      sessionId: fc.option(fc.option(fc.string(), { nil: null }), { nil: undefined }),
      geoLocation: fc.option(fc.option(fc.dictionary(fc.string(), fc.jsonValue()), { nil: null }), { nil: undefined }),
    });
    const record = fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('a', 'session_id', 'processed_at', 'geo_location')), fc.jsonValue());
    fc.assert(fc.property(record, derived, fc.date({ noInvalidDate: true }), (r, d, now) => {
      const expected: Record<string, unknown> = { ...r };
      if (d.profile !== undefined) expected[d.profile.field] = d.profile.profile;
      if (d.sessionId !== undefined) expected.session_id = d.sessionId;
      if (d.geoLocation !== undefined) expected.geo_location = d.geoLocation;
      expected[PROCESSED_AT_FIELD] = now.toISOString();

      expect(encodeEnriched(r, now.toISOString(), d)).toBe(JSON.stringify(expected));
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
