import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateStreamCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import kinesalite from 'kinesalite';
import { summaryCount, TextBuffer } from './fixtures';
import { LOAD_HELP, PROGRAM_HELP } from '../../../lambda-src/cli/help';
import { CliIo, main } from '../../../lambda-src/cli/main';
import { parseSchema } from '../../../lambda-src/enrichment-processor/config';
import { validateRecord } from '../../../lambda-src/enrichment-processor/validate';
import { RecordSchema } from '../../../src';
import { closeEmulator, emulatorClientConfig, listenOnLoopback } from '../../support/emulator';
import { Kinesalite, StreamRecord, startKinesalite } from '../../support/kinesalite';

const SEED_SCHEMA = parseSchema(RecordSchema.seedEvent().toJson(), 'RECORD_SCHEMA');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let emulator: Kinesalite;
let folder: string;

beforeAll(async () => {
  emulator = await startKinesalite();
  folder = mkdtempSync(join(tmpdir(), 'cli-main-'));
});

afterAll(async () => {
  await emulator.stop();
  rmSync(folder, { recursive: true, force: true });
});

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in this process against an endpoint, with test credentials and a stop signal of the test's. */
async function run(argv: string[], options: { endpoint?: string; stop?: AbortController; onStderr?: (text: string) => void } = {}): Promise<Outcome> {
  const stdout = new TextBuffer();
  const stderr = new TextBuffer();
  const write = stderr.write.bind(stderr);
  stderr.write = (text: string) => {
    options.onStderr?.(text);
    return write(text);
  };
  const io: CliIo = {
    argv,
    env: {},
    stdout,
    stderr,
    stopSignal: (options.stop ?? new AbortController()).signal,
    createClient: ({ endpointUrl }) => new KinesisClient({
      ...emulatorClientConfig(endpointUrl ?? options.endpoint ?? emulator.endpoint),
      maxAttempts: 1,
    }),
    progressIntervalMs: 200,
  };
  const code = await main(io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

function templateFile(name: string, content: string): string {
  const path = join(folder, name);
  writeFileSync(path, content);
  return path;
}

describe('load against kinesalite', () => {
  let records: StreamRecord[];
  let outcome: Outcome;
  const startedAt = Date.now();

  beforeAll(async () => {
    await emulator.createStream('seed-events', 2);
    outcome = await run(['load', '--stream', 'seed-events', '--rate', '300', '--duration', '2s', '--partition-keys', '20', '--endpoint-url', emulator.endpoint]);
    records = await emulator.readAll('seed-events');
  });

  test('delivers exactly the records it reports as sent, and exits 0', () => {
    const sent = summaryCount(outcome.stdout, 'sent');

    expect(outcome.code).toBe(0);
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThanOrEqual(600);
    expect(summaryCount(outcome.stdout, 'generated')).toBe(sent);
    expect(summaryCount(outcome.stdout, 'failed')).toBe(0);
    expect(records).toHaveLength(sent);
    expect(outcome.stdout).toContain('  target            300 records/s for 2s: 600 records\n');
    expect(outcome.stdout).toContain('  stream            seed-events (2 open shards)\n');
    expect(outcome.stdout).toMatch(/\n {2}result {12}every record generated was sent\n$/);
  });

  test('sends seed events the pipeline accepts, each with a fresh event_id, keyed by user_id', () => {
    const finishedAt = Date.now();
    for (const record of records) {
      const event = record.json as Record<string, unknown>;
      expect(validateRecord(event as never, SEED_SCHEMA)).toEqual([]);
      expect(Object.keys(event)).toEqual(['event_id', 'event_type', 'timestamp', 'user_id', 'page', 'metadata']);
      expect(event.event_id).toMatch(UUID);
      expect(['page_view', 'click', 'add_to_cart', 'purchase']).toContain(event.event_type);
      expect(Date.parse(event.timestamp as string)).toBeGreaterThanOrEqual(startedAt);
      expect(Date.parse(event.timestamp as string)).toBeLessThanOrEqual(finishedAt);
      expect(event.page).toMatch(/^\/products\/([1-9]\d{0,2}|1000)$/);
      expect(event.metadata).toEqual({ browser: expect.stringMatching(/^(Chrome|Firefox|Safari|Edge)$/), device: expect.stringMatching(/^(mobile|desktop|tablet)$/) });
      expect(record.partitionKey).toBe(event.user_id);
    }
    expect(new Set(records.map((record) => (record.json as { event_id: string }).event_id)).size).toBe(records.length);
  });

  test('spreads the records over the partition keys asked for, and so over both shards', () => {
    const users = new Set(records.map((record) => record.partitionKey));

    expect([...users].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `user-${i}`).sort());
    expect(new Set(records.map((record) => record.shardId)).size).toBe(2);
  });

  test('writes what it is doing and its progress to stderr, one line per interval off a terminal', () => {
    const lines = outcome.stderr.trimEnd().split('\n');

    expect(lines[0]).toBe('cdk-streaming-pipeline: sending 300 records/s for 2s to seed-events (2 open shards); Ctrl-C stops');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines.slice(1)) {
      expect(line).toMatch(/^\d:\d\d \/ 0:02 {2}sent [\d,]+ {2}failed 0 {2}throttled 0 {2}retries 0 {2}[\d,]+ records\/s {2}put p50 \S+( ms)? p99 \S+( ms)? {2}in flight \d+$/);
    }
    expect(lines[lines.length - 1]).toContain(`sent ${summaryCount(outcome.stdout, 'sent')} `);
  });
});

