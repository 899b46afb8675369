import * as fc from 'fast-check';
import { FIELD_TYPES, FieldSpec, FieldType, RecordSchema } from '../../../lambda-src/enrichment-processor/config';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** ISO-8601 timestamps with a zone, in the shapes producers send: Z or an offset, with or without fractions. */
export const isoTimestamp: fc.Arbitrary<string> = fc.record({
  // A day away from both ends, so that no zone offset takes the instant out of four-digit UTC years.
  date: fc.date({ min: new Date('0001-01-02T00:00:00Z'), max: new Date('9999-12-30T23:59:59Z'), noInvalidDate: true }),
  fraction: fc.option(fc.stringMatching(/^\d{1,9}$/), { nil: undefined }),
  offsetMinutes: fc.option(fc.integer({ min: -14 * 60, max: 14 * 60 }), { nil: undefined }),
}).map(({ date, fraction, offsetMinutes }) => {
  const base = date.toISOString().slice(0, 19);
  const zone = offsetMinutes === undefined
    ? 'Z'
    : `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offsetMinutes) / 60))}:${pad(Math.abs(offsetMinutes) % 60)}`;
  return `${base}${fraction === undefined ? '' : `.${fraction}`}${zone}`;
});

export const VALUE_FOR_TYPE: Record<FieldType, fc.Arbitrary<unknown>> = {
  string: fc.string(),
  integer: fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.maxSafeNat().map((n) => -n)),
  number: fc.double({ noNaN: true, noDefaultInfinity: true }),
  boolean: fc.boolean(),
  timestamp: isoTimestamp,
  object: fc.dictionary(fc.string(), fc.jsonValue()),
};

export const fieldSpec: fc.Arbitrary<FieldSpec> = fc.record({
  name: fc.string({ minLength: 1, maxLength: 12 }),
  type: fc.constantFrom(...FIELD_TYPES),
  required: fc.boolean(),
});

export const recordSchema: fc.Arbitrary<RecordSchema> = fc
  .uniqueArray(fieldSpec, { selector: (f) => f.name, maxLength: 8 })
  .map((fields) => ({ fields }));

/** A record that satisfies the schema, including extra fields the schema does not know about. */
export function matchingRecord(schema: RecordSchema): fc.Arbitrary<Record<string, unknown>> {
  const known = new Set(schema.fields.map((f) => f.name));
  const extras = fc.dictionary(fc.string().filter((k) => !known.has(k)), fc.jsonValue(), { maxKeys: 3 });
  const fieldValues = schema.fields.map((f) => {
    const present = VALUE_FOR_TYPE[f.type].map((value) => ({ [f.name]: value }));
    // Optional fields may be absent or explicitly null.
    return f.required ? present : fc.oneof(present, fc.constant({}), fc.constant({ [f.name]: null }));
  });
  // fromEntries defines own properties, as JSON.parse does; Object.assign would turn "__proto__" into a prototype.
  return fc.tuple(extras, ...fieldValues).map((parts) => Object.fromEntries(parts.flatMap((part) => Object.entries(part))));
}
