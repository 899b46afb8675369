// ts-node compiles only what is imported, so the ambient module typing that jest and tsc find must be named here.
/// <reference path="../support/kinesalite-module.d.ts" />
/**
 * Benchmark of the enrichment processor, run with `npx projen bench` (not part of `test` or `verify`: timings depend
 * on the machine, so they are reported, not asserted; the CPU ratio is printed as PASS/BELOW against its target).
 * The run fails only when the benchmark itself is broken: a record rejected, reported as failed, or not arriving.
 *
 * (a) CPU path of one record without the network, against a floor of what any JSON-forwarding Lambda must do.
 * (b) End to end through the real handler and an in-process kinesalite.
 * (c) Size of the shipped bundle and its module init time (a cold-start proxy).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Context, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { loadConfig, ProcessorConfig } from '../../lambda-src/enrichment-processor/config';
import { prepareRecord } from '../../lambda-src/enrichment-processor/process-batch';
import { RecordSchema } from '../../src/schema/record-schema';
import { startKinesalite, TEST_CREDENTIALS, TEST_REGION } from '../support/kinesalite';

type Handler = typeof import('../../lambda-src/enrichment-processor/index').handler;

const RECORD_BYTES = 1024;
const BATCH_SIZES = [100, 1_000] as const;
const OUTPUT_STREAM = 'enriched-events';
const OUTPUT_SHARDS = 4;
const BUNDLE = join(__dirname, '..', '..', 'assets', 'enrichment-processor', 'index.js');

/** Processing must cost at most as much again as the floor: validation and enrichment may not dominate JSON work. */
const TARGET_RATIO = 0.5;

// Each timed repetition processes this many records, long enough (hundreds of ms) that timer resolution and GC
// pauses do not decide the result, short enough to keep the whole run well under a minute.
const RECORDS_PER_REPETITION = 20_000;
const WARMUP_REPETITIONS = 3;
const TIMED_REPETITIONS = 7;

const END_TO_END_RUNS = [{ batchSize: 100, batches: 10 }, { batchSize: 1_000, batches: 3 }] as const;
const INIT_SAMPLES = 10;

// ---------------------------------------------------------------------------------------------------------------
// Input

/** A seed-shaped event whose JSON is exactly RECORD_BYTES long; metadata carries the padding, as attributes would. */
function seedPayload(i: number): Record<string, unknown> {
  const attributes: Record<string, string> = {};
  const payload = {
    event_id: `evt-${String(i).padStart(8, '0')}`,
    event_type: i % 2 === 0 ? 'page_view' : 'click',
    timestamp: '2024-01-15T10:30:00.000Z',
    // 50 users spread the output over all shards, like a real user population would.
    user_id: `user-${i % 50}`,
    page: `/products/${i % 1_000}`,
    metadata: { browser: 'firefox', device: 'desktop', attributes },
  };
  // Many short string attributes rather than one long string: JSON cost grows with the number of tokens.
  for (let k = 0; JSON.stringify(payload).length < RECORD_BYTES; k++) {
    attributes[`a${k}`] = 'abcdefghijklmnop';
  }
  const last = `a${Object.keys(attributes).length - 1}`;
  const excess = JSON.stringify(payload).length - RECORD_BYTES;
  attributes[last] = attributes[last].slice(0, attributes[last].length - excess);
  return payload;
}

