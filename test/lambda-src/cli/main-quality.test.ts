import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { TextBuffer } from './fixtures';
import { int96File, parquetBytes, seedColumns, writeFile } from './parquet-fixtures';
import { LocalS3 } from './s3-server';
import { QUALITY_DEFAULTS } from '../../../lambda-src/cli/args';
import { PROGRAM_HELP, QUALITY_HELP } from '../../../lambda-src/cli/help';
import { CliIo, main } from '../../../lambda-src/cli/main';
import { dataQualityRules, dqdlRule } from '../../../src/quality/data-quality-rules';
import { emulatorClientConfig } from '../../support/emulator';

const MIDNIGHT_2024 = BigInt(Date.UTC(2024, 0, 1)) * 1_000_000n;
/** The seed's rules in DQDL, as the Glue ruleset names them (test/quality/data-quality-rules.test.ts spells them out). */
const SEED_RULES = dataQualityRules(QUALITY_DEFAULTS).map(dqdlRule);

let root: string;
const s3 = new LocalS3(2);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'cli-quality-'));
  await s3.start();
});

afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  await s3.stop();
});

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in this process; an s3:// --path reaches the test's local S3 with test credentials. */
async function run(argv: string[], stop = new AbortController()): Promise<Outcome> {
  const stdout = new TextBuffer();
  const stderr = new TextBuffer();
  const io: CliIo = {
    argv,
    env: {},
    stdout,
    stderr,
    stopSignal: stop.signal,
    createS3Client: ({ endpointUrl }) => new S3Client({ ...emulatorClientConfig(endpointUrl ?? s3.endpoint), forcePathStyle: true }),
  };
  const code = await main(io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** A folder of its own under the test's temporary folder. */
function folder(name: string): string {
  return join(root, name);
}

/** The rule lines of a report, by rule: `PASS  <rows> rows, <what failed>`. */
function ruleLines(stdout: string): Record<string, string> {
  const lines = stdout.split('\n').filter((line) => /^ {2}(PASS|FAIL) {2}/.test(line));
  return Object.fromEntries(lines.map((line) => {
    const label = SEED_RULES.find((rule) => line.slice(8).startsWith(`${rule} `));
    return [label ?? line, `${line.slice(2, 6)}  ${line.slice(8 + (label?.length ?? 0)).trim()}`];
  }));
}

describe('quality on a local folder', () => {
  test('Parquet files that pass every check (GZIP, SNAPPY, UNCOMPRESSED, INT96 as Firehose writes): a PASS per rule, exit 0', async () => {
    const lake = folder('clean');
    writeFile(join(lake, '2024', '06', '01', 'part-0.parquet'), parquetBytes(seedColumns(300, 'gzip'), { codec: 'GZIP', rowGroupSize: 128 }));
    writeFile(join(lake, '2024', '06', '01', 'part-1.parquet'), parquetBytes(seedColumns(200, 'snappy'), { codec: 'SNAPPY' }));
    writeFile(join(lake, '2024', '06', '02', 'part-2.parquet'), parquetBytes(seedColumns(100, 'none'), { codec: 'UNCOMPRESSED' }));
    writeFile(join(lake, '2024', '06', '02', 'firehose-1-2024-06-02-00-00-00-0b1c'), int96File('event_timestamp', [MIDNIGHT_2024 + 1n, MIDNIGHT_2024 + 2n], {
      event_id: ['int96-0', 'int96-1'], event_type: ['click', 'click'], user_id: ['user-1', 'user-2'],
    }));
    writeFile(join(lake, '_SUCCESS'), '');

    const outcome = await run(['quality', '--path', lake]);

    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toBe([
      `Data quality of ${lake}`,
      '  PASS  IsComplete "event_id"                          602 rows, 0 null',
      '  PASS  IsUnique "event_id"                            602 rows, 0 duplicated',
      '  PASS  ColumnValues "event_timestamp" > "2024-01-01"  602 rows, 0 not after 2024-01-01',
      '  PASS  IsComplete "event_type"                        602 rows, 0 null',
      '  PASS  IsComplete "event_timestamp"                   602 rows, 0 null',
      '  PASS  IsComplete "user_id"                           602 rows, 0 null',
      `6 rules: 6 passed, 0 failed; 602 rows in 4 Parquet files; 1 other file skipped (not Parquet): ${join(lake, '_SUCCESS')}`,
      '',
    ].join('\n'));
    expect(outcome.stderr).toMatch(new RegExp(`^cdk-streaming-pipeline: checking 6 rules on 5 files \\([\\d.]+ KiB\\) under ${lake}\\n$`));
  });

  test('each failed check is reported with what failed and where, and the run exits 1', async () => {
    const lake = folder('dirty');
    const nullId = seedColumns(4, 'a', { event_id: ['a-0', null, 'a-2', null] });
    const duplicateIds = seedColumns(3, 'b', { event_id: ['b-0', 'a-0', 'a-2'] });
    const early = seedColumns(3, 'c', { event_timestamp: [new Date(Date.UTC(2024, 5, 1)), new Date(Date.UTC(2023, 11, 31, 23, 59, 59)), null] });
    const noUser = seedColumns(2, 'd', { user_id: undefined });
    writeFile(join(lake, 'a.parquet'), parquetBytes(nullId));
    writeFile(join(lake, 'b.parquet'), parquetBytes(duplicateIds, { codec: 'SNAPPY' }));
    writeFile(join(lake, 'c.parquet'), parquetBytes(early, { codec: 'UNCOMPRESSED' }));
    writeFile(join(lake, 'd.parquet'), parquetBytes(noUser));

    const outcome = await run(['quality', '--path', lake]);

    expect(outcome.code).toBe(1);
    expect(ruleLines(outcome.stdout)).toEqual({
      'IsComplete "event_id"': `FAIL  12 rows, 2 null; first: ${join(lake, 'a.parquet')} row 1`,
      'IsUnique "event_id"': 'FAIL  12 rows, 4 duplicated: 2 values in more than one row, e.g. "a-0" (2 rows), "a-2" (2 rows)',
      'ColumnValues "event_timestamp" > "2024-01-01"': `FAIL  12 rows, 2 not after 2024-01-01; first: ${join(lake, 'c.parquet')} row 1: 2023-12-31T23:59:59.000Z`,
      'IsComplete "event_type"': 'PASS  12 rows, 0 null',
      'IsComplete "event_timestamp"': `FAIL  12 rows, 1 null; first: ${join(lake, 'c.parquet')} row 2`,
      'IsComplete "user_id"': `FAIL  12 rows, 2 null (no such column in 1 file: ${join(lake, 'd.parquet')})`,
    });
    expect(outcome.stdout).toMatch(/\n6 rules: 1 passed, 5 failed; 12 rows in 4 Parquet files\n$/);
  });

  test('--not-before, --id-column, --timestamp-column and --required-columns change the rules', async () => {
    const lake = folder('orders');
    writeFile(join(lake, 'orders.parquet'), parquetBytes([
      { name: 'order_id', data: ['o-1', 'o-2'], type: 'STRING' },
      { name: 'placed_at', data: [new Date(Date.UTC(2025, 0, 2)), new Date(Date.UTC(2025, 0, 1, 12))], type: 'TIMESTAMP' },
      { name: 'customer', data: ['c-1', null], type: 'STRING', nullable: true },
    ]));

    const outcome = await run(['quality', '--path', join(lake, 'orders.parquet'), '--not-before', '2025-01-01', '--id-column', 'order_id',
      '--timestamp-column', 'placed_at', '--required-columns', 'placed_at,customer']);

    expect(outcome.code).toBe(1);
    expect(outcome.stdout.split('\n').slice(1, 6).map((line) => line.slice(0, 47).trimEnd())).toEqual([
      '  PASS  IsComplete "order_id"',
      '  PASS  IsUnique "order_id"',
      '  PASS  ColumnValues "placed_at" > "2025-01-01"',
      '  PASS  IsComplete "placed_at"',
      '  FAIL  IsComplete "customer"',
    ]);
  });

  test('Parquet files without rows pass every rule, with a warning', async () => {
    const lake = folder('empty');
    writeFile(join(lake, 'empty.parquet'), parquetBytes(seedColumns(0, 'e')));

    const outcome = await run(['quality', '--path', lake]);

    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toContain('\n6 rules: 6 passed, 0 failed; 0 rows in 1 Parquet file\n');
    expect(outcome.stderr).toContain('cdk-streaming-pipeline: warning: 0 rows evaluated: the Parquet files hold no rows, so every rule passes\n');
  });

  test('a folder without Parquet files is an error, exit 3', async () => {
    const lake = folder('no-parquet');
    writeFile(join(lake, 'manifest.json'), '{}');
    writeFile(join(lake, 'notes.txt'), 'hello');

    const outcome = await run(['quality', '--path', lake]);

    expect(outcome.code).toBe(3);
    expect(outcome.stdout).toBe('');
    expect(outcome.stderr.split('\n').slice(1)).toEqual([`cdk-streaming-pipeline: no Parquet file under ${lake} (2 other files skipped)`, '']);
  });

  test('a corrupt Parquet file is a one-line error naming it, exit 3', async () => {
    const lake = folder('corrupt');
    writeFile(join(lake, 'a.parquet'), parquetBytes(seedColumns(2, 'a')));
    writeFile(join(lake, 'b.parquet'), Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(40, 0xff), Buffer.from([40, 0, 0, 0]), Buffer.from('PAR1')]));

    const outcome = await run(['quality', '--path', lake]);

    expect(outcome.code).toBe(3);
    expect(outcome.stdout).toBe('');
    expect(outcome.stderr.split('\n').slice(1, 2)[0]).toMatch(new RegExp(`^cdk-streaming-pipeline: cannot read ${join(lake, 'b.parquet')} as Parquet: \\S`));
    expect(outcome.stderr.split('\n')).toHaveLength(3);
  });

  test('a --path that does not exist is a bad argument, exit 2', async () => {
    const outcome = await run(['quality', '--path', folder('missing')]);

    expect(outcome).toEqual({
      code: 2,
      stdout: '',
      stderr: `cdk-streaming-pipeline: cannot read --path "${folder('missing')}": ENOENT: no such file or directory, stat '${folder('missing')}'; `
        + "see 'cdk-streaming-pipeline quality --help'\n",
    });
  });

  test('a stop mid-run reports the rows read so far, and exits 1', async () => {
    const lake = folder('stopped');
    writeFile(join(lake, 'a.parquet'), parquetBytes(seedColumns(2, 'a')));
    const stop = new AbortController();
    stop.abort('SIGINT');

    const outcome = await run(['quality', '--path', lake], stop);

    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toMatch(/\n6 rules: 6 passed, 0 failed; 0 rows in 0 Parquet files\nstopped early by SIGINT: the results cover only the rows read\n$/);
    expect(outcome.stderr).not.toContain('warning');
  });
});

