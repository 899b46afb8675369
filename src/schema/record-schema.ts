import { recordJsonSchema, validatePartitionKeyField } from './json-schema';

/**
 * The type of one field of a pipeline record.
 *
 * One definition drives the processor's validation, and later the HTTP request model and the Glue table.
 */
export enum FieldType {
  /** A JSON string. */
  STRING = 'string',
  /** A JSON number without a fractional part. */
  INTEGER = 'integer',
  /** Any JSON number. */
  NUMBER = 'number',
  /** `true` or `false`. */
  BOOLEAN = 'boolean',
  /** An ISO-8601 date-time string with a time zone, e.g. `2024-01-15T10:30:00Z`. */
  TIMESTAMP = 'timestamp',
  /** A JSON object (not an array, not null). */
  OBJECT = 'object',
}

/**
 * One field of a record schema.
 */
export interface SchemaField {
  /** The field's name in the JSON record. */
  readonly name: string;
  /** The field's type. */
  readonly type: FieldType;
  /**
   * Whether a record without this field is invalid.
   *
   * @default false
   */
  readonly required?: boolean;
  /**
   * What the field means, for documentation and the data catalog.
   *
   * @default - no description
   */
  readonly description?: string;
}

const FIELD_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The shape of the records that flow through a pipeline.
 *
 * Create one with `RecordSchema.fromFields(...)`, or use `RecordSchema.seedEvent()` for the pattern's
 * clickstream event (event_id, event_type, timestamp, user_id, page, metadata).
 */
export class RecordSchema {
  /**
   * The pattern's example event: `event_id`, `event_type`, `timestamp` and `user_id` required, `page` and
   * `metadata` optional.
   */
  public static seedEvent(): RecordSchema {
    return new RecordSchema([
      { name: 'event_id', type: FieldType.STRING, required: true, description: 'Unique id of the event, used for deduplication' },
      { name: 'event_type', type: FieldType.STRING, required: true, description: 'Kind of event, e.g. page_view' },
      { name: 'timestamp', type: FieldType.TIMESTAMP, required: true, description: 'When the event happened (ISO-8601)' },
      { name: 'user_id', type: FieldType.STRING, required: true, description: 'Who caused the event; the default partition key' },
      { name: 'page', type: FieldType.STRING, required: false, description: 'Page the event refers to' },
      { name: 'metadata', type: FieldType.OBJECT, required: false, description: 'Free-form attributes, e.g. browser and device' },
    ]);
  }

  /**
   * A schema made of the given fields.
   *
   * @param fields at least one field; names must be unique identifiers (letters, digits, underscores)
   */
  public static fromFields(fields: SchemaField[]): RecordSchema {
    return new RecordSchema(fields);
  }

  /** The fields, in the order given. */
  public readonly fields: SchemaField[];

  private constructor(fields: SchemaField[]) {
    if (fields.length === 0) {
      throw new Error('Invalid RecordSchema: no fields. Allowed: at least one field.');
    }
    const seen = new Set<string>();
    for (const field of fields) {
      if (!FIELD_NAME_PATTERN.test(field.name)) {
        throw new Error(`Invalid RecordSchema field name: "${field.name}". Allowed: letters, digits and underscores, not starting with a digit.`);
      }
      if (seen.has(field.name)) {
        throw new Error(`Invalid RecordSchema: field "${field.name}" appears twice. Allowed: each field name once.`);
      }
      seen.add(field.name);
    }
    this.fields = fields.map(field => ({ ...field, required: field.required ?? false }));
  }

  /** Whether the schema has a field of this name. */
  public hasField(name: string): boolean {
    return this.fields.some(field => field.name === name);
  }

  /**
   * The schema as the JSON document the processor reads from its `RECORD_SCHEMA` environment variable.
   */
  public toJson(): string {
    return JSON.stringify({
      fields: this.fields.map(({ name, type, required }) => ({ name, type, required })),
    });
  }

  /**
   * The JSON Schema (draft-04, the dialect of API Gateway request models) of one record.
   *
   * Required fields are listed in `required`; timestamps are strings with `format: date-time` and a `pattern`
   * for ISO-8601 with a zone, because API Gateway ignores `format`; optional fields may also be null; fields
   * not in the schema are allowed.
   *
   * @param partitionKeyField a string field that becomes required and limited to 1 to 256 characters, the
   * Kinesis partition key rules
   * @default - no field is treated as the partition key
   */
  public toJsonSchema(partitionKeyField?: string): { [key: string]: any } {
    if (partitionKeyField !== undefined) {
      validatePartitionKeyField('RecordSchema.toJsonSchema partitionKeyField', this.fields, partitionKeyField);
    }
    return recordJsonSchema(this.fields, partitionKeyField);
  }
}
