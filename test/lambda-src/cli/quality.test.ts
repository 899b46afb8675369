import { describeValue, QualityCheck, RuleOutcome, UnboundedSet } from '../../../lambda-src/cli/quality';
import { Instant } from '../../../lambda-src/cli/timestamps';
import { dataQualityRules, dqdlRule } from '../../../src/quality/data-quality-rules';

const MIDNIGHT_2024 = BigInt(Date.UTC(2024, 0, 1)) * 1_000_000n;
const RULES = dataQualityRules({ idColumn: 'id', timestampColumn: 'ts', requiredColumns: ['id', 'kind'], notBefore: '2024-01-01' });

function outcome(check: QualityCheck, label: string): RuleOutcome {
  const found = check.outcomes().find((candidate) => candidate.label === label);
  if (found === undefined) {
    throw new Error(`no rule ${label}`);
  }
  return found;
}

function row(id: unknown, ts: unknown = new Instant(MIDNIGHT_2024 + 1n), kind: unknown = 'click'): Record<string, unknown> {
  return { id, ts, kind };
}

describe('QualityCheck', () => {
  test('reads each rule\'s column once, and labels outcomes with the rule\'s DQDL, in the rules\' order', () => {
    const check = new QualityCheck(RULES);

    expect(check.columns).toEqual(['id', 'ts', 'kind']);
    expect(check.outcomes().map((o) => o.label)).toEqual(RULES.map(dqdlRule));
    expect(check.outcomes().map((o) => o.label)).toEqual(['IsComplete "id"', 'IsUnique "id"', 'ColumnValues "ts" > "2024-01-01"', 'IsComplete "kind"']);
  });

  test('passes clean rows, counting every row', () => {
    const check = new QualityCheck(RULES);
    check.startFile('a', ['id', 'ts', 'kind']);
    check.addRows('a', 0, [row('e-1'), row('e-2')]);
    check.addRows('a', 2, [row('e-3')]);

    expect(check.rows).toBe(3);
    expect(check.outcomes().map((o) => [o.passed, o.rows, o.failedRows])).toEqual([[true, 3, 0], [true, 3, 0], [true, 3, 0], [true, 3, 0]]);
  });

  test('passes every rule over no rows', () => {
    const check = new QualityCheck(RULES);
    check.startFile('empty', ['id', 'ts', 'kind']);

    expect(check.outcomes().every((o) => o.passed && o.rows === 0)).toBe(true);
  });

  test('IsComplete counts null and undefined values, and keeps the first failing file and row', () => {
    const check = new QualityCheck(RULES);
    check.addRows('a', 0, [row('e-1'), row(null)]);
    check.addRows('b', 10, [row(undefined), row('e-4'), row(null)]);

    expect(outcome(check, 'IsComplete "id"')).toMatchObject({ passed: false, rows: 5, failedRows: 3, firstFailure: { file: 'a', row: 1, value: 'null' } });
  });

  test('IsComplete fails every row of a file without the column, and names the file', () => {
    const check = new QualityCheck(RULES);
    check.startFile('a', ['id', 'ts', 'kind']);
    check.addRows('a', 0, [row('e-1')]);
    check.startFile('b', ['id', 'ts']);
    check.addRows('b', 0, [{ id: 'e-2', ts: new Instant(MIDNIGHT_2024 + 1n) }, { id: 'e-3', ts: new Instant(MIDNIGHT_2024 + 1n) }]);

    expect(outcome(check, 'IsComplete "kind"')).toMatchObject({ passed: false, failedRows: 2, missingFrom: ['b'], firstFailure: { file: 'b', row: 0 } });
    expect(outcome(check, 'IsComplete "id"')).toMatchObject({ passed: true, missingFrom: [] });
  });

  test('IsUnique finds values repeated across files, counts the rows that share them, and shows the first few', () => {
    const check = new QualityCheck(RULES);
    check.addRows('a', 0, ['x', 'y', 'z', 'x', 'w', 'v'].map((id) => row(id)));
    check.addRows('b', 0, ['y', 'x', 'w', 'v', 'u'].map((id) => row(id)));

    expect(outcome(check, 'IsUnique "id"')).toMatchObject({
      passed: false,
      rows: 11,
      failedRows: 9,
      duplicates: { values: 4, examples: [{ value: '"x"', rows: 3 }, { value: '"y"', rows: 2 }, { value: '"w"', rows: 2 }] },
    });
  });

  test('IsUnique leaves nulls to IsComplete, and tells apart values of different types', () => {
    const check = new QualityCheck(RULES);
    check.addRows('a', 0, [row(null), row(null), row(undefined), row(1), row('1'), row(1n)]);

    expect(outcome(check, 'IsUnique "id"')).toMatchObject({ passed: true, failedRows: 0, duplicates: { values: 0, examples: [] } });
  });

  test('IsUnique compares times by their instant and other objects by their content', () => {
    const check = new QualityCheck(RULES);
    check.addRows('a', 0, [row(new Instant(MIDNIGHT_2024)), row(new Date(Date.UTC(2024, 0, 1))), row({ a: 1n }), row({ a: 1n }), row({ a: 2 })]);

    expect(outcome(check, 'IsUnique "id"').duplicates).toEqual({
      values: 2,
      examples: [{ value: '2024-01-01T00:00:00.000Z', rows: 2 }, { value: '{"a":"1"}', rows: 2 }],
    });
  });

  test('ColumnValues > day passes only times strictly after its midnight UTC; null and non-times fail', () => {
    const check = new QualityCheck(RULES);
    const values = [
      new Instant(MIDNIGHT_2024 + 1n), // passes: a nanosecond after
      new Instant(MIDNIGHT_2024), // fails: not strictly after
      '2024-01-01T00:00:01Z', // passes
      new Date(Date.UTC(2023, 11, 31, 23, 59, 59)), // fails
      null, // fails
      'soon', // fails: not a time
      1_800_000_000_000, // fails: a number is not a time
    ];
    check.addRows('a', 0, values.map((ts) => row('id', ts)));

    expect(outcome(check, 'ColumnValues "ts" > "2024-01-01"')).toMatchObject({
      passed: false,
      failedRows: 5,
      firstFailure: { file: 'a', row: 1, value: '2024-01-01T00:00:00.000Z' },
    });
  });

  test.each([
    [null, 'null'],
    ['soon', '"soon" (not a timestamp)'],
    [17, '17 (not a timestamp)'],
    [new Date(Date.UTC(2023, 0, 1)), '2023-01-01T00:00:00.000Z'],
  ])('ColumnValues shows the first failing value %p as %s', (value, shown) => {
    const check = new QualityCheck(RULES);
    check.addRows('a', 0, [row('id', value)]);

    expect(outcome(check, 'ColumnValues "ts" > "2024-01-01"').firstFailure?.value).toBe(shown);
  });
});

describe('describeValue', () => {
  test('shows nulls, times, strings, numbers and objects, shortening long ones', () => {
    expect(describeValue(undefined)).toBe('null');
    expect(describeValue(new Instant(MIDNIGHT_2024 + 1n))).toBe('2024-01-01T00:00:00.000000001Z');
    expect(describeValue(new Date(Number.NaN))).toBe('an invalid date');
    expect(describeValue('a "quoted" id')).toBe('"a \\"quoted\\" id"');
    expect(describeValue(12n)).toBe('12');
    expect(describeValue({ browser: 'Firefox', visits: 2n })).toBe('{"browser":"Firefox","visits":"2"}');
    expect(describeValue('x'.repeat(100))).toBe(`"${'x'.repeat(58)}…`);
  });
});

describe('UnboundedSet', () => {
  test('holds more values than one Set may, spread over several, each value once', () => {
    const set = new UnboundedSet<number>(3);
    for (const value of [1, 2, 3, 4, 5, 6, 7]) {
      expect(set.has(value)).toBe(false);
      set.add(value);
      expect(set.has(value)).toBe(true);
    }
    expect(set.size).toBe(7);
    expect(set.has(8)).toBe(false);
  });
});
