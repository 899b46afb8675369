import Ajv from 'ajv-draft-04';
import { FieldType, RecordSchema } from '../../src';
import {
  JSON_SCHEMA_DRAFT_04,
  recordBatchJsonSchema,
  recordJsonSchema,
  validatePartitionKeyField,
} from '../../src/schema/json-schema';

const SEED_EVENT = {
  event_id: 'evt-123',
  event_type: 'page_view',
  timestamp: '2024-01-15T10:30:00Z',
  user_id: 'user-456',
  page: '/products/123',
  metadata: { browser: 'Chrome', device: 'mobile' },
};

/** API Gateway ignores `format`, so the validator here does too: the pattern has to do the work. */
function validatorOf(schema: object) {
  const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, validateFormats: false });
  expect(ajv.validateSchema(schema)).toBe(true);
  return ajv.compile(schema);
}

const seedRecord = validatorOf(recordJsonSchema(RecordSchema.seedEvent().fields, 'user_id'));
const seedBatch = validatorOf(recordBatchJsonSchema(recordJsonSchema(RecordSchema.seedEvent().fields, 'user_id')));

describe('record JSON schema', () => {
  test('is a draft-04 object schema of the seed fields, unknown fields allowed', () => {
    const schema = recordJsonSchema(RecordSchema.seedEvent().fields, 'user_id');
    expect(schema).toMatchObject({
      $schema: JSON_SCHEMA_DRAFT_04,
      type: 'object',
      required: ['event_id', 'event_type', 'timestamp', 'user_id'],
      properties: {
        event_id: { type: 'string', description: 'Unique id of the event, used for deduplication' },
        timestamp: { type: 'string', format: 'date-time', pattern: expect.any(String) },
        user_id: { type: 'string', minLength: 1, maxLength: 256 },
        page: { type: ['string', 'null'] },
        metadata: { type: ['object', 'null'] },
      },
    });
    expect(schema).not.toHaveProperty('additionalProperties');
  });

  test.each([
    ['the seed event', SEED_EVENT],
    ['without its optional fields', { ...SEED_EVENT, page: undefined, metadata: undefined }],
    ['with null optional fields', { ...SEED_EVENT, page: null, metadata: null }],
    ['with a field the schema does not list', { ...SEED_EVENT, referrer: 'https://example.com' }],
    ['with fractional seconds and an offset', { ...SEED_EVENT, timestamp: '2024-01-15T10:30:00.123+05:30' }],
    ['with a negative offset', { ...SEED_EVENT, timestamp: '2024-12-31T23:59:59-08:00' }],
    ['with a 256-character partition key', { ...SEED_EVENT, user_id: 'u'.repeat(256) }],
    ['with an empty metadata object', { ...SEED_EVENT, metadata: {} }],
  ])('accepts a record %s', (_, record) => {
    expect(seedRecord(JSON.parse(JSON.stringify(record)))).toBe(true);
  });

  test.each([
    ['without event_id', { ...SEED_EVENT, event_id: undefined }],
    ['without event_type', { ...SEED_EVENT, event_type: undefined }],
    ['without timestamp', { ...SEED_EVENT, timestamp: undefined }],
    ['without user_id', { ...SEED_EVENT, user_id: undefined }],
    ['with a null required field', { ...SEED_EVENT, event_id: null }],
    ['with a numeric event_id', { ...SEED_EVENT, event_id: 123 }],
    ['with a numeric page', { ...SEED_EVENT, page: 42 }],
    ['with metadata as an array', { ...SEED_EVENT, metadata: ['Chrome'] }],
    ['with metadata as a string', { ...SEED_EVENT, metadata: 'Chrome' }],
    ['with a date only', { ...SEED_EVENT, timestamp: '2024-01-15' }],
    ['with a timestamp without a zone', { ...SEED_EVENT, timestamp: '2024-01-15T10:30:00' }],
    ['with a space instead of T', { ...SEED_EVENT, timestamp: '2024-01-15 10:30:00Z' }],
    ['with month 13', { ...SEED_EVENT, timestamp: '2024-13-01T10:30:00Z' }],
    ['with hour 24', { ...SEED_EVENT, timestamp: '2024-01-15T24:00:00Z' }],
    ['with an offset without a colon', { ...SEED_EVENT, timestamp: '2024-01-15T10:30:00+0530' }],
    ['with a numeric timestamp', { ...SEED_EVENT, timestamp: 1705314600 }],
    ['with an empty partition key', { ...SEED_EVENT, user_id: '' }],
    ['with a 257-character partition key', { ...SEED_EVENT, user_id: 'u'.repeat(257) }],
    ['that is an array', [SEED_EVENT]],
  ])('rejects a record %s', (_, record) => {
    expect(seedRecord(JSON.parse(JSON.stringify(record)))).toBe(false);
  });

  test('integer, number and boolean fields', () => {
    const fields = RecordSchema.fromFields([
      { name: 'count', type: FieldType.INTEGER, required: true },
      { name: 'amount', type: FieldType.NUMBER, required: true },
      { name: 'flag', type: FieldType.BOOLEAN, required: true },
    ]).fields;
    const validate = validatorOf(recordJsonSchema(fields));
    expect(validate({ count: 3, amount: 1.5, flag: false })).toBe(true);
    expect(validate({ count: 1.5, amount: 1.5, flag: false })).toBe(false);
    expect(validate({ count: 3, amount: '1.5', flag: false })).toBe(false);
    expect(validate({ count: 3, amount: 1.5, flag: 'true' })).toBe(false);
  });

  test('an optional partition key field becomes required and non-null', () => {
    const fields = RecordSchema.fromFields([
      { name: 'id', type: FieldType.STRING, required: true },
      { name: 'device_id', type: FieldType.STRING },
    ]).fields;
    const schema = recordJsonSchema(fields, 'device_id');
    expect(schema.required).toEqual(['id', 'device_id']);
    const validate = validatorOf(schema);
    expect(validate({ id: 'a', device_id: 'd-1' })).toBe(true);
    expect(validate({ id: 'a' })).toBe(false);
    expect(validate({ id: 'a', device_id: null })).toBe(false);
  });

  test('without required fields or a partition key, there is no `required`, which draft-04 forbids empty', () => {
    const fields = RecordSchema.fromFields([{ name: 'note', type: FieldType.STRING }]).fields;
    const schema = recordJsonSchema(fields);
    expect(schema).not.toHaveProperty('required');
    expect(validatorOf(schema)({})).toBe(true);
  });
});

