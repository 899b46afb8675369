import * as fc from 'fast-check';
import { DecodeError, decodeRecordData } from '../../../lambda-src/enrichment-processor/decode';

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
