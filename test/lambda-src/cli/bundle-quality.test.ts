import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetBytes, seedColumns, writeFile } from './parquet-fixtures';
import { LocalS3 } from './s3-server';
import { QUALITY_HELP } from '../../../lambda-src/cli/help';
import { TEST_CREDENTIALS, TEST_REGION } from '../../support/emulator';

const ROOT = join(__dirname, '..', '..', '..');
const BUNDLE = join(ROOT, 'assets', 'cli', 'index.js');
const METAFILE = join(ROOT, 'assets', 'cli.meta.json');

interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The bundled CLI in a child process, as npx runs it, with only the environment the test gives. */
async function bundled(args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BUNDLE, ...args], { env: { PATH: process.env.PATH!, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : (error.code as number | null), stdout, stderr });
    });
  });
}

let lake: string;
const s3 = new LocalS3(1);

beforeAll(async () => {
  // Every source esbuild put in the bundle (lambda-src/cli/ and the src/ modules it imports) must predate it.
  const { inputs } = JSON.parse(readFileSync(METAFILE, 'utf8')) as { inputs: Record<string, unknown> };
  const bundledAt = statSync(BUNDLE).mtimeMs;
  const newer = Object.keys(inputs).filter((input) => !input.includes('node_modules/') && statSync(join(ROOT, input)).mtimeMs > bundledAt);
  if (newer.length > 0) {
    throw new Error(`assets/cli/index.js is older than ${newer.join(', ')}: run \`npx projen bundle\` first (the test task does)`);
  }
  lake = mkdtempSync(join(tmpdir(), 'cli-bundle-quality-'));
  writeFile(join(lake, 'clean', 'a.parquet'), parquetBytes(seedColumns(20, 'a')));
  writeFile(join(lake, 'clean', 'b'), parquetBytes(seedColumns(20, 'b'), { codec: 'SNAPPY' }));
  writeFile(join(lake, 'dirty', 'a.parquet'), parquetBytes(seedColumns(2, 'a', { event_id: ['a-0', 'a-0'] })));
  s3.put('lake', 'events/a.parquet', parquetBytes(seedColumns(20, 'a')));
  s3.put('lake', 'events/b.parquet', parquetBytes(seedColumns(20, 'b')));
  await s3.start();
});

afterAll(async () => {
  rmSync(lake, { recursive: true, force: true });
  await s3.stop();
});

describe('the bundled CLI\'s quality command', () => {
  test('quality --help documents the command, exit 0', async () => {
    expect(await bundled(['quality', '--help'])).toEqual({ code: 0, stdout: QUALITY_HELP, stderr: '' });
  });

  test('files that pass every check: exit 0', async () => {
    const outcome = await bundled(['quality', '--path', join(lake, 'clean')]);

    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/\n6 rules: 6 passed, 0 failed; 40 rows in 2 Parquet files\n$/);
  });

  test('a file that fails a check: exit 1, and the failure on stdout', async () => {
    const outcome = await bundled(['quality', '--path', join(lake, 'dirty')]);

    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toContain('\n  FAIL  IsUnique "event_id"  ');
    expect(outcome.stdout).toMatch(/\n6 rules: 5 passed, 1 failed; 2 rows in 1 Parquet file\n$/);
  });

  test('a bad argument: one line naming the option, exit 2', async () => {
    expect(await bundled(['quality', '--path', lake, '--required-columns', 'event_id,,user_id'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'cdk-streaming-pipeline: invalid --required-columns "event_id,,user_id": allowed is a comma-separated list, each a column name '
        + "(lower-case letters, digits and underscores, not starting with a digit, as Glue names columns); see 'cdk-streaming-pipeline quality --help'\n",
    });
  });

  test('an S3 prefix, with the endpoint from AWS_ENDPOINT_URL_S3 and credentials from the environment: exit 0', async () => {
    const outcome = await bundled(['quality', '--path', 's3://lake/events/'], {
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_REGION: TEST_REGION,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    });

    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/\n6 rules: 6 passed, 0 failed; 40 rows in 2 Parquet files\n$/);
    expect(s3.requests.filter((request) => request.startsWith('ListObjectsV2 lake events/'))).toHaveLength(2);
  });
});
