import type { FieldType, SchemaField } from './record-schema';

/** A JSON Schema document or subschema, as plain JSON. */
export type JsonSchemaObject = { [key: string]: unknown };

/** The dialect API Gateway request models are written in; it supports no later draft. */
export const JSON_SCHEMA_DRAFT_04 = 'http://json-schema.org/draft-04/schema#';

/** Kinesis limit: records per PutRecords request. */
export const MAX_RECORDS_PER_REQUEST = 500;

/** Kinesis limit: Unicode characters of a partition key. */
export const MAX_PARTITION_KEY_LENGTH = 256;

/**
 * An ISO-8601 date-time with seconds and a mandatory zone, as the processor accepts it. API Gateway ignores
 * `format`, so this pattern is what rejects a bad timestamp at the edge. It bounds every component but not the
 * length of a month: `2024-02-30T00:00:00Z` passes here and is caught by the processor.
 */
export const TIMESTAMP_PATTERN =
  '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?'
  + '(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$';

const JSON_TYPES: Record<`${FieldType}`, JsonSchemaObject> = {
  string: { type: 'string' },
  integer: { type: 'integer' },
  number: { type: 'number' },
  boolean: { type: 'boolean' },
  timestamp: { type: 'string', format: 'date-time', pattern: TIMESTAMP_PATTERN },
  object: { type: 'object' },
};

/**
 * Throws unless `name` is a string field of the schema: a Kinesis partition key is a string, and a field of
 * another type would fail every put at the integration instead of at the edge.
 *
 * @param prop the prop's full name, as the user wrote it, e.g. `HttpIngestionProps.partitionKeyField`
 */
export function validatePartitionKeyField(prop: string, fields: readonly SchemaField[], name: string): void {
  const field = fields.find(candidate => candidate.name === name);
  if (field?.type === 'string') {
    return;
  }
  const found = field === undefined ? '' : ` (type ${field.type})`;
  const allowed = fields.filter(candidate => candidate.type === 'string').map(candidate => candidate.name).join(', ');
  throw new Error(`Invalid ${prop}: "${name}"${found}. Allowed: a string field of the record schema (${allowed || 'none'}).`);
}

/**
 * The JSON Schema (draft-04) of one record with these fields.
 *
 * Unknown fields are allowed, as the processor ignores them, so producers can send a field before the schema
 * lists it. An optional field may be null, as the processor treats null like a missing optional field. The
 * partition key field, when given, is required and must be a string of 1 to 256 characters, as Kinesis demands.
 *
 * @param partitionKeyField a string field of `fields`, checked by the caller with `validatePartitionKeyField`
 */
export function recordJsonSchema(fields: readonly SchemaField[], partitionKeyField?: string): JsonSchemaObject {
  const properties: JsonSchemaObject = {};
  const required: string[] = [];
  for (const field of fields) {
    const isPartitionKey = field.name === partitionKeyField;
    const isRequired = (field.required ?? false) || isPartitionKey;
    const base = JSON_TYPES[field.type];
    properties[field.name] = {
      ...(field.description === undefined ? {} : { description: field.description }),
      ...base,
      ...(isRequired ? {} : { type: [base.type, 'null'] }),
      ...(isPartitionKey ? { minLength: 1, maxLength: MAX_PARTITION_KEY_LENGTH } : {}),
    };
    if (isRequired) {
      required.push(field.name);
    }
  }
  return {
    $schema: JSON_SCHEMA_DRAFT_04,
    title: 'Record',
    type: 'object',
    properties,
    // Draft-04 rejects an empty `required` array.
    ...(required.length === 0 ? {} : { required }),
  };
}

/**
 * The JSON Schema (draft-04) of a batch request, `{ "records": [ <record>, ... ] }` with 1 to 500 records,
 * the most one PutRecords call takes.
 */
export function recordBatchJsonSchema(record: JsonSchemaObject): JsonSchemaObject {
  const { $schema, ...item } = record;
  return {
    $schema,
    title: 'Records',
    type: 'object',
    required: ['records'],
    properties: {
      records: { type: 'array', minItems: 1, maxItems: MAX_RECORDS_PER_REQUEST, items: item },
    },
  };
}
