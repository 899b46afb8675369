import * as fc from 'fast-check';
import { DecodeError, decodeRecordData, isCanonicalBase64 } from '../../../lambda-src/enrichment-processor/decode';

const b64 = (data: string | Uint8Array) => Buffer.from(data).toString('base64');

function decodeFailure(base64: string): DecodeError {
  try {
    decodeRecordData(base64);
  } catch (err) {
    expect(err).toBeInstanceOf(DecodeError);
    return err as DecodeError;
  }
  throw new Error('expected a DecodeError');
}

describe('decodeRecordData', () => {
  test('decodes base64 UTF-8 JSON objects, including non-ASCII text', () => {
    expect(decodeRecordData(b64('{"user":"Zoë","city":"東京","n":1}'))).toEqual({ user: 'Zoë', city: '東京', n: 1 });
  });

  test.each([
    ['not valid base64', 'eyJhIjoxfQ=!'],
    ['not valid base64', 'abc'],
    ['not valid UTF-8', b64(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))],
    ['not valid JSON', b64('{"a":')],
    ['not valid JSON', b64('')],
    ['not a JSON object', b64('[1,2]')],
    ['not a JSON object', b64('null')],
    ['not a JSON object', b64('"text"')],
    ['not a JSON object', b64('42')],
  ])('reports %s for %p', (reason, base64) => {
    const err = decodeFailure(base64);

    expect(err.reason).toBe(reason);
    expect(err.message).toBe(`record data is ${reason}`);
  });

  test('round-trips any JSON object', () => {
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
      const json = JSON.stringify(obj);
      expect(decodeRecordData(b64(json))).toEqual(JSON.parse(json));
    }));
  });

  test('rejects any JSON value that is not an object', () => {
    const notObject = fc.oneof(
      fc.array(fc.jsonValue()), fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null),
    );
    fc.assert(fc.property(notObject, (value) => {
      expect(decodeFailure(b64(JSON.stringify(value))).reason).toBe('not a JSON object');
    }));
  });
});

describe('isCanonicalBase64', () => {
  const roundTrips = (text: string) => Buffer.from(text, 'base64').toString('base64') === text;
  const check = (text: string) => isCanonicalBase64(text, Buffer.from(text, 'base64'));

  test.each([
    ['', true],
    ['QQ==', true],
    ['QUI=', true],
    ['QUJD', true],
    ['QR==', false],
    ['QUJ=', false],
    ['QQ=', false],
    ['QQ', false],
    ['Q===', false],
    ['QQ==QUJD', false],
    ['QU JD', false],
    ['QUJD\n', false],
    ['-_-_', false],
    ['QUJ_', false],
    ['QU.D', false],
  ])('%p: %p', (text, expected) => {
    expect(check(text)).toBe(expected);
    expect(roundTrips(text)).toBe(expected);
  });

  test('agrees with encoding all the bytes again, for base64 with any single character changed, added or removed', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ \n.%';
    const damaged = fc.record({
      text: fc.uint8Array({ maxLength: 24 }).map((bytes) => Buffer.from(bytes).toString('base64')),
      at: fc.nat(),
      char: fc.constantFrom(...alphabet),
      edit: fc.constantFrom('replace', 'insert', 'delete', 'none'),
    }).map(({ text, at, char, edit }) => {
      const i = at % (text.length + 1);
      switch (edit) {
        case 'replace': return text.slice(0, i) + char + text.slice(i + 1);
        case 'insert': return text.slice(0, i) + char + text.slice(i);
        case 'delete': return text.slice(0, i) + text.slice(i + 1);
        default: return text;
      }
    });
    const anyText = fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 16 });
    fc.assert(fc.property(fc.oneof(damaged, anyText), (text) => {
      expect(check(text)).toBe(roundTrips(text));
    }), { numRuns: 20_000 });
  });
});
