import { FieldType, RecordSchema } from '../../src';

describe('RecordSchema', () => {
  test('the seed event has the pattern\'s fields, four of them required', () => {
    const schema = RecordSchema.seedEvent();
    expect(schema.fields.map(field => [field.name, field.type, field.required])).toEqual([
      ['event_id', FieldType.STRING, true],
      ['event_type', FieldType.STRING, true],
      ['timestamp', FieldType.TIMESTAMP, true],
      ['user_id', FieldType.STRING, true],
      ['page', FieldType.STRING, false],
      ['metadata', FieldType.OBJECT, false],
    ]);
  });

  test('toJson is the document the processor reads, with required defaulted to false', () => {
    const schema = RecordSchema.fromFields([
      { name: 'id', type: FieldType.STRING, required: true },
      { name: 'amount', type: FieldType.NUMBER, description: 'not sent to the processor' },
    ]);
    expect(JSON.parse(schema.toJson())).toEqual({
      fields: [
        { name: 'id', type: 'string', required: true },
        { name: 'amount', type: 'number', required: false },
      ],
    });
  });

  test('hasField', () => {
    expect(RecordSchema.seedEvent().hasField('user_id')).toBe(true);
    expect(RecordSchema.seedEvent().hasField('account_id')).toBe(false);
  });

  test.each([
    [[], 'Invalid RecordSchema: no fields. Allowed: at least one field.'],
    [[{ name: '1st', type: FieldType.STRING }], 'Invalid RecordSchema field name: "1st"'],
    [[{ name: 'a-b', type: FieldType.STRING }], 'Invalid RecordSchema field name: "a-b"'],
    [[{ name: 'a', type: FieldType.STRING }, { name: 'a', type: FieldType.NUMBER }], 'field "a" appears twice'],
  ])('rejects %j', (fields, message) => {
    expect(() => RecordSchema.fromFields(fields)).toThrow(message);
  });

  test('toJsonSchema: required fields, the timestamp pattern, no partition key constraint unless asked', () => {
    const schema = RecordSchema.seedEvent().toJsonSchema();
    expect(schema.$schema).toBe('http://json-schema.org/draft-04/schema#');
    expect(schema.required).toEqual(['event_id', 'event_type', 'timestamp', 'user_id']);
    expect(schema.properties.timestamp).toMatchObject({ type: 'string', format: 'date-time', pattern: expect.stringMatching(/^\^.*\$$/) });
    expect(schema.properties.user_id).toEqual({ type: 'string', description: expect.any(String) });
  });

  test('toJsonSchema with a partition key limits it to 1 to 256 characters', () => {
    expect(RecordSchema.seedEvent().toJsonSchema('user_id').properties.user_id).toMatchObject({ minLength: 1, maxLength: 256 });
  });

  test.each([
    ['account_id', 'Invalid RecordSchema.toJsonSchema partitionKeyField: "account_id". Allowed: a string field of the record schema (event_id, event_type, user_id, page).'],
    ['metadata', 'Invalid RecordSchema.toJsonSchema partitionKeyField: "metadata" (type object).'],
  ])('toJsonSchema rejects partition key %s', (field, message) => {
    expect(() => RecordSchema.seedEvent().toJsonSchema(field)).toThrow(message);
  });
});
