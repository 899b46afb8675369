import { FieldType, RecordSchema } from '../../src';
import { DATA_QUALITY_DEFAULTS } from '../../src/presets/data-quality-defaults';
import { DEFAULTS } from '../../src/presets/defaults';
import { dataQualityRules, dqdlRule, dqdlRuleset, schemaQualityColumns, validateNotBefore } from '../../src/quality/data-quality-rules';

const seedColumns = () => schemaQualityColumns({
  schema: RecordSchema.seedEvent(),
  idField: DATA_QUALITY_DEFAULTS.idField,
  timestampField: DATA_QUALITY_DEFAULTS.timestampField,
  prop: 'Test',
});

describe('data-quality rules', () => {
  test('the seed\'s checks on the seed schema\'s data lake columns: the id, the renamed timestamp, the required fields', () => {
    const columns = seedColumns();
    expect(columns).toEqual({
      idColumn: 'event_id',
      // `timestamp` is a Hive reserved word: the data lake column is event_timestamp.
      timestampColumn: 'event_timestamp',
      requiredColumns: ['event_id', 'event_type', 'event_timestamp', 'user_id'],
    });
    const rules = dataQualityRules({ ...columns, notBefore: DATA_QUALITY_DEFAULTS.notBefore });
    expect(rules.map(dqdlRule)).toEqual([
      'IsComplete "event_id"',
      'IsUnique "event_id"',
      'ColumnValues "event_timestamp" > "2024-01-01"',
      'IsComplete "event_type"',
      'IsComplete "event_timestamp"',
      'IsComplete "user_id"',
    ]);
    expect(dqdlRuleset(rules)).toBe(`Rules = [\n${rules.map(rule => `  ${dqdlRule(rule)}`).join(',\n')}\n]`);
  });

  test('the defaults are DEFAULTS.dataQuality, the seed\'s date', () => {
    expect(DEFAULTS.dataQuality).toMatchObject(DATA_QUALITY_DEFAULTS);
    expect(DATA_QUALITY_DEFAULTS).toEqual({ idField: 'event_id', timestampField: 'timestamp', notBefore: '2024-01-01' });
  });

  test('column names follow the table: lower case and the given names; an id column listed as required is checked once', () => {
    const schema = RecordSchema.fromFields([
      { name: 'OrderId', type: FieldType.INTEGER, required: true },
      { name: 'placed', type: FieldType.TIMESTAMP },
      { name: 'Total', type: FieldType.NUMBER, required: true },
    ]);
    const columns = schemaQualityColumns({ schema, columnNames: { placed: 'placed_at' }, idField: 'OrderId', timestampField: 'placed', prop: 'Test' });
    expect(columns).toEqual({ idColumn: 'orderid', timestampColumn: 'placed_at', requiredColumns: ['orderid', 'total'] });
    expect(dataQualityRules({ ...columns, notBefore: '2020-02-29' }).map(dqdlRule)).toEqual([
      'IsComplete "orderid"', 'IsUnique "orderid"', 'ColumnValues "placed_at" > "2020-02-29"', 'IsComplete "total"',
    ]);
  });

  test.each([
    ['idField', { idField: 'missing', timestampField: 'timestamp' },
      'Invalid Test.idField: "missing". Allowed: a field of type string or integer of the record schema (event_id, event_type, user_id, page).'],
    ['idField of another type', { idField: 'timestamp', timestampField: 'timestamp' }, 'Invalid Test.idField: "timestamp"'],
    ['timestampField', { idField: 'event_id', timestampField: 'event_type' },
      'Invalid Test.timestampField: "event_type". Allowed: a field of type timestamp of the record schema (timestamp).'],
  ])('rejects a %s that the schema lacks', (_name, fields, message) => {
    expect(() => schemaQualityColumns({ schema: RecordSchema.seedEvent(), ...fields, prop: 'Test' })).toThrow(message);
  });

  test.each(['2024-1-01', '2024-02-30', '24-01-01', '2024-13-01', 'yesterday', ''])('rejects the date %p', date => {
    expect(() => validateNotBefore('Test.notBefore', date))
      .toThrow(`Invalid Test.notBefore: "${date}". Allowed: a calendar date as YYYY-MM-DD, e.g. 2024-01-01.`);
  });

  test('accepts calendar days, leap days included', () => {
    for (const date of ['2024-02-29', '1999-12-31', '2024-01-01']) {
      expect(validateNotBefore('Test.notBefore', date)).toBe(date);
    }
  });
});
