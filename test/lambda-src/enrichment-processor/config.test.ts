import { configError, REQUIRED_ENV, SEED_SCHEMA_JSON } from './fixtures';
import { loadConfig, parseSchema } from '../../../lambda-src/enrichment-processor/config';

const VALID_ENV = REQUIRED_ENV;

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

describe('state configuration', () => {
  const withState = (extra: Record<string, string>) => loadConfig({ ...VALID_ENV, STATE_TABLE_NAME: 'state', ...extra });

  test('is off unless STATE_TABLE_NAME is set', () => {
    const config = loadConfig(VALID_ENV);
    expect([config.sessions, config.dedup]).toEqual([undefined, undefined]);
  });

  test('defaults: sessions by user_id and timestamp with a 30-minute gap; dedup by event_id for 24 hours', () => {
    expect(withState({ SESSION_GAP_SECONDS: '1800', DEDUP_WINDOW_SECONDS: '86400' })).toEqual(expect.objectContaining({
      sessions: { tableName: 'state', keyField: 'user_id', timestampField: 'timestamp', gapSeconds: 1800 },
      dedup: { tableName: 'state', idField: 'event_id', windowSeconds: 86_400, leaseSeconds: 900 },
    }));
    expect(withState({ DEDUP_WINDOW_SECONDS: '60' }).sessions).toBeUndefined();
  });

  test.each([
    [{ SESSION_GAP_SECONDS: '59' }, 'SESSION_GAP_SECONDS must be an integer from 60 to 86400, got "59"'],
    [{ DEDUP_WINDOW_SECONDS: 'a day' }, 'DEDUP_WINDOW_SECONDS must be an integer from 60 to 604800, got "a day"'],
    [{ SESSION_GAP_SECONDS: '60', SESSION_KEY_FIELD: 'metadata' }, 'SESSION_KEY_FIELD names "metadata", which is not a string field of RECORD_SCHEMA'],
    [{ SESSION_GAP_SECONDS: '60', SESSION_TIMESTAMP_FIELD: 'page' }, 'SESSION_TIMESTAMP_FIELD names "page", which is not a timestamp field of RECORD_SCHEMA'],
    [{ DEDUP_WINDOW_SECONDS: '60', DEDUP_ID_FIELD: 'nope' }, 'DEDUP_ID_FIELD names "nope", which is not a string field of RECORD_SCHEMA'],
    [{}, 'STATE_TABLE_NAME is set but neither SESSION_GAP_SECONDS nor DEDUP_WINDOW_SECONDS is; set one to use the table'],
  ])('rejects %p', (extra, message) => {
    expect(() => withState(extra)).toThrow(message);
  });

  test('rejects tuning without a table', () => {
    expect(() => loadConfig({ ...VALID_ENV, DEDUP_WINDOW_SECONDS: '60' }))
      .toThrow('DEDUP_WINDOW_SECONDS is set but STATE_TABLE_NAME is not; sessionization and deduplication keep their state in that table');
  });
});

describe('geo configuration', () => {
  const PREFIXES = JSON.stringify([{ cidr: '203.0.113.0/24', location: { country: 'NZ' } }]);
  const ipSchema = JSON.stringify({ fields: [...JSON.parse(SEED_SCHEMA_JSON).fields, { name: 'client_ip', type: 'string' }] });

  test('is off unless a source is set', () => {
    expect(loadConfig(VALID_ENV).geo).toBeUndefined();
  });

  test('reads the profile attribute and the IP lookup', () => {
    expect(loadConfig({
      ...VALID_ENV, RECORD_SCHEMA: ipSchema, REFERENCE_TABLE_NAME: 'profiles', GEO_PROFILE_ATTRIBUTE: 'home', GEO_IP_FIELD: 'client_ip', GEO_IP_PREFIXES: PREFIXES,
    }).geo).toEqual({ profileAttribute: 'home', ipField: 'client_ip', prefixes: [{ cidr: '203.0.113.0/24', location: { country: 'NZ' } }] });
  });

  test.each([
    [{ GEO_IP_PREFIXES: PREFIXES }, 'GEO_IP_PREFIXES is set but GEO_IP_FIELD is not'],
    [{ GEO_PROFILE_ATTRIBUTE: 'home' }, 'GEO_PROFILE_ATTRIBUTE needs reference data (REFERENCE_TABLE_NAME)'],
    [{ GEO_IP_FIELD: 'page' }, 'GEO_IP_FIELD is set but GEO_IP_PREFIXES is not'],
    [{ GEO_IP_FIELD: 'metadata', GEO_IP_PREFIXES: PREFIXES }, 'GEO_IP_FIELD names "metadata", which is not a string field of RECORD_SCHEMA'],
  ])('rejects %p', (extra, message) => {
    expect(() => loadConfig({ ...VALID_ENV, ...extra })).toThrow(message);
  });
});
