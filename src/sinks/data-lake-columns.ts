import { FieldType, RecordSchema } from '../schema/record-schema';

/** A column of the data lake table, in the Glue Data Catalog's terms. */
export interface DataLakeColumn {
  readonly name: string;
  /** A Hive type name. */
  readonly type: string;
  readonly comment?: string;
}

/** The data lake table's columns and what Firehose needs to fill them from the records' JSON. */
export interface DataLakeColumns {
  readonly columns: DataLakeColumn[];
  /**
   * Columns whose name differs from their JSON key (column -> key), for the OpenX JSON SerDe's
   * `columnToJsonKeyMappings`.
   */
  readonly jsonKeyMappings: Record<string, string>;
}

/**
 * Hive types of the schema's field types. Timestamps are normalized by the processor to ISO-8601 UTC, a form the
 * OpenX JSON SerDe parses; objects are kept as their JSON text, so that a free-form field needs no fixed structure.
 */
const HIVE_TYPES: Record<FieldType, string> = {
  [FieldType.STRING]: 'string',
  [FieldType.INTEGER]: 'bigint',
  [FieldType.NUMBER]: 'double',
  [FieldType.BOOLEAN]: 'boolean',
  [FieldType.TIMESTAMP]: 'timestamp',
  [FieldType.OBJECT]: 'string',
};

/**
 * Hive's reserved keywords (Hive 3 DDL) that are also plausible field names. Firehose's conversion and Athena's DDL
 * need such a column renamed; the Firehose guide's own example is a JSON key named `timestamp`.
 */
const HIVE_RESERVED_WORDS = new Set([
  'all', 'array', 'between', 'binary', 'boolean', 'both', 'by', 'case', 'cast', 'char', 'column', 'conf', 'create',
  'cube', 'current', 'current_date', 'current_timestamp', 'cursor', 'database', 'date', 'decimal', 'delete',
  'describe', 'distinct', 'double', 'drop', 'else', 'end', 'exchange', 'exists', 'extended', 'external', 'false',
  'fetch', 'float', 'following', 'for', 'from', 'full', 'function', 'grant', 'group', 'grouping', 'having', 'if',
  'import', 'in', 'inner', 'insert', 'int', 'interval', 'into', 'is', 'join', 'lateral', 'left', 'less', 'like',
  'local', 'macro', 'map', 'more', 'none', 'not', 'null', 'of', 'on', 'or', 'order', 'out', 'outer', 'over',
  'partition', 'percent', 'preceding', 'range', 'reads', 'reduce', 'revoke', 'right', 'rollup', 'row', 'rows',
  'select', 'set', 'smallint', 'table', 'tablesample', 'then', 'time', 'timestamp', 'to', 'transform', 'trigger',
  'true', 'truncate', 'unbounded', 'union', 'uniquejoin', 'update', 'user', 'using', 'utc_timestamp', 'values',
  'varchar', 'when', 'where', 'window', 'with',
]);

/** What a field named after a reserved word becomes, e.g. `timestamp` -> `event_timestamp`. */
export const RESERVED_WORD_COLUMN_PREFIX = 'event_';

/** Partition columns that the time-based prefix creates, outermost first. */
export const TIME_PARTITION_COLUMNS = ['year', 'month', 'day', 'hour'] as const;

/**
 * The columns of the data lake table for records of `schema`: one per field, in schema order. Glue keeps column
 * names in lower case and the SerDe lower-cases JSON keys, so names are compared in lower case; a field named after
 * a Hive reserved word gets the `event_` prefix unless `columnNames` names its column.
 *
 * @param columnNames column names chosen for fields, by field name
 * @param prop the prop the schema came from, for error messages
 */
export function dataLakeColumns(schema: RecordSchema, columnNames: Record<string, string> = {}, prop = 'recordSchema'): DataLakeColumns {
  for (const field of Object.keys(columnNames)) {
    if (!schema.hasField(field)) {
      throw new Error(`Invalid columnNames: "${field}" is not a field of the ${prop} (${schema.fields.map(f => f.name).join(', ')}).`);
    }
  }
  const jsonKeyMappings: Record<string, string> = {};
  const owners = new Map<string, string>();
  const columns = schema.fields.map((field): DataLakeColumn => {
    const key = field.name.toLowerCase();
    const name = (columnNames[field.name] ?? (HIVE_RESERVED_WORDS.has(key) ? `${RESERVED_WORD_COLUMN_PREFIX}${key}` : key)).toLowerCase();
    if (!/^[a-z_][a-z0-9_]{0,254}$/.test(name) || HIVE_RESERVED_WORDS.has(name)) {
      throw new Error(`Invalid columnNames: "${name}" for field "${field.name}". `
        + 'Allowed: letters, digits and underscores, not starting with a digit, at most 255 characters, and not a Hive reserved word.');
    }
    if ((TIME_PARTITION_COLUMNS as readonly string[]).includes(name)) {
      throw new Error(`Invalid ${prop}: field "${field.name}" would be column "${name}", a time partition of the data lake table. `
        + 'Allowed: give its column another name with columnNames.');
    }
    const earlier = owners.get(name);
    if (earlier !== undefined) {
      throw new Error(`Invalid ${prop}: fields "${earlier}" and "${field.name}" would both be column "${name}" of the data lake table `
        + '(column names are lower case). Allowed: give one of them another name with columnNames.');
    }
    owners.set(name, field.name);
    if (name !== key) {
      jsonKeyMappings[name] = key;
    }
    return { name, type: HIVE_TYPES[field.type], comment: field.description };
  });
  return { columns, jsonKeyMappings };
}
