import * as fc from 'fast-check';
import { b64, enrichedSeedEvent, jsonData, utf8Of } from './fixtures';
import { loadConfig } from '../../../lambda-src/firehose-transformer/config';
import { RecordOutcome, transformRecord } from '../../../lambda-src/firehose-transformer/transform';

const DEFAULTS = loadConfig({});

function okText(outcome: RecordOutcome): string {
  expect(outcome.result).toBe('Ok');
  return utf8Of(outcome.data);
}

/** The output as JSON, after checking it is exactly one line. */
function okJson(outcome: RecordOutcome): Record<string, unknown> {
  const text = okText(outcome);
  expect(text.indexOf('\n')).toBe(text.length - 1);
  return JSON.parse(text);
}

describe('transformRecord', () => {
  test('flattens the enriched seed event into one newline-terminated JSON line by default', () => {
    const text = okText(transformRecord(jsonData(enrichedSeedEvent(0)), DEFAULTS));

    expect(text).toBe(`${JSON.stringify({
      event_id: 'evt-0',
      event_type: 'page_view',
      timestamp: '2024-01-15T10:30:00Z',
      user_id: 'user-0',
      page: '/products/0',
      metadata_browser: 'firefox',
      metadata_device: 'desktop',
      processed_at: '2024-06-01T12:00:00.000Z',
      session_id: '5f1c0a7e9b2d4c6e8a0f1b3d5e7c9a00',
    })}\n`);
  });

  test.each(['\n', '\r\n', ' \n'])('ends with exactly one newline when the input already ended with %j', (ending) => {
    const data = b64(`${JSON.stringify({ a: { b: 1 } })}${ending}`);

    expect(okText(transformRecord(data, DEFAULTS))).toBe('{"a_b":1}\n');
  });

  test('adds no newline, and keeps none from the input, when output is not newline-delimited', () => {
    const config = loadConfig({ NEWLINE_DELIMITED: 'false' });

    expect(okText(transformRecord(b64('{"a":1}\n'), config))).toBe('{"a":1}');
  });

  test('keeps nested objects and arrays as they are when flattening is off', () => {
    const record = { a: { b: [1, { c: null }] }, d: {} };

    expect(okJson(transformRecord(jsonData(record), loadConfig({ FLATTEN_NESTED: 'false' })))).toEqual(record);
  });

  test('writes non-ASCII text back as UTF-8', () => {
    expect(okText(transformRecord(jsonData({ user: { name: 'Zoë' }, city: '東京' }), DEFAULTS))).toBe('{"user_name":"Zoë","city":"東京"}\n');
  });

  test('renames flattened fields in place, then drops fields', () => {
    const config = loadConfig({
      FIELD_RENAMES: '{"timestamp":"event_timestamp","metadata_browser":"browser","absent":"never"}',
      DROP_FIELDS: 'session_id,metadata_device,also_absent',
    });

    const output = okJson(transformRecord(jsonData(enrichedSeedEvent(1)), config));

    expect(Object.keys(output)).toEqual(['event_id', 'event_type', 'event_timestamp', 'user_id', 'page', 'browser', 'processed_at']);
    expect(output).toEqual(expect.objectContaining({ event_timestamp: '2024-01-15T10:30:00Z', browser: 'firefox' }));
  });

  test('renames and drops top-level fields only when flattening is off', () => {
    const config = loadConfig({ FLATTEN_NESTED: 'false', FIELD_RENAMES: '{"metadata":"meta","browser":"b"}', DROP_FIELDS: 'device' });

    expect(okJson(transformRecord(jsonData({ metadata: { browser: 'x', device: 'y' } }), config))).toEqual({ meta: { browser: 'x', device: 'y' } });
  });

  test('fails a record whose rename would overwrite a field it has, keeping its original data', () => {
    const data = jsonData(enrichedSeedEvent(2, { event_timestamp: 'already here' }));

    expect(transformRecord(data, loadConfig({ FIELD_RENAMES: '{"timestamp":"event_timestamp"}' }))).toEqual({
      result: 'ProcessingFailed',
      data,
      reason: 'renaming "timestamp" to "event_timestamp" would overwrite the record\'s own "event_timestamp"',
    });
  });

  test('fails a record whose flattened keys clash, naming the key, instead of overwriting either value', () => {
    const data = jsonData(enrichedSeedEvent(3, { metadata_browser: 'top-level' }));

    expect(transformRecord(data, DEFAULTS)).toEqual({
      result: 'ProcessingFailed',
      data,
      reason: 'flattening gives more than one field the name "metadata_browser"',
    });
  });

  test.each([
    ['not valid base64', 'eyJhIjoxfQ=!'],
    ['not valid UTF-8', b64(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))],
    ['not valid JSON', b64('{"a":')],
    ['not valid JSON', ''],
    ['not a JSON object', b64('[{"a":1}]\n')],
    ['not a JSON object', b64('null')],
  ])('fails a record that is %s, keeping its data unchanged', (reason, data) => {
    expect(transformRecord(data, DEFAULTS)).toEqual({ result: 'ProcessingFailed', data, reason: `record data is ${reason}` });
  });

  test('keeps fields named after inherited members as fields, and renames and drops them like any other', () => {
    const json = '{"__proto__":{"polluted":1},"toString":"s","constructor":{"name":"c"},"valueOf":2}';
    const config = loadConfig({ FIELD_RENAMES: '{"__proto___polluted":"proto","toString":"text"}', DROP_FIELDS: 'valueOf' });

    expect(okText(transformRecord(b64(json), DEFAULTS))).toBe('{"__proto___polluted":1,"toString":"s","constructor_name":"c","valueOf":2}\n');
    expect(okText(transformRecord(b64(json), config))).toBe('{"proto":1,"text":"s","constructor_name":"c"}\n');
    expect(okText(transformRecord(b64('{"__proto__":{"a":1}}'), loadConfig({ FLATTEN_NESTED: 'false' })))).toBe('{"__proto__":{"a":1}}\n');
    expect(okText(transformRecord(b64('{"p":{"q":1}}'), loadConfig({ FIELD_RENAMES: '{"p_q":"__proto__"}' })))).toBe('{"__proto__":1}\n');
  });

  describe('nesting deeper than the call stack allows', () => {
    const depth = 100_000;
    const deepObject = b64(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
    const deepArray = b64(`{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    const tooDeep = { result: 'ProcessingFailed', reason: 'record is nested too deeply to serialize' };

    test('is flattened in objects', () => {
      expect(Object.keys(okJson(transformRecord(deepObject, DEFAULTS)))).toEqual([Array(depth).fill('a').join('_')]);
    });

    test('fails the record, not the batch, in arrays or when flattening is off', () => {
      expect(transformRecord(deepArray, DEFAULTS)).toEqual({ ...tooDeep, data: deepArray });
      expect(transformRecord(deepObject, loadConfig({ FLATTEN_NESTED: 'false' }))).toEqual({ ...tooDeep, data: deepObject });
    });
  });
});

describe('transformRecord properties', () => {
  const define = (target: Record<string, unknown>, key: string, value: unknown) =>
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });

  /** The inverse of flattening, for names that do not contain the separator; defineProperty keeps "__proto__" a key. */
  function unflatten(flat: Record<string, unknown>, separator: string): Record<string, unknown> {
    const root: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(flat)) {
      const path = key.split(separator);
      let node = root;
      for (const name of path.slice(0, -1)) {
        if (!Object.hasOwn(node, name)) {
          define(node, name, {});
        }
        node = node[name] as Record<string, unknown>;
      }
      define(node, path[path.length - 1], value);
    }
    return root;
  }

  /** What flattening promises to keep: everything, except that arrays become their JSON text. */
  function arraysAsJsonText(value: unknown): unknown {
    if (Array.isArray(value)) {
      return JSON.stringify(value);
    }
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, arraysAsJsonText(inner)]));
    }
    return value;
  }

  // Objects come only from nestedRecord, whose names are chosen; any JSON may sit inside an array.
  const leaf = fc.oneof(
    fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null),
    fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  );

  const separator = fc.constantFrom('_', '.', '__', '::', '-', '/');

  /** Nested records whose names avoid the separator's characters, so that no two paths can join into one key. */
  const nestedRecord = (sep: string) => {
    const name = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'toString', 'constructor', 'hasOwnProperty'))
      .filter((n) => ![...sep].some((c) => n.includes(c)));
    const { record } = fc.letrec((tie) => ({
      record: fc.dictionary(name, tie('value'), { maxKeys: 4, depthIdentifier: 'record' }),
      value: fc.oneof({ depthSize: 'small', depthIdentifier: 'record' }, leaf, tie('record')),
    }));
    return record;
  };

  test('un-flattening the output gives back the input, with arrays as their JSON text', () => {
    const input = separator.chain((sep) => fc.record({ sep: fc.constant(sep), record: nestedRecord(sep) }));
    fc.assert(fc.property(input, fc.boolean(), ({ sep, record }, newline) => {
      // The record as the delivery stream carries it: written by JSON.stringify.
      const json = JSON.stringify(record);
      const config = loadConfig({ FLATTEN_SEPARATOR: sep, NEWLINE_DELIMITED: String(newline) });

      const text = okText(transformRecord(b64(json), config));

      expect(text.endsWith('\n')).toBe(newline);
      const output = JSON.parse(text) as Record<string, unknown>;
      expect(Object.values(output).every((v) => v === null || typeof v !== 'object' || Object.keys(v).length === 0)).toBe(true);
      expect(unflatten(output, sep)).toEqual(arraysAsJsonText(JSON.parse(json)));
    }), { numRuns: 500 });
  });

  test('answers any data without throwing, and fails only what cannot be decoded or flattened', () => {
    const data = fc.oneof(
      fc.string(),
      fc.string().map(b64),
      fc.uint8Array().map(b64),
      fc.jsonValue().map(jsonData),
      fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue({ maxDepth: 3 })).map(jsonData),
    );
    fc.assert(fc.property(data, (input) => {
      const outcome = transformRecord(input, DEFAULTS);

      if (outcome.result === 'ProcessingFailed') {
        expect(outcome.data).toBe(input);
        expect(outcome.reason).toMatch(/^(record data is not|flattening gives more than one field the name )/);
      } else {
        expect(utf8Of(outcome.data).endsWith('}\n')).toBe(true);
      }
    }), { numRuns: 2_000 });
  });
});
