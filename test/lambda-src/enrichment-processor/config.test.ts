import { REQUIRED_ENV } from './fixtures';
import { ConfigError, loadConfig, parseSchema } from '../../../lambda-src/enrichment-processor/config';

const VALID_ENV = REQUIRED_ENV;

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  test('reads the construct-provided environment into a typed config', () => {
    const config = loadConfig(VALID_ENV);

    expect(config.outputStreamName).toBe('enriched-events');
    expect(config.deadLetterQueueUrl).toBe(REQUIRED_ENV.DEAD_LETTER_QUEUE_URL);
    expect(config.partitionKeyField).toBe('user_id');
    expect(config.schema.fields).toEqual([
      { name: 'event_id', type: 'string', required: true },
      { name: 'event_type', type: 'string', required: true },
      { name: 'timestamp', type: 'timestamp', required: true },
      { name: 'user_id', type: 'string', required: true },
      { name: 'page', type: 'string', required: false },
      { name: 'metadata', type: 'object', required: false },
    ]);
  });

  test.each(['OUTPUT_STREAM_NAME', 'RECORD_SCHEMA', 'PARTITION_KEY_FIELD', 'DEAD_LETTER_QUEUE_URL'])('names %s when it is missing', (name) => {
    const env: Record<string, string | undefined> = { ...VALID_ENV, [name]: undefined };

    const err = configError(() => loadConfig(env));

    expect(err.variable).toBe(name);
    expect(err.message).toBe(`${name} is missing or empty`);
  });

  test('treats a blank value as missing', () => {
    expect(() => loadConfig({ ...VALID_ENV, OUTPUT_STREAM_NAME: '  ' })).toThrow('OUTPUT_STREAM_NAME is missing or empty');
  });

  test('accepts a partition key field that is not in the schema, since records fall back to their input key', () => {
    expect(loadConfig({ ...VALID_ENV, PARTITION_KEY_FIELD: 'session_id' }).partitionKeyField).toBe('session_id');
  });
});

describe('parseSchema', () => {
  test('defaults "required" to false', () => {
    expect(parseSchema('{"fields":[{"name":"a","type":"integer"}]}', 'RECORD_SCHEMA').fields)
      .toEqual([{ name: 'a', type: 'integer', required: false }]);
  });

  test('accepts every documented type', () => {
    const types = ['string', 'integer', 'number', 'boolean', 'timestamp', 'object'];
    const schema = parseSchema(JSON.stringify({ fields: types.map((type) => ({ name: `f_${type}`, type })) }), 'RECORD_SCHEMA');

    expect(schema.fields.map((f) => f.type)).toEqual(types);
  });

  test('rejects invalid JSON and says so', () => {
    const err = configError(() => parseSchema('{"fields": [', 'RECORD_SCHEMA'));

    expect(err.variable).toBe('RECORD_SCHEMA');
    expect(err.message).toMatch(/^RECORD_SCHEMA is not valid JSON: /);
  });

  test.each([
    ['an array', '[]'],
    ['null', 'null'],
    ['an object without fields', '{}'],
    ['fields that are not an array', '{"fields":{"name":"a"}}'],
  ])('rejects %s', (_, json) => {
    expect(() => parseSchema(json, 'RECORD_SCHEMA')).toThrow('RECORD_SCHEMA must be a JSON object with a "fields" array');
  });

  test('rejects an unknown field type, naming the field, the type and the allowed types', () => {
    const json = '{"fields":[{"name":"ok","type":"string"},{"name":"when","type":"datetime"}]}';

    expect(() => parseSchema(json, 'RECORD_SCHEMA')).toThrow(
      'RECORD_SCHEMA fields[1] (field "when") has unknown type "datetime"; expected one of string, integer, number, boolean, timestamp, object',
    );
  });

  test('rejects a missing type', () => {
    expect(() => parseSchema('{"fields":[{"name":"a"}]}', 'RECORD_SCHEMA')).toThrow('(field "a") has unknown type undefined');
  });

  test('names the variable, not the field position, as the thing to fix', () => {
    expect(configError(() => parseSchema('{"fields":[{"name":"a","type":"date"}]}', 'RECORD_SCHEMA')).variable).toBe('RECORD_SCHEMA');
  });

  test('rejects duplicate field names', () => {
    const json = '{"fields":[{"name":"a","type":"string"},{"name":"a","type":"integer"}]}';

    expect(() => parseSchema(json, 'RECORD_SCHEMA')).toThrow('RECORD_SCHEMA declares field "a" more than once');
  });

  test.each([
    ['a non-object field', '{"fields":["a"]}', 'RECORD_SCHEMA fields[0] must be an object with "name" and "type"'],
    ['an empty name', '{"fields":[{"name":"","type":"string"}]}', 'RECORD_SCHEMA fields[0] must have a non-empty string "name"'],
    ['a numeric name', '{"fields":[{"name":1,"type":"string"}]}', 'RECORD_SCHEMA fields[0] must have a non-empty string "name"'],
    ['a non-boolean required', '{"fields":[{"name":"a","type":"string","required":"yes"}]}', 'RECORD_SCHEMA fields[0] (field "a") has a non-boolean "required"'],
  ])('rejects %s', (_, json, message) => {
    expect(() => parseSchema(json, 'RECORD_SCHEMA')).toThrow(message);
  });
});