describe('quality on an S3 prefix', () => {
  beforeAll(() => {
    s3.put('lake', 'events/2024/06/01/part-0.parquet', parquetBytes(seedColumns(50, 'x')));
    s3.put('lake', 'events/2024/06/01/part-1', parquetBytes(seedColumns(50, 'y'), { codec: 'SNAPPY' }));
    s3.put('lake', 'events/2024/06/02/firehose-1', int96File('event_timestamp', [MIDNIGHT_2024 + 1n], {
      event_id: ['z-0'], event_type: ['click'], user_id: ['user-0'],
    }));
    s3.put('lake', 'events/manifest', '{}');
    s3.put('lake', 'events/2024/06/02/', '');
    s3.put('lake', 'dirty/a.parquet', parquetBytes(seedColumns(3, 'a', { event_id: ['a-0', 'a-0', null] })));
    s3.put('lake', 'denied/a.parquet', parquetBytes(seedColumns(3, 'a')));
    s3.deny('lake', 'denied/a.parquet');
  });

  test('reads every object under the prefix, over several list pages, with ranged reads, and exits 0 when all pass', async () => {
    s3.requests.length = 0;

    const outcome = await run(['quality', '--path', 's3://lake/events/', '--endpoint-url', s3.endpoint]);

    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/^Data quality of s3:\/\/lake\/events\/\n(  PASS  .*\n){6}6 rules: 6 passed, 0 failed; 101 rows in 3 Parquet files; /);
    expect(outcome.stdout).toContain('; 1 other file skipped (not Parquet): s3://lake/events/manifest\n');
    expect(s3.requests.filter((request) => request.startsWith('ListObjectsV2'))).toHaveLength(3);
    expect(s3.requests.filter((request) => request.startsWith('GetObject')).every((request) => / bytes=\d+-\d+$/.test(request))).toBe(true);
  });

  test('failing checks name the object, and exit 1', async () => {
    const outcome = await run(['quality', '--path', 's3://lake/dirty/', '--endpoint-url', s3.endpoint]);

    expect(outcome.code).toBe(1);
    expect(ruleLines(outcome.stdout)['IsComplete "event_id"']).toBe('FAIL  3 rows, 1 null; first: s3://lake/dirty/a.parquet row 2');
    expect(ruleLines(outcome.stdout)['IsUnique "event_id"']).toBe('FAIL  3 rows, 2 duplicated: 1 value in more than one row, e.g. "a-0" (2 rows)');
  });

  test('an object that cannot be read is a one-line error naming it, with S3\'s code, exit 3', async () => {
    const outcome = await run(['quality', '--path', 's3://lake/denied/', '--endpoint-url', s3.endpoint]);

    expect(outcome.code).toBe(3);
    expect(outcome.stderr.split('\n').slice(1)).toEqual(['cdk-streaming-pipeline: cannot read s3://lake/denied/a.parquet: AccessDenied: Access Denied', '']);
  });

  test('a bucket that does not exist is an error, exit 3', async () => {
    const outcome = await run(['quality', '--path', 's3://nowhere/x/', '--endpoint-url', s3.endpoint]);

    expect(outcome).toEqual({
      code: 3,
      stdout: '',
      stderr: 'cdk-streaming-pipeline: cannot list s3://nowhere/x/: NoSuchBucket: The specified bucket does not exist\n',
    });
  });
});

