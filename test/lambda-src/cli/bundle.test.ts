import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { summaryCount } from './fixtures';
import { LOAD_HELP, PROGRAM_HELP } from '../../../lambda-src/cli/help';
import { closeEmulator, listenOnLoopback, TEST_CREDENTIALS, TEST_REGION } from '../../support/emulator';
import { Kinesalite, startKinesalite } from '../../support/kinesalite';

const ROOT = join(__dirname, '..', '..', '..');
const BUNDLE = join(ROOT, 'assets', 'cli', 'index.js');
const SOURCES = join(ROOT, 'lambda-src', 'cli');

/** The bundled CLI as npm runs it, in a child process. */
class Cli {
  public stdout = '';
  public stderr = '';
  public readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;

  constructor(args: string[], env: Record<string, string> = {}) {
    // Only what the test gives: no AWS profile or endpoint of the machine's leaks in.
    this.child = spawn(process.execPath, [BUNDLE, ...args], {
      env: {
        PATH: process.env.PATH!,
        AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
        ...env,
      },
    });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = once(this.child, 'exit').then(([code, signal]) => ({ code, signal }));
  }

  public signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Resolves once stderr matches, e.g. once a progress line shows records sent. */
  public async stderrMatches(pattern: RegExp): Promise<void> {
    while (!pattern.test(this.stderr)) {
      if (this.child.exitCode !== null) {
        throw new Error(`exited with ${this.child.exitCode} before stderr matched ${pattern}:\n${this.stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

async function runToEnd(args: string[], env: Record<string, string> = {}) {
  const cli = new Cli(args, env);
  const { code } = await cli.exited;
  return { code, stdout: cli.stdout, stderr: cli.stderr };
}

let emulator: Kinesalite;

beforeAll(async () => {
  const newestSource = Math.max(...readdirSync(SOURCES).map((file) => statSync(join(SOURCES, file)).mtimeMs));
  let bundled = 0;
  try {
    bundled = statSync(BUNDLE).mtimeMs;
  } catch {
    // Missing: reported below.
  }
  if (bundled < newestSource) {
    throw new Error('assets/cli/index.js is missing or older than lambda-src/cli/: run `npx projen bundle` first (the test task does)');
  }
  emulator = await startKinesalite();
});

afterAll(async () => {
  await emulator?.stop();
});

describe('the bundled CLI (assets/cli/index.js)', () => {
  test('is an executable script for npm\'s bin', () => {
    const { bin } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };

    expect(bin).toEqual({ 'cdk-streaming-pipeline': 'assets/cli/index.js' });
    expect(readFileSync(BUNDLE, 'utf8').split('\n', 1)[0]).toBe('#!/usr/bin/env node');
  });

  test('--help documents the program and load --help the load command, and exit 0', async () => {
    expect(await runToEnd(['--help'])).toEqual({ code: 0, stdout: PROGRAM_HELP, stderr: '' });
    expect(await runToEnd(['load', '-h'])).toEqual({ code: 0, stdout: LOAD_HELP, stderr: '' });
  });

  test('a bad argument gives one line naming the option, the value and what is allowed, and exit code 2', async () => {
    expect(await runToEnd(['load', '--stream', 'clicks', '--rate', 'fast', '--duration', '1s'])).toEqual({
      code: 2,
      stdout: '',
      stderr: "cdk-streaming-pipeline: invalid --rate \"fast\": allowed is a positive integer (records per second); see 'cdk-streaming-pipeline load --help'\n",
    });
    expect(await runToEnd([])).toEqual({
      code: 2,
      stdout: '',
      stderr: "cdk-streaming-pipeline: missing command: allowed are load, quality; see 'cdk-streaming-pipeline --help'\n",
    });
  });

  test('a run into kinesalite (endpoint from AWS_ENDPOINT_URL_KINESIS) delivers what its summary reports, and exits 0', async () => {
    await emulator.createStream('bundled', 1);

    const { code, stdout } = await runToEnd(['load', '--stream', 'bundled', '--rate', '200', '--duration', '1s'], {
      AWS_ENDPOINT_URL_KINESIS: emulator.endpoint,
      AWS_REGION: TEST_REGION,
    });

    expect(code).toBe(0);
    expect(stdout).toMatch(/^Load test summary\n {2}stream {12}bundled \(1 open shard\)\n/);
    expect(summaryCount(stdout, 'sent')).toBeGreaterThan(0);
    expect(await emulator.readAll('bundled')).toHaveLength(summaryCount(stdout, 'sent'));
    expect(stdout).toContain('  result            every record generated was sent\n');
  });

  test.each(['SIGINT', 'SIGTERM'] as const)('%s mid-run stops it cleanly: summary, and exit 0 when every record made got in', async (signal) => {
    const stream = `interrupted-${signal}`;
    await emulator.createStream(stream, 1);
    const cli = new Cli(['load', '--stream', stream, '--rate', '100', '--duration', '1h', '--endpoint-url', emulator.endpoint, '--region', TEST_REGION]);

    await cli.stderrMatches(/sent [1-9]/);
    cli.signal(signal);
    const { code } = await cli.exited;

    expect(code).toBe(0);
    expect(cli.stderr).toContain(`${signal}: stopping; waiting for the requests in flight (press Ctrl-C again to exit at once)`);
    expect(cli.stdout).toMatch(new RegExp(`\\n {2}elapsed +[\\d.]+ s, stopped early by ${signal}\\n`));
    expect(summaryCount(cli.stdout, 'not sent')).toBe(0);
    expect(await emulator.readAll(stream)).toHaveLength(summaryCount(cli.stdout, 'sent'));
  });

  test('a second Ctrl-C exits at once, without waiting for a request that does not return', async () => {
    // A Kinesis endpoint that describes the stream but never answers PutRecords: a hang no emulator produces.
    const held: ServerResponse[] = [];
    const server = createServer((request: IncomingMessage, response: ServerResponse) => {
      request.resume();
      if (String(request.headers['x-amz-target']).endsWith('.DescribeStreamSummary')) {
        response.setHeader('content-type', 'application/x-amz-json-1.1');
        response.end(JSON.stringify({ StreamDescriptionSummary: { StreamName: 'held', StreamStatus: 'ACTIVE', OpenShardCount: 1 } }));
      } else {
        held.push(response);
      }
    });
    const endpoint = await listenOnLoopback(server);
    try {
      const cli = new Cli(['load', '--stream', 'held', '--rate', '100', '--duration', '1h', '--endpoint-url', endpoint, '--region', TEST_REGION]);
      while (held.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }

      cli.signal('SIGINT');
      await cli.stderrMatches(/SIGINT: stopping/);
      cli.signal('SIGINT');
      const { code } = await cli.exited;

      expect(code).toBe(130);
      expect(cli.stderr).toContain('SIGINT again: exiting without waiting');
      expect(cli.stdout).toBe('');
    } finally {
      await closeEmulator(server);
    }
  });
});
