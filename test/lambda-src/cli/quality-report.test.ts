import { RuleOutcome } from '../../../lambda-src/cli/quality';
import { formatBytes, formatNoParquet, formatQualityReport, formatStart, qualityExitCode } from '../../../lambda-src/cli/quality-report';
import { dataQualityRules, dqdlRule } from '../../../src/quality/data-quality-rules';

const [COMPLETE, UNIQUE, AFTER, TYPE_COMPLETE] = dataQualityRules({
  idColumn: 'event_id',
  timestampColumn: 'event_timestamp',
  requiredColumns: ['event_type'],
  notBefore: '2024-01-01',
});

function passed(rule: RuleOutcome['rule'], rows: number): RuleOutcome {
  return { rule, label: dqdlRule(rule), passed: true, rows, failedRows: 0, missingFrom: [], ...(rule.kind === 'unique' ? { duplicates: { values: 0, examples: [] } } : {}) };
}

const CLEAN = [passed(COMPLETE, 12_345), passed(UNIQUE, 12_345), passed(AFTER, 12_345), passed(TYPE_COMPLETE, 12_345)];
const FAILED: RuleOutcome[] = [
  { ...CLEAN[0], passed: false, failedRows: 2, firstFailure: { file: 'lake/a.parquet', row: 17, value: 'null' } },
  {
    ...CLEAN[1],
    passed: false,
    failedRows: 7,
    duplicates: { values: 4, examples: [{ value: '"e-1"', rows: 2 }, { value: '"e-2"', rows: 2 }, { value: '"e-3"', rows: 2 }] },
  },
  {
    ...CLEAN[2],
    passed: false,
    failedRows: 1_001,
    firstFailure: { file: 'lake/a', row: 3, value: '2023-12-31T23:59:59.000Z' },
    missingFrom: ['lake/b'],
  },
  {
    ...CLEAN[3],
    passed: false,
    failedRows: 4_000,
    firstFailure: { file: 'lake/b', row: 0, value: 'null' },
    missingFrom: ['lake/b', 'lake/c', 'lake/d', 'lake/e', 'lake/f'],
  },
];

describe('formatQualityReport', () => {
  test('a clean run: a PASS line per rule, aligned, and the summary', () => {
    expect(formatQualityReport('./lake', CLEAN, { parquetFiles: 3, skipped: [] })).toBe([
      'Data quality of ./lake',
      '  PASS  IsComplete "event_id"                          12,345 rows, 0 null',
      '  PASS  IsUnique "event_id"                            12,345 rows, 0 duplicated',
      '  PASS  ColumnValues "event_timestamp" > "2024-01-01"  12,345 rows, 0 not after 2024-01-01',
      '  PASS  IsComplete "event_type"                        12,345 rows, 0 null',
      '4 rules: 4 passed, 0 failed; 12,345 rows in 3 Parquet files',
      '',
    ].join('\n'));
  });

  test('a failing run: what failed and where, files without the column (not named twice), skipped files', () => {
    expect(formatQualityReport('s3://lake/', FAILED, { parquetFiles: 1, skipped: ['lake/_SUCCESS'] })).toBe([
      'Data quality of s3://lake/',
      '  FAIL  IsComplete "event_id"                          12,345 rows, 2 null; first: lake/a.parquet row 17',
      '  FAIL  IsUnique "event_id"                            12,345 rows, 7 duplicated: 4 values in more than one row, '
        + 'e.g. "e-1" (2 rows), "e-2" (2 rows), "e-3" (2 rows)',
      '  FAIL  ColumnValues "event_timestamp" > "2024-01-01"  12,345 rows, 1,001 not after 2024-01-01 (no such column in 1 file: lake/b); '
        + 'first: lake/a row 3: 2023-12-31T23:59:59.000Z',
      '  FAIL  IsComplete "event_type"                        12,345 rows, 4,000 null (no such column in 5 files: lake/b, lake/c, lake/d and 2 more)',
      '4 rules: 0 passed, 4 failed; 12,345 rows in 1 Parquet file; 1 other file skipped (not Parquet): lake/_SUCCESS',
      '',
    ].join('\n'));
  });

  test('a run stopped early says so', () => {
    expect(formatQualityReport('./lake', CLEAN, { parquetFiles: 1, skipped: [], stoppedBy: 'SIGINT' }))
      .toMatch(/\n4 rules: 4 passed, 0 failed; 12,345 rows in 1 Parquet file\nstopped early by SIGINT: the results cover only the rows read\n$/);
  });
});

describe('qualityExitCode', () => {
  test('is 0 only when every rule passed over every file', () => {
    expect(qualityExitCode(CLEAN, { parquetFiles: 1, skipped: [] })).toBe(0);
    expect(qualityExitCode([CLEAN[0], FAILED[1]], { parquetFiles: 1, skipped: [] })).toBe(1);
    expect(qualityExitCode(CLEAN, { parquetFiles: 1, skipped: [], stoppedBy: 'SIGINT' })).toBe(1);
  });
});

describe('formatStart', () => {
  test('says how many rules, files and bytes, and where', () => {
    expect(formatStart(6, [1_024, 512], 's3://lake/events/')).toBe('checking 6 rules on 2 files (1.5 KiB) under s3://lake/events/');
    expect(formatStart(1, [1], 'x')).toBe('checking 1 rule on 1 file (1 byte) under x');
  });

  test('formats sizes in binary units', () => {
    expect([0, 1_023, 1_024, 5 * 1024 ** 2, 1.25 * 1024 ** 3, 3 * 1024 ** 4, 2 * 1024 ** 5].map(formatBytes))
      .toEqual(['0 bytes', '1,023 bytes', '1.0 KiB', '5.0 MiB', '1.3 GiB', '3.0 TiB', '2048.0 TiB']);
  });
});

describe('formatNoParquet', () => {
  test('says where, and how many other files there were', () => {
    expect(formatNoParquet('./lake', { parquetFiles: 0, skipped: [] })).toBe('no Parquet file under ./lake');
    expect(formatNoParquet('./lake', { parquetFiles: 0, skipped: ['./lake/_SUCCESS'] })).toBe('no Parquet file under ./lake (1 other file skipped)');
  });
});