describe('quality help', () => {
  test('--help lists the command, and quality --help documents every option, with the seed\'s defaults and rules', async () => {
    expect(await run(['--help'])).toEqual({ code: 0, stdout: PROGRAM_HELP, stderr: '' });
    expect(PROGRAM_HELP).toMatch(/\n {2}quality {9}run the data lake's data-quality checks/);
    expect(await run(['quality', '--help'])).toEqual({ code: 0, stdout: QUALITY_HELP, stderr: '' });
    for (const option of ['--path', '--not-before', '--id-column', '--timestamp-column', '--required-columns', '--region', '--endpoint-url', '--help']) {
      expect(QUALITY_HELP).toContain(` ${option} `);
    }
    expect(QUALITY_HELP).toContain('(default: 2024-01-01)');
    expect(QUALITY_HELP).toContain('(default: event_id,event_type,event_timestamp,user_id)');
    expect(QUALITY_HELP).toContain(`\n  ${SEED_RULES.join('\n  ')}\n`);
  });

  test('a bad argument is one line naming the option, and exit 2', async () => {
    expect(await run(['quality', '--path', 'lake', '--not-before', '2024-13-01'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'cdk-streaming-pipeline: invalid --not-before "2024-13-01": allowed is a calendar date as YYYY-MM-DD, e.g. 2024-01-01; '
        + "see 'cdk-streaming-pipeline quality --help'\n",
    });
  });
});