function kinesisRecord(i: number): KinesisStreamRecord {
  const sequenceNumber = (49590338271490256608559692538361571095921575989136588898n + BigInt(i)).toString();
  return {
    awsRegion: TEST_REGION,
    eventID: `shardId-000000000000:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    eventSource: 'aws:kinesis',
    eventSourceARN: `arn:aws:kinesis:${TEST_REGION}:000000000000:stream/raw-events`,
    eventVersion: '1.0',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/processor',
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: `producer-key-${i}`,
      sequenceNumber,
      data: Buffer.from(JSON.stringify(seedPayload(i)), 'utf8').toString('base64'),
      approximateArrivalTimestamp: 1_718_000_000 + i,
    },
  };
}

function batch(size: number, firstIndex: number): KinesisStreamRecord[] {
  return Array.from({ length: size }, (_, k) => kinesisRecord(firstIndex + k));
}

/** What the construct sets on the function; optional variables are left out so the defaults are measured. */
function handlerEnv(kinesisEndpoint?: string): Record<string, string> {
  return {
    OUTPUT_STREAM_NAME: OUTPUT_STREAM,
    RECORD_SCHEMA: RecordSchema.seedEvent().toJson(),
    PARTITION_KEY_FIELD: 'user_id',
    POWERTOOLS_SERVICE_NAME: 'enrichment-processor',
    // The one INFO line per batch would interleave with the report; its cost is negligible next to PutRecords.
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    AWS_REGION: TEST_REGION,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    ...(kinesisEndpoint === undefined ? {} : { AWS_ENDPOINT_URL_KINESIS: kinesisEndpoint }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Measurement helpers

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

// Results feed this total, printed at the end, so that the JIT cannot prove the work unused and drop it.
let bytesEncoded = 0;

// ---------------------------------------------------------------------------------------------------------------
// (a) CPU path without the network

interface CpuResult {
  readonly batchSize: number;
  readonly floorRate: number;
  readonly processingRate: number;
}

/** The least any forwarder of JSON records does: decode, parse, serialize, encode. */
function floorPass(records: readonly KinesisStreamRecord[]): void {
  for (const r of records) {
    const value: unknown = JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString('utf8'));
    bytesEncoded += Buffer.from(JSON.stringify(value), 'utf8').byteLength;
  }
}

/** The handler's own per-record work: decode, validate, enrich, pick the partition key, encode. */
function processingPass(records: readonly KinesisStreamRecord[], config: ProcessorConfig): void {
  const clock = (): Date => new Date();
  for (const r of records) {
    const prepared = prepareRecord(r, config, clock);
    if (!prepared.ok) {
      // A rejected record takes the short error path and would flatter the rate.
      throw new Error(`benchmark record rejected: ${prepared.reasons.join('; ')}`);
    }
    bytesEncoded += prepared.entry.data.byteLength + prepared.entry.partitionKey.length;
  }
}

/** Records per second of `pass` over `rounds` batches, timed once. */
function rate(pass: () => void, rounds: number, batchSize: number): number {
  const start = process.hrtime.bigint();
  for (let n = 0; n < rounds; n++) pass();
  return (rounds * batchSize) / (elapsedMs(start) / 1000);
}

function benchCpu(batchSize: number, config: ProcessorConfig): CpuResult {
  const records = batch(batchSize, 0);
  const rounds = Math.ceil(RECORDS_PER_REPETITION / batchSize);
  const floor = (): void => floorPass(records);
  const processing = (): void => processingPass(records, config);
  const floorRates: number[] = [];
  const processingRates: number[] = [];
  for (let rep = 0; rep < WARMUP_REPETITIONS + TIMED_REPETITIONS; rep++) {
    // Alternating the two within each repetition exposes both to the same drift (thermal, GC, neighbours).
    const f = rate(floor, rounds, batchSize);
    const p = rate(processing, rounds, batchSize);
    if (rep >= WARMUP_REPETITIONS) {
      floorRates.push(f);
      processingRates.push(p);
    }
  }
  return { batchSize, floorRate: median(floorRates), processingRate: median(processingRates) };
}

// ---------------------------------------------------------------------------------------------------------------
// (b) End to end through kinesalite

interface EndToEndResult {
  readonly batchSize: number;
  readonly batches: number;
  readonly rate: number;
  readonly wallMs: number;
}

interface EndToEndReport {
  readonly runs: readonly EndToEndResult[];
  readonly sent: number;
  readonly arrived: number;
}

const context: Context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'enrichment-processor',
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${TEST_REGION}:000000000000:function:enrichment-processor`,
  memoryLimitInMB: '1024',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: '/aws/lambda/enrichment-processor',
  logStreamName: '2024/06/01/[$LATEST]bench',
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

function loadHandler(env: Record<string, string>): Handler {
  Object.assign(process.env, env);
  // The handler reads its configuration at module init, so it must load after the environment is set; import()
  // would stay a native ESM import under module node16 and could not load the TypeScript source.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../../lambda-src/enrichment-processor/index') as { handler: Handler }).handler;
}

async function invoke(handler: Handler, event: KinesisStreamEvent): Promise<void> {
  const response = await handler(event, context);
  if (response.batchItemFailures.length > 0) {
    throw new Error(`handler reported failures: ${JSON.stringify(response.batchItemFailures)}`);
  }
}

async function benchEndToEnd(): Promise<EndToEndReport> {
  const kinesis = await startKinesalite();
  try {
    await kinesis.createStream(OUTPUT_STREAM, OUTPUT_SHARDS);
    const handler = loadHandler(handlerEnv(kinesis.endpoint));
    let next = 0;
    const nextBatch = (size: number): KinesisStreamEvent => {
      const records = batch(size, next);
      next += size;
      return { Records: records };
    };
    // Untimed: the first call opens connections and resolves the SDK's credentials and endpoint.
    await invoke(handler, nextBatch(100));
    const runs: EndToEndResult[] = [];
    for (const { batchSize, batches } of END_TO_END_RUNS) {
      const events = Array.from({ length: batches }, () => nextBatch(batchSize));
      const start = process.hrtime.bigint();
      // Sequential, as Lambda processes one batch per shard at a time.
      for (const event of events) await invoke(handler, event);
      const wallMs = elapsedMs(start);
      runs.push({ batchSize, batches, wallMs, rate: (batchSize * batches) / (wallMs / 1000) });
    }
    const arrived = (await kinesis.readAll(OUTPUT_STREAM)).length;
    return { runs, sent: next, arrived };
  } finally {
    await kinesis.stop();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// (c) Bundle size and module init

interface BundleReport {
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly baselineMs: number;
  readonly requireMs: number;
  readonly initMs: number;
}

function childWallMs(script: string, env: Record<string, string>): number {
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['-e', script], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });
  const ms = elapsedMs(start);
  if (child.status !== 0) {
    throw new Error(`child node exited with ${child.status}: ${child.stderr}`);
  }
  return ms;
}

function benchBundle(): BundleReport {
  let code: Buffer;
  try {
    code = readFileSync(BUNDLE);
  } catch {
    throw new Error(`${BUNDLE} is missing: run \`npx projen bundle\` first (\`npx projen bench\` does)`);
  }
  const env = handlerEnv();
  const requireBundle = `require(${JSON.stringify(BUNDLE)})`;
  // One untimed run each fills the page cache, so the first sample does not pay for the disk.
  childWallMs('', env);
  childWallMs(requireBundle, env);
  const baseline: number[] = [];
  const required: number[] = [];
  const differences: number[] = [];
  for (let n = 0; n < INIT_SAMPLES; n++) {
    // Paired samples: the difference of each pair cancels machine load that both children of a pair see.
    const b = childWallMs('', env);
    const r = childWallMs(requireBundle, env);
    baseline.push(b);
    required.push(r);
    differences.push(r - b);
  }
  return {
    bytes: code.byteLength,
    gzipBytes: gzipSync(code).byteLength,
    baselineMs: median(baseline),
    requireMs: median(required),
    initMs: median(differences),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Report

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function printTable(rows: ReadonlyArray<readonly [string, string, string]>): void {
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: readonly string[]): string => r.map((cell, c) => (c === 2 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ');
  console.log(line(rows[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  rows.slice(1).forEach((r) => console.log(line(r)));
}

function cpuRows(results: readonly CpuResult[]): Array<[string, string, string]> {
  return results.flatMap((r) => {
    const ratio = r.processingRate / r.floorRate;
    const verdict = ratio >= TARGET_RATIO ? 'PASS' : 'BELOW';
    return [
      [`(a) floor, batch ${fmt(r.batchSize)}`, 'records/s', fmt(r.floorRate)],
      [`(a) processing, batch ${fmt(r.batchSize)}`, 'records/s', fmt(r.processingRate)],
      [`(a) processing / floor, batch ${fmt(r.batchSize)}`, `target >= ${TARGET_RATIO * 100} %`, `${fmt(ratio * 100, 1)} % ${verdict}`],
    ] as Array<[string, string, string]>;
  });
}

function endToEndRows(report: EndToEndReport): Array<[string, string, string]> {
  return [
    ...report.runs.map((r): [string, string, string] => [
      `(b) handler + kinesalite, ${r.batches} x ${fmt(r.batchSize)}`, 'records/s', `${fmt(r.rate)} (${fmt(r.wallMs)} ms)`,
    ]),
    ['(b) records read back / sent', 'count', `${fmt(report.arrived)} / ${fmt(report.sent)}`],
  ];
}

function bundleRows(report: BundleReport): Array<[string, string, string]> {
  return [
    ['(c) bundle index.js', 'bytes', fmt(report.bytes)],
    ['(c) bundle index.js gzip', 'bytes', fmt(report.gzipBytes)],
    [`(c) node -e "" (median of ${INIT_SAMPLES})`, 'ms', fmt(report.baselineMs, 1)],
    [`(c) node -e "require(bundle)" (median of ${INIT_SAMPLES})`, 'ms', fmt(report.requireMs, 1)],
    ['(c) module init (median paired difference)', 'ms', fmt(report.initMs, 1)],
  ];
}

async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} x ${cpus().length}; ${RECORD_BYTES}-byte seed-shaped records`);

  const config = loadConfig(handlerEnv());
  const cpu = BATCH_SIZES.map((size) => benchCpu(size, config));
  const bundle = benchBundle();
  const endToEnd = await benchEndToEnd();

  console.log();
  printTable([['measurement', 'unit', 'value'], ...cpuRows(cpu), ...endToEndRows(endToEnd), ...bundleRows(bundle)]);
  console.log(`\n(a) encoded ${fmt(bytesEncoded / 1e6)} MB in all; whole run ${fmt(elapsedMs(started) / 1000, 1)} s`);
  if (endToEnd.arrived !== endToEnd.sent) {
    throw new Error(`only ${endToEnd.arrived} of ${endToEnd.sent} records reached ${OUTPUT_STREAM}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
