import { FieldType, RecordSchema } from '../../src';
import { dataLakeColumns } from '../../src/sinks/data-lake-columns';

const schemaOf = (...names: string[]) => RecordSchema.fromFields(names.map(name => ({ name, type: FieldType.STRING })));

describe('dataLakeColumns', () => {
  test('maps every field type to its Hive type, keeping descriptions', () => {
    const schema = RecordSchema.fromFields([
      { name: 's', type: FieldType.STRING, description: 'text' },
      { name: 'i', type: FieldType.INTEGER },
      { name: 'n', type: FieldType.NUMBER },
      { name: 'b', type: FieldType.BOOLEAN },
      { name: 't', type: FieldType.TIMESTAMP },
      { name: 'o', type: FieldType.OBJECT },
    ]);
    expect(dataLakeColumns(schema)).toEqual({
      columns: [
        { name: 's', type: 'string', comment: 'text' },
        { name: 'i', type: 'bigint', comment: undefined },
        { name: 'n', type: 'double', comment: undefined },
        { name: 'b', type: 'boolean', comment: undefined },
        { name: 't', type: 'timestamp', comment: undefined },
        // Free-form objects are kept as their JSON text.
        { name: 'o', type: 'string', comment: undefined },
      ],
      jsonKeyMappings: {},
    });
  });

  test('lower-cases names, as Glue and the SerDe do, without a mapping', () => {
    expect(dataLakeColumns(schemaOf('UserId'))).toEqual({ columns: [{ name: 'userid', type: 'string' }], jsonKeyMappings: {} });
  });

  test('prefixes Hive reserved words and maps the column back to its JSON key', () => {
    const { columns, jsonKeyMappings } = dataLakeColumns(schemaOf('timestamp', 'Date', 'user', 'page'));
    expect(columns.map(c => c.name)).toEqual(['event_timestamp', 'event_date', 'event_user', 'page']);
    expect(jsonKeyMappings).toEqual({ event_timestamp: 'timestamp', event_date: 'date', event_user: 'user' });
  });

  test('columnNames win over the default names', () => {
    const { columns, jsonKeyMappings } = dataLakeColumns(schemaOf('timestamp', 'page'), { timestamp: 'ts', page: 'Path' });
    expect(columns.map(c => c.name)).toEqual(['ts', 'path']);
    expect(jsonKeyMappings).toEqual({ ts: 'timestamp', path: 'page' });
  });

  test.each([
    [schemaOf('Id', 'id'), {}, 'Invalid recordSchema: fields "Id" and "id" would both be column "id" of the data lake table'],
    [schemaOf('a', 'b'), { b: 'a' }, 'Invalid recordSchema: fields "a" and "b" would both be column "a"'],
    [schemaOf('year'), {}, 'Invalid recordSchema: field "year" would be column "year", a time partition of the data lake table'],
    [schemaOf('a'), { a: 'select' }, 'Invalid columnNames: "select" for field "a". Allowed: letters, digits and underscores'],
    [schemaOf('a'), { a: '1a' }, 'Invalid columnNames: "1a" for field "a"'],
    [schemaOf('a'), { a: 'a-b' }, 'Invalid columnNames: "a-b" for field "a"'],
    [schemaOf('a'), { b: 'x' }, 'Invalid columnNames: "b" is not a field of the recordSchema (a).'],
  ])('rejects %#', (schema, columnNames, message) => {
    expect(() => dataLakeColumns(schema, columnNames)).toThrow(message);
  });
});
