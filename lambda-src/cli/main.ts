import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { LoadOptions, PROGRAM, QualityOptions, UsageError, parseCommandLine } from './args';
import { ClientOptions } from './aws';
import { LOAD_HELP, PROGRAM_HELP, QUALITY_HELP } from './help';
import { LoadClient, StreamFacts, capacityWarning, createKinesisClient, describeFacts, describeStream, isWritable } from './kinesis';
import { LoadResult, LoadRun, plannedRecordCount } from './load';
import { MAX_IN_FLIGHT } from './pacing';
import { ProgressReporter, TextOutput } from './progress';
import { QualityCheck } from './quality';
import { formatNoParquet, formatQualityReport, formatStart, qualityExitCode } from './quality-report';
import { FileError, FilesChecked, checkFiles } from './quality-run';
import { RecordFactory } from './records';
import { S3ReadClient, createS3Client, listS3Files } from './s3';
import { DEFAULT_BACKOFF, errorCode } from './sender';
import { SourceFile, listLocalFiles } from './sources';
import { describeTarget } from './stream';
import { exitCodeFor, formatSummary } from './summary';
import { JsonValue, SEED_EVENT_TEMPLATE, TemplateError, compileTemplate } from './template';
import { dataQualityRules } from '../../src/quality/data-quality-rules';

export interface CliIo {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: TextOutput;
  readonly stderr: TextOutput;
  /** Aborted, with the signal's name as reason, when the user asks the run to stop. */
  readonly stopSignal: AbortSignal;
  /** Makes the Kinesis client; the SDK's by default. */
  readonly createClient?: (options: ClientOptions) => LoadClient;
  /** Makes the S3 client for an s3:// --path; the SDK's by default. */
  readonly createS3Client?: (options: ClientOptions) => S3ReadClient;
  readonly progressIntervalMs?: number;
}

/** Runs a command line; resolves to the process exit code. */
export async function main(io: CliIo): Promise<number> {
  try {
    const command = parseCommandLine(io.argv, io.env);
    switch (command.kind) {
      case 'help':
        io.stdout.write(command.command === undefined ? PROGRAM_HELP : COMMAND_HELP[command.command]);
        return 0;
      case 'version':
        io.stdout.write(`${packageVersion()}\n`);
        return 0;
      case 'load':
        return await load(command.options, io);
      case 'quality':
        return await quality(command.options, io);
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

const COMMAND_HELP = { load: LOAD_HELP, quality: QUALITY_HELP };

/** How many objects the quality command reads at once: one, file after file. */
const S3_SOCKETS = 1;

/** The data could not be checked (unreadable, or no Parquet): apart from 1, a failed rule, so a CI gate tells them apart. */
const QUALITY_UNREADABLE_EXIT_CODE = 3;

async function quality(options: QualityOptions, io: CliIo): Promise<number> {
  const { path } = options;
  const source = path.kind === 'local' ? path.path : path.uri;
  const client = path.kind === 's3'
    ? (io.createS3Client ?? createS3Client)({ region: options.region, endpointUrl: options.endpointUrl, maxSockets: S3_SOCKETS })
    : undefined;
  try {
    let files: SourceFile[];
    try {
      files = path.kind === 'local' ? await listLocalFiles(path.path) : await listS3Files(client!, path);
    } catch (error) {
      if (path.kind === 'local') {
        throw new UsageError(`cannot read --path "${path.path}": ${(error as Error).message}`, 'quality');
      }
      io.stderr.write(`${PROGRAM}: cannot list ${path.uri}: ${errorCode(error)}: ${(error as Error).message}\n`);
      return QUALITY_UNREADABLE_EXIT_CODE;
    }
    const check = new QualityCheck(dataQualityRules(options));
    io.stderr.write(`${PROGRAM}: ${formatStart(check.rules.length, files.map((file) => file.size), source)}\n`);
    let checked: FilesChecked;
    try {
      checked = await checkFiles(files, check, io.stopSignal);
    } catch (error) {
      if (error instanceof FileError) {
        io.stderr.write(`${PROGRAM}: ${error.message}\n`);
        return QUALITY_UNREADABLE_EXIT_CODE;
      }
      throw error;
    }
    if (checked.stoppedBy === undefined) {
      if (checked.parquetFiles === 0) {
        io.stderr.write(`${PROGRAM}: ${formatNoParquet(source, checked)}\n`);
        return QUALITY_UNREADABLE_EXIT_CODE;
      }
      if (check.rows === 0) {
        io.stderr.write(`${PROGRAM}: warning: 0 rows evaluated: the Parquet files hold no rows, so every rule passes\n`);
      }
    }
    const outcomes = check.outcomes();
    io.stdout.write(formatQualityReport(source, outcomes, checked));
    return qualityExitCode(outcomes, checked);
  } finally {
    client?.destroy();
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