describe('load with a template', () => {
  test('renders every record from the template, numbering them from 0', async () => {
    await emulator.createStream('orders', 1);
    const template = templateFile('order.json', JSON.stringify({
      order_id: 'order-{{sequence}}',
      n: '{{sequence}}',
      customer: '{{user}}',
      amount: '{{random_int:1:100}}',
      currency: '{{choice:EUR|USD}}',
      placed_at: '{{timestamp}}',
      lines: [{ sku: 'sku-{{random_int:1:9}}', note: 'fixed' }],
    }));

    const outcome = await run(['load', '--stream', 'orders', '--rate', '200', '--duration', '1s', '--partition-keys', '3', '--template', template,
      '--endpoint-url', emulator.endpoint]);
    const records = await emulator.readAll('orders');

    expect(outcome.code).toBe(0);
    expect(records).toHaveLength(summaryCount(outcome.stdout, 'sent'));
    expect(records.map((record) => (record.json as { n: number }).n).sort((a, b) => a - b)).toEqual(records.map((_, i) => i));
    for (const record of records) {
      const order = record.json as Record<string, unknown>;
      expect(order).toEqual({
        order_id: `order-${order.n}`,
        n: expect.any(Number),
        customer: expect.stringMatching(/^user-[0-2]$/),
        amount: expect.any(Number),
        currency: expect.stringMatching(/^(EUR|USD)$/),
        placed_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        lines: [{ sku: expect.stringMatching(/^sku-[1-9]$/), note: 'fixed' }],
      });
      expect(order.amount).toBeGreaterThanOrEqual(1);
      expect(order.amount).toBeLessThanOrEqual(100);
      expect(record.partitionKey).toBe(order.customer);
    }
  });

  test.each([
    ['missing.json', null, /^cannot read --template ".*missing\.json": ENOENT: no such file or directory/],
    ['broken.json', '{"a": ', /^invalid --template ".*broken\.json": not JSON \(/],
    ['list.json', '[1, 2]', /^invalid --template ".*list\.json": the record must be a JSON object, like the seed event$/],
    ['typo.json', '{"id": "{{uid}}"}', /^invalid --template ".*typo\.json": placeholder \{\{uid\}\} at \$\.id: unknown placeholder; allowed are \{\{uuid\}\}/],
    ['huge.json', JSON.stringify({ blob: 'x'.repeat(1024 * 1024) }),
      /^invalid --template ".*huge\.json": a record renders to up to 1,048,5\d\d bytes with its partition key; allowed is at most 1,048,576 \(1 MiB\)$/],
  ])('a template it cannot use (%s) is a bad argument: exit 2 and one line naming --template', async (name, content, message) => {
    const path = content === null ? join(folder, name) : templateFile(name, content);

    const outcome = await run(['load', '--stream', 'orders', '--rate', '10', '--duration', '1s', '--template', path]);

    expect(outcome.code).toBe(2);
    expect(outcome.stdout).toBe('');
    const [line, ...rest] = outcome.stderr.split('\n');
    expect(rest).toEqual(['']);
    expect(line.replace(/^cdk-streaming-pipeline: /, '').replace(/; see 'cdk-streaming-pipeline load --help'$/, '')).toMatch(message);
    expect(line).toMatch(/^cdk-streaming-pipeline: .*; see 'cdk-streaming-pipeline load --help'$/);
  });
});

describe('load against a stream it cannot use', () => {
  test('a stream given by ARN is named by ARN and by name', async () => {
    await emulator.createStream('by-arn', 1);
    const arn = 'arn:aws:kinesis:us-east-1:000000000000:stream/by-arn';

    const outcome = await run(['load', '--stream', arn, '--rate', '50', '--duration', '1s', '--endpoint-url', emulator.endpoint]);

    expect(outcome.code).toBe(0);
    expect(await emulator.readAll('by-arn')).toHaveLength(summaryCount(outcome.stdout, 'sent'));
    expect(outcome.stdout).toContain(`  stream            ${arn} (1 open shard)\n`);
  });

  test('a missing stream is reported before the run, with exit code 1', async () => {
    const outcome = await run(['load', '--stream', 'nowhere', '--rate', '10', '--duration', '1s']);

    expect(outcome).toEqual({
      code: 1,
      stdout: '',
      stderr: 'cdk-streaming-pipeline: cannot use stream nowhere: ResourceNotFoundException: Stream nowhere under account 000000000000 not found.\n',
    });
  });

  test('a stream that is still being created is reported, with exit code 1', async () => {
    // Long enough for the pre-flight check to find the stream CREATING; short, because its timer keeps the process alive.
    const slow = kinesalite({ createStreamMs: 1_000 });
    const endpoint = await listenOnLoopback(slow);
    const client = new KinesisClient(emulatorClientConfig(endpoint));
    try {
      await client.send(new CreateStreamCommand({ StreamName: 'creating', ShardCount: 1 }));

      const outcome = await run(['load', '--stream', 'creating', '--rate', '10', '--duration', '1s'], { endpoint });

      expect(outcome).toEqual({ code: 1, stdout: '', stderr: 'cdk-streaming-pipeline: stream creating is CREATING: it takes records when ACTIVE or UPDATING\n' });
    } finally {
      client.destroy();
      await closeEmulator(slow);
    }
  });
});

describe('stopping', () => {
  test('a stop mid-run waits for the requests in flight, prints the summary, and exits 0 when all got in', async () => {
    await emulator.createStream('stopped', 1);
    const stop = new AbortController();

    const outcome = await run(['load', '--stream', 'stopped', '--rate', '100', '--duration', '1h', '--endpoint-url', emulator.endpoint], {
      stop,
      onStderr: (text) => {
        if (/sent [1-9]/.test(text)) {
          stop.abort('SIGINT');
        }
      },
    });

    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/\n {2}elapsed +[\d.]+ s, stopped early by SIGINT\n/);
    expect(summaryCount(outcome.stdout, 'not sent')).toBe(0);
    expect(await emulator.readAll('stopped')).toHaveLength(summaryCount(outcome.stdout, 'sent'));
  });
});

describe('help and version', () => {
  test('--help documents the program and load --help every option of load', async () => {
    expect(await run(['--help'])).toEqual({ code: 0, stdout: PROGRAM_HELP, stderr: '' });
    expect(await run(['load', '--help'])).toEqual({ code: 0, stdout: LOAD_HELP, stderr: '' });
    for (const option of ['--stream', '--rate', '--duration', '--template', '--partition-keys', '--max-retries', '--region', '--endpoint-url', '--help']) {
      expect(LOAD_HELP).toContain(` ${option} `);
    }
    for (const placeholder of ['{{uuid}}', '{{timestamp}}', '{{epoch_ms}}', '{{user}}', '{{sequence}}', '{{random_int:MIN:MAX}}', '{{choice:A|B|C}}']) {
      expect(LOAD_HELP).toContain(`  ${placeholder} `);
    }
  });

  test('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string };

    expect(await run(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});
