import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { LoadOptions, PROGRAM, UsageError, parseCommandLine } from './args';
import { LOAD_HELP, PROGRAM_HELP } from './help';
import { ClientOptions, LoadClient, StreamFacts, capacityWarning, createKinesisClient, describeFacts, describeStream, isWritable } from './kinesis';
import { LoadResult, LoadRun, plannedRecordCount } from './load';
import { MAX_IN_FLIGHT } from './pacing';
import { ProgressReporter, TextOutput } from './progress';
import { RecordFactory } from './records';
import { DEFAULT_BACKOFF, errorCode } from './sender';
import { describeTarget } from './stream';
import { exitCodeFor, formatSummary } from './summary';
import { JsonValue, SEED_EVENT_TEMPLATE, TemplateError, compileTemplate } from './template';

export interface CliIo {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: TextOutput;
  readonly stderr: TextOutput;
  /** Aborted, with the signal's name as reason, when the user asks the run to stop. */
  readonly stopSignal: AbortSignal;
  /** Makes the Kinesis client; the SDK's by default. */
  readonly createClient?: (options: ClientOptions) => LoadClient;
  readonly progressIntervalMs?: number;
}

/** Runs a command line; resolves to the process exit code. */
export async function main(io: CliIo): Promise<number> {
  try {
    const command = parseCommandLine(io.argv, io.env);
    switch (command.kind) {
      case 'help':
        io.stdout.write(command.command === 'load' ? LOAD_HELP : PROGRAM_HELP);
        return 0;
      case 'version':
        io.stdout.write(`${packageVersion()}\n`);
        return 0;
      case 'load':
        return await load(command.options, io);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`${PROGRAM}: ${error.message}; see '${error.helpHint}'\n`);
      return 2;
    }
    throw error;
  }
}

async function load(options: LoadOptions, io: CliIo): Promise<number> {
  const records = recordFactory(options);
  const streamLabel = describeTarget(options.stream);
  const client = (io.createClient ?? createKinesisClient)({ region: options.region, endpointUrl: options.endpointUrl, maxSockets: MAX_IN_FLIGHT });
  try {
    let facts: StreamFacts;
    try {
      facts = await describeStream(client, options.stream);
    } catch (error) {
      io.stderr.write(`${PROGRAM}: cannot use stream ${streamLabel}: ${errorCode(error)}: ${(error as Error).message}\n`);
      return 1;
    }
    if (!isWritable(facts)) {
      io.stderr.write(`${PROGRAM}: stream ${streamLabel} is ${facts.status}: it takes records when ACTIVE or UPDATING\n`);
      return 1;
    }
    const stream = `${streamLabel}${describeFacts(facts) === '' ? '' : ` (${describeFacts(facts)})`}`;
    const warning = capacityWarning(facts, options.ratePerSecond);
    io.stderr.write(`${PROGRAM}: sending ${options.ratePerSecond.toLocaleString('en-US')} records/s for ${options.durationText} `
      + `to ${stream}; Ctrl-C stops${warning === undefined ? '' : `\n${PROGRAM}: warning: ${warning}`}\n`);

    const run = new LoadRun(
      {
        stream: options.stream,
        ratePerSecond: options.ratePerSecond,
        durationMs: options.durationMs,
        makeRecord: (sequence) => records.make(sequence),
        retryPolicy: { maxRetries: options.maxRetries, ...DEFAULT_BACKOFF },
        maxInFlight: MAX_IN_FLIGHT,
      },
      { client, clock: () => performance.now(), sleep, random: Math.random, stopSignal: io.stopSignal },
    );
    const progress = new ProgressReporter(run, options.durationMs, io.stderr);
    const ticker = setInterval(() => progress.report(), io.progressIntervalMs ?? 1_000);
    let result: LoadResult;
    try {
      result = await run.run();
    } finally {
      clearInterval(ticker);
    }
    progress.finish();
    io.stdout.write(formatSummary(result, { stream, ratePerSecond: options.ratePerSecond, durationText: options.durationText }));
    return exitCodeFor(result);
  } finally {
    client.destroy();
  }
}

/** Makes the run's records from the seed event, or from --template. */
function recordFactory(options: LoadOptions): RecordFactory {
  const sources = { uuid: randomUUID, random: Math.random, now: Date.now };
  const factoryOptions = (template: JsonValue) => ({
    template: compileTemplate(template),
    partitionKeys: options.partitionKeys,
    maxRecords: plannedRecordCount(options.ratePerSecond, options.durationMs),
  });
  if (options.templatePath === undefined) {
    return new RecordFactory(factoryOptions(SEED_EVENT_TEMPLATE), sources);
  }
  const template = readTemplate(options.templatePath);
  try {
    return new RecordFactory(factoryOptions(template), sources);
  } catch (error) {
    if (error instanceof TemplateError) {
      throw new UsageError(`invalid --template "${options.templatePath}": ${error.message}`, 'load');
    }
    throw error;
  }
}

function readTemplate(path: string): JsonValue {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --template "${path}": ${(error as Error).message}`, 'load');
  }
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw new UsageError(`invalid --template "${path}": not JSON (${(error as Error).message})`, 'load');
  }
}

/** Waits, or returns early once the signal is aborted. */
async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch (error) {
    if (!signal.aborted) {
      throw error;
    }
  }
}

/** The package's version: package.json is two folders up both from this source and from the bundle in assets/cli/. */
function packageVersion(): string {
  return (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
}