describe('batch JSON schema', () => {
  const batchOf = (count: number, record: object = SEED_EVENT) => ({ records: Array.from({ length: count }, () => record) });

  test('wraps the record schema in `records`, 1 to 500 items, with one $schema at the top', () => {
    const record = recordJsonSchema(RecordSchema.seedEvent().fields, 'user_id');
    const { $schema, ...item } = record;
    expect(recordBatchJsonSchema(record)).toEqual({
      $schema,
      title: 'Records',
      type: 'object',
      required: ['records'],
      properties: { records: { type: 'array', minItems: 1, maxItems: 500, items: item } },
    });
  });

  test.each([1, 2, 500])('accepts %i seed events', (count) => {
    expect(seedBatch(batchOf(count))).toBe(true);
  });

  test.each([
    ['0 records', batchOf(0)],
    ['501 records', batchOf(501)],
    ['no records field', {}],
    ['records that are not an array', { records: SEED_EVENT }],
    ['one record without user_id', { records: [SEED_EVENT, { ...SEED_EVENT, user_id: undefined }] }],
    ['one record with a bad timestamp', { records: [SEED_EVENT, { ...SEED_EVENT, timestamp: 'yesterday' }] }],
    ['one record with an empty partition key', { records: [{ ...SEED_EVENT, user_id: '' }, SEED_EVENT] }],
  ])('rejects a batch with %s', (_, batch) => {
    expect(seedBatch(JSON.parse(JSON.stringify(batch)))).toBe(false);
  });
});

describe('validatePartitionKeyField', () => {
  const fields = RecordSchema.fromFields([
    { name: 'id', type: FieldType.STRING, required: true },
    { name: 'count', type: FieldType.INTEGER },
    { name: 'device_id', type: FieldType.STRING },
  ]).fields;

  test('accepts a string field', () => {
    expect(() => validatePartitionKeyField('P.field', fields, 'device_id')).not.toThrow();
  });

  test('rejects an unknown field, naming the prop, the value and the string fields', () => {
    expect(() => validatePartitionKeyField('P.field', fields, 'user_id'))
      .toThrow('Invalid P.field: "user_id". Allowed: a string field of the record schema (id, device_id).');
  });

  test('rejects a field of another type, naming its type', () => {
    expect(() => validatePartitionKeyField('P.field', fields, 'count'))
      .toThrow('Invalid P.field: "count" (type integer). Allowed: a string field of the record schema (id, device_id).');
  });
});
