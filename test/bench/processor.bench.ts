// ts-node compiles only what is imported, so the ambient module typings that jest and tsc find must be named here.
/// <reference path="../support/kinesalite-module.d.ts" />
/// <reference path="../support/dynalite-module.d.ts" />
/**
 * Benchmark of the enrichment processor, run with `npx projen bench` (not part of `test` or `verify`: timings depend
 * on the machine, so they are reported, not asserted; the CPU ratio is printed as PASS/BELOW against its target).
 * The run fails only when the benchmark itself is broken: a record rejected, dead-lettered, reported as failed, or
 * not arriving.
 *
 * (a) Records per second per core of the processing path (decode, validate, normalize, enrich from a warm cache,
 *     derive, encode) next to a floor measured in the same run: what any JSON-forwarding Lambda must do.
 * (b) End to end through the real handler, with kinesalite, dynalite and moto's SQS on loopback, with and without
 *     deduplication and sessionization.
 * (c) Size of the shipped bundle and its module init time (a cold-start proxy).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { InstantKinesis, InstantStateTable, RefusingReferenceTable, RefusingSqs } from './in-memory-aws';
import { loadConfig, ProcessorConfig } from '../../lambda-src/enrichment-processor/config';
import { PrefixMatcher } from '../../lambda-src/enrichment-processor/geo';
import { JsonObject } from '../../lambda-src/enrichment-processor/json';
import { LruCache } from '../../lambda-src/enrichment-processor/lru-cache';
import { BatchDeps, processBatch, ProcessorLogger, ProcessorMetrics } from '../../lambda-src/enrichment-processor/process-batch';
import { Profile } from '../../lambda-src/enrichment-processor/reference';
import { SESSION_STATE_CACHE_SIZE, SessionState } from '../../lambda-src/enrichment-processor/sessions';
import { FieldType, RecordSchema } from '../../src/schema/record-schema';
import { LAMBDA_CONTEXT } from '../lambda-src/enrichment-processor/harness';
import { startDynalite } from '../support/dynalite';
import { startKinesalite, TEST_CREDENTIALS, TEST_REGION } from '../support/kinesalite';
import { startSqs } from '../support/sqs';

type Handler = typeof import('../../lambda-src/enrichment-processor/index').handler;

const RECORD_BYTES = 1024;
const BATCH_SIZES = [100, 1_000] as const;
const OUTPUT_SHARDS = 4;
const BUNDLE = join(__dirname, '..', '..', 'assets', 'enrichment-processor', 'index.js');
/** The Lambda runtime the bundle targets (esbuild --target=node22). */
const LAMBDA_NODE_MAJOR = 22;
const HANDLER_MODULE = require.resolve('../../lambda-src/enrichment-processor/index');

/** Processing must cost at most as much again as the floor: validation and enrichment may not dominate JSON work. */
const TARGET_RATIO = 0.5;

// Each timed repetition processes this many records, long enough (hundreds of ms) that timer resolution and GC
// pauses do not decide the result, short enough to keep the whole run to a couple of minutes.
const RECORDS_PER_REPETITION = 20_000;
const WARMUP_REPETITIONS = 3;
const TIMED_REPETITIONS = 7;

const END_TO_END_RUNS = [{ batchSize: 100, batches: 10 }, { batchSize: 1_000, batches: 3 }] as const;
const INIT_SAMPLES = 10;

// ---------------------------------------------------------------------------------------------------------------
// Input and configuration

/** 50 users spread the output over all shards and give every batch several events per user to sessionize. */
const USERS = 50;
const FIRST_EVENT_MS = Date.UTC(2024, 0, 15, 10, 30);
const IP_FIELD = 'client_ip';

/** The seed event plus the client address that geo_location is looked up by, as a pipeline using geo would declare. */
const SCHEMA = RecordSchema.fromFields([
  ...RecordSchema.seedEvent().fields,
  { name: IP_FIELD, type: FieldType.STRING, required: false, description: 'Client IP address, for geo_location' },
]);

/** A small prefix table of several lengths, IPv4 and IPv6, so lookups probe more than one length. */
const GEO_PREFIXES = [
  { cidr: '203.0.113.0/24', location: { country: 'AU', city: 'Sydney' } },
  { cidr: '198.51.0.0/16', location: { country: 'DE' } },
  { cidr: '198.51.100.0/24', location: { country: 'DE', city: 'Berlin' } },
  { cidr: '192.0.2.0/24', location: { country: 'US', city: 'Seattle' } },
  { cidr: '100.64.0.0/10', location: { network: 'shared' } },
  { cidr: '10.0.0.0/8', location: { network: 'private' } },
  { cidr: '2001:db8::/32', location: { country: 'NL' } },
  { cidr: '2001:db8:1::/48', location: { country: 'NL', city: 'Amsterdam' } },
];

/** Addresses that hit prefixes of each length, and one in five that matches none (geo_location null). */
function clientIp(i: number): string {
  switch (i % 5) {
    case 0: return `203.0.113.${i % 256}`;
    case 1: return `198.51.100.${i % 256}`;
    case 2: return `198.51.${i % 100}.${i % 256}`;
    case 3: return i % 2 === 0 ? `2001:db8:1::${(i % 65_536).toString(16)}` : `2001:db8:7:${(i % 65_536).toString(16)}::1`;
    default: return `8.8.${i % 256}.${Math.floor(i / 256) % 256}`;
  }
}

const userId = (i: number): string => `user-${i % USERS}`;

/** The reference profile of a user as the table holds it (typed) and as the cache holds it (plain). */
function profile(user: number): JsonObject {
  return { user_id: `user-${user}`, tier: ['gold', 'silver', 'bronze'][user % 3], since: 2015 + (user % 10), newsletter: user % 2 === 0 };
}

function profileItem(user: number): Record<string, AttributeValue> {
  const p = profile(user);
  return {
    user_id: { S: p.user_id as string },
    tier: { S: p.tier as string },
    since: { N: String(p.since) },
    newsletter: { BOOL: p.newsletter as boolean },
  };
}

/** A seed-shaped event whose JSON is exactly RECORD_BYTES long; metadata carries the padding, as attributes would. */
function seedPayload(i: number): Record<string, unknown> {
  const attributes: Record<string, string> = {};
  const payload = {
    event_id: `evt-${String(i).padStart(8, '0')}`,
    event_type: i % 2 === 0 ? 'page_view' : 'click',
    // A second apart: every user's events of a batch fall in one session, continuing the one in the state table.
    timestamp: new Date(FIRST_EVENT_MS + i * 1000).toISOString(),
    user_id: userId(i),
    page: `/products/${i % 1_000}`,
    [IP_FIELD]: clientIp(i),
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

const REFERENCE_TABLE = 'user-profiles';
const STATE_TABLE = 'processor-state';
const PLACEHOLDER_QUEUE_URL = `https://sqs.${TEST_REGION}.amazonaws.com/000000000000/dead-letters`;

interface EnvOptions {
  readonly outputStream: string;
  /** Sessionization, in the state table. */
  readonly sessions: boolean;
  /** Deduplication, in the state table. */
  readonly dedup: boolean;
  readonly deadLetterQueueUrl?: string;
  readonly endpoints?: { readonly kinesis: string; readonly dynamodb: string; readonly sqs: string };
}

/**
 * What the construct sets on the function with reference enrichment and geo_location on, and deduplication and
 * sessionization when asked; other optional variables are left out so their defaults are measured.
 */
function handlerEnv(options: EnvOptions): Record<string, string> {
  const { endpoints } = options;
  return {
    OUTPUT_STREAM_NAME: options.outputStream,
    RECORD_SCHEMA: SCHEMA.toJson(),
    PARTITION_KEY_FIELD: 'user_id',
    DEAD_LETTER_QUEUE_URL: options.deadLetterQueueUrl ?? PLACEHOLDER_QUEUE_URL,
    REFERENCE_TABLE_NAME: REFERENCE_TABLE,
    GEO_IP_FIELD: IP_FIELD,
    GEO_IP_PREFIXES: JSON.stringify(GEO_PREFIXES),
    ...(options.sessions || options.dedup ? { STATE_TABLE_NAME: STATE_TABLE } : {}),
    ...(options.sessions ? { SESSION_GAP_SECONDS: '1800' } : {}),
    ...(options.dedup ? { DEDUP_WINDOW_SECONDS: '86400' } : {}),
    POWERTOOLS_SERVICE_NAME: 'enrichment-processor',
    // The one INFO line per batch would interleave with the report; its cost is negligible next to the requests.
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    // Likewise the one metrics (EMF) line per invocation.
    POWERTOOLS_METRICS_NAMESPACE: 'StreamingPipelineBench',
    POWERTOOLS_METRICS_DISABLED: 'true',
    AWS_REGION: TEST_REGION,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    ...(endpoints === undefined ? {} : {
      AWS_ENDPOINT_URL_KINESIS: endpoints.kinesis,
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    }),
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

// The floor's results feed this total, printed at the end, so that the JIT cannot prove the work unused and drop it.
let bytesEncoded = 0;
let recordsPublished = 0;

// ---------------------------------------------------------------------------------------------------------------
// (a) CPU path without the network
//
// The processing path is the real `processBatch`, with every derive step the handler has on: deduplication,
// sessionization, reference enrichment, geo_location and processed_at. Its AWS clients are in-memory fakes that
// answer at once (./in-memory-aws): the state table keeps each user's session state, so from the second batch on the
// state is warm; the reference cache is filled before timing and the table refuses reads, so enrichment is from a
// warm cache. This was chosen over timing the pure steps (prepareRecord, assignSessions, deriveGeoLocation) one by
// one because it measures all of our CPU cost per batch: the batch-level bookkeeping, one conditional-write claim
// per record with its SDK command object and promise, the state items' JSON, the PutRecords chunking. What it leaves
// out is what is not ours: waiting on the network, and the SDK's serialization, signing and HTTP under `send`,
// which the floor does not pay either; (b) shows the requests' share.

interface CpuResult {
  readonly batchSize: number;
  readonly floorRate: number;
  /** Every step on: dedup, sessions, reference from the warm cache, geo_location, processed_at. */
  /** The processing path: decode, validate, normalize, enrich from a warm cache, derive, encode. */
  readonly processingRate: number;
  /** The same with deduplication (a claim and a confirmation per record) on top. */
  readonly dedupRate: number;
  /** For attribution: the same without deduplication and sessionization (the steps with a request per record or user). */
  readonly statelessRate: number;
}

/** The least any forwarder of JSON records does: decode, parse, serialize, encode. */
function floorPass(records: readonly KinesisStreamRecord[]): void {
  for (const r of records) {
    const value: unknown = JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString('utf8'));
    bytesEncoded += Buffer.from(JSON.stringify(value), 'utf8').byteLength;
  }
}

const silentLogger: ProcessorLogger = { getLevelName: () => 'INFO', debug: () => undefined, info: () => undefined, error: () => undefined };
const silentMetrics: ProcessorMetrics = { addMetric: () => undefined };

interface CpuSetup {
  readonly deps: BatchDeps;
  readonly kinesis: InstantKinesis;
}

function cpuSetup(config: ProcessorConfig): CpuSetup {
  const kinesis = new InstantKinesis();
  const cache = new LruCache<Profile>(config.reference!.cacheSize, config.reference!.cacheTtlSeconds * 1000, Date.now);
  for (let u = 0; u < USERS; u++) cache.set(`user-${u}`, profile(u));
  const deps: BatchDeps = {
    config,
    client: kinesis,
    deadLetters: new RefusingSqs(),
    reference: { config: config.reference!, client: new RefusingReferenceTable(), cache },
    state: config.sessions !== undefined || config.dedup !== undefined ? new InstantStateTable() : undefined,
    // As the handler keeps it: the state each user's last batch wrote, so warm batches skip the read.
    sessionStateCache: config.sessions && new LruCache<SessionState>(SESSION_STATE_CACHE_SIZE, config.sessions.gapSeconds * 1000, Date.now),
    geo: { config: config.geo!, matcher: new PrefixMatcher(config.geo!.prefixes) },
    // A logger and metrics that drop everything: in Lambda the handler's are at INFO, where the per-record debug
    // lines are dropped as well; the one INFO line and the metrics per batch are negligible.
    logger: silentLogger,
    metrics: silentMetrics,
    clock: () => new Date(),
    sleep: async () => { throw new Error('benchmark batch was retried'); },
    random: Math.random,
  };
  return { deps, kinesis };
}

async function processingPass(records: readonly KinesisStreamRecord[], setup: CpuSetup): Promise<void> {
  const before = setup.kinesis.entries;
  const response = await processBatch(records, setup.deps);
  // A record rejected, dropped or left for a retry would take a short path and flatter the rate.
  if (response.batchItemFailures.length > 0 || setup.kinesis.entries - before !== records.length) {
    throw new Error(`benchmark batch not fully published: ${JSON.stringify(response)}, ${setup.kinesis.entries - before} of ${records.length}`);
  }
  recordsPublished += records.length;
}

/** Records per second of `pass` over `rounds` batches, timed once. */
async function rate(pass: () => void | Promise<void>, rounds: number, batchSize: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let n = 0; n < rounds; n++) await pass();
  return (rounds * batchSize) / (elapsedMs(start) / 1000);
}

async function benchCpu(batchSize: number, derive: ProcessorConfig, full: ProcessorConfig, stateless: ProcessorConfig): Promise<CpuResult> {
  const records = batch(batchSize, 0);
  const rounds = Math.ceil(RECORDS_PER_REPETITION / batchSize);
  const deriveSetup = cpuSetup(derive);
  const fullSetup = cpuSetup(full);
  const statelessSetup = cpuSetup(stateless);
  const floorRates: number[] = [];
  const processingRates: number[] = [];
  const dedupRates: number[] = [];
  const statelessRates: number[] = [];
  for (let rep = 0; rep < WARMUP_REPETITIONS + TIMED_REPETITIONS; rep++) {
    // Alternating within each repetition exposes all to the same drift (thermal, GC, neighbours).
    const f = await rate(() => floorPass(records), rounds, batchSize);
    const p = await rate(() => processingPass(records, deriveSetup), rounds, batchSize);
    const d = await rate(() => processingPass(records, fullSetup), rounds, batchSize);
    const s = await rate(() => processingPass(records, statelessSetup), rounds, batchSize);
    if (rep >= WARMUP_REPETITIONS) {
      floorRates.push(f);
      processingRates.push(p);
      dedupRates.push(d);
      statelessRates.push(s);
    }
  }
  const state = fullSetup.deps.state as InstantStateTable;
  const expectedClaims = (WARMUP_REPETITIONS + TIMED_REPETITIONS) * rounds * batchSize;
  if (state.claims.written !== expectedClaims || state.claims.confirmed !== expectedClaims) {
    throw new Error(`deduplication did not claim and confirm every record: ${JSON.stringify(state.claims)} of ${expectedClaims}`);
  }
  return {
    batchSize,
    floorRate: median(floorRates),
    processingRate: median(processingRates),
    dedupRate: median(dedupRates),
    statelessRate: median(statelessRates),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// (b) End to end through kinesalite, dynalite and moto's SQS

interface EndToEndResult {
  readonly batchSize: number;
  readonly batches: number;
  readonly rate: number;
  readonly wallMs: number;
}

interface EndToEndReport {
  readonly label: string;
  readonly runs: readonly EndToEndResult[];
  readonly sent: number;
  readonly arrived: number;
}

const END_TO_END_VARIANTS = [
  { label: 'reference + geo', sessions: false, dedup: false, outputStream: 'enriched-events' },
  { label: 'reference + geo + dedup + sessions', sessions: true, dedup: true, outputStream: 'enriched-events-stateful' },
] as const;


const ORIGINAL_ENV = { ...process.env };

/** A fresh cold start of the handler module with this environment, as Lambda would start a new execution environment. */
function loadHandler(env: Record<string, string>): Handler {
  process.env = { ...ORIGINAL_ENV, ...env };
  // The handler reads its configuration at module init, so it must load after the environment is set, and load
  // again for another configuration; import() would stay a native ESM import under module node16 and could not
  // load the TypeScript source.
  delete require.cache[HANDLER_MODULE];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(HANDLER_MODULE) as { handler: Handler }).handler;
}

async function invoke(handler: Handler, event: KinesisStreamEvent): Promise<void> {
  const response = await handler(event, LAMBDA_CONTEXT);
  if (response.batchItemFailures.length > 0) {
    throw new Error(`handler reported failures: ${JSON.stringify(response.batchItemFailures)}`);
  }
}

async function benchEndToEnd(): Promise<{ reports: EndToEndReport[]; deadLetters: number }> {
  const [kinesis, dynamo, sqs] = await Promise.all([startKinesalite(), startDynalite(), startSqs()]);
  try {
    await Promise.all([dynamo.createTable(REFERENCE_TABLE, 'user_id'), dynamo.createTable(STATE_TABLE, 'pk')]);
    await dynamo.putItems(REFERENCE_TABLE, Array.from({ length: USERS }, (_, u) => profileItem(u)));
    const queueUrl = await sqs.createQueue('dead-letters');
    const endpoints = { kinesis: kinesis.endpoint, dynamodb: dynamo.endpoint, sqs: sqs.endpoint };
    // Event ids and positions keep counting across variants, so no record is a duplicate of an earlier one.
    let next = 0;
    const nextBatch = (size: number): KinesisStreamEvent => {
      const records = batch(size, next);
      next += size;
      return { Records: records };
    };
    const reports: EndToEndReport[] = [];
    for (const variant of END_TO_END_VARIANTS) {
      await kinesis.createStream(variant.outputStream, OUTPUT_SHARDS);
      const handler = loadHandler(handlerEnv({ ...variant, deadLetterQueueUrl: queueUrl, endpoints }));
      const first = next;
      // Untimed: the first call opens connections, resolves the SDK's credentials and endpoints, and fills the
      // reference cache with every user's profile (a batch of 100 holds all 50 users).
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
      const arrived = (await kinesis.readAll(variant.outputStream)).length;
      reports.push({ label: variant.label, runs, sent: next - first, arrived });
    }
    const deadLetters = (await sqs.drain(queueUrl)).length;
    return { reports, deadLetters };
  } finally {
    process.env = ORIGINAL_ENV;
    await Promise.all([kinesis.stop(), dynamo.stop(), sqs.stop()]);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// (c) Bundle size and module init

interface InitReport {
  readonly label: string;
  readonly baselineMs: number;
  readonly requireMs: number;
  readonly initMs: number;
}

interface BundleReport {
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly inits: readonly InitReport[];
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

function measureInit(label: string, env: Record<string, string>): InitReport {
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
  return { label, baselineMs: median(baseline), requireMs: median(required), initMs: median(differences) };
}

function benchBundle(): BundleReport {
  let code: Buffer;
  try {
    code = readFileSync(BUNDLE);
  } catch {
    throw new Error(`${BUNDLE} is missing: run \`npx projen bundle\` first (\`npx projen bench\` does)`);
  }
  // The minimal environment the construct sets (as before), and one with every feature on, which adds the DynamoDB
  // client and the compiled prefix table to module init.
  const minimal: Record<string, string> = {
    OUTPUT_STREAM_NAME: 'enriched-events',
    RECORD_SCHEMA: RecordSchema.seedEvent().toJson(),
    PARTITION_KEY_FIELD: 'user_id',
    DEAD_LETTER_QUEUE_URL: PLACEHOLDER_QUEUE_URL,
    POWERTOOLS_SERVICE_NAME: 'enrichment-processor',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    AWS_REGION: TEST_REGION,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
  };
  return {
    bytes: code.byteLength,
    gzipBytes: gzipSync(code).byteLength,
    inits: [
      measureInit('required variables only', minimal),
      measureInit('reference + geo + dedup + sessions', handlerEnv({ outputStream: 'enriched-events', sessions: true, dedup: true })),
    ],
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
    const b = fmt(r.batchSize);
    return [
      [`(a) floor, batch ${b}`, 'records/s', fmt(r.floorRate)],
      [`(a) processing (reference, sessions, geo), batch ${b}`, 'records/s', fmt(r.processingRate)],
      [`(a) processing / floor, batch ${b}`, `target >= ${TARGET_RATIO * 100} %`, `${fmt(ratio * 100, 1)} % ${verdict}`],
      [`(a) processing + dedup, batch ${b}`, 'records/s', fmt(r.dedupRate)],
      [`(a) processing + dedup / floor, batch ${b}`, 'no target', `${fmt((r.dedupRate / r.floorRate) * 100, 1)} %`],
      [`(a) processing without sessions, batch ${b}`, 'records/s', fmt(r.statelessRate)],
      [`(a) processing without sessions / floor, batch ${b}`, 'no target', `${fmt((r.statelessRate / r.floorRate) * 100, 1)} %`],
    ] as Array<[string, string, string]>;
  });
}

function endToEndRows(report: { reports: readonly EndToEndReport[]; deadLetters: number }): Array<[string, string, string]> {
  return [
    ...report.reports.flatMap((v) => [
      ...v.runs.map((r): [string, string, string] => [
        `(b) ${v.label}, ${r.batches} x ${fmt(r.batchSize)}`, 'records/s', `${fmt(r.rate)} (${fmt(r.wallMs)} ms)`,
      ]),
      [`(b) ${v.label}: records read back / sent`, 'count', `${fmt(v.arrived)} / ${fmt(v.sent)}`] as [string, string, string],
    ]),
    ['(b) dead letters', 'count', fmt(report.deadLetters)],
  ];
}

function bundleRows(report: BundleReport): Array<[string, string, string]> {
  return [
    ['(c) bundle index.js', 'bytes', fmt(report.bytes)],
    ['(c) bundle index.js gzip', 'bytes', fmt(report.gzipBytes)],
    ...report.inits.flatMap((i): Array<[string, string, string]> => [
      [`(c) ${i.label}: node -e "" (median of ${INIT_SAMPLES})`, 'ms', fmt(i.baselineMs, 1)],
      [`(c) ${i.label}: node -e "require(bundle)" (median of ${INIT_SAMPLES})`, 'ms', fmt(i.requireMs, 1)],
      [`(c) ${i.label}: module init (median paired difference)`, 'ms', fmt(i.initMs, 1)],
    ]),
  ];
}

async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} x ${cpus().length}; ${RECORD_BYTES}-byte seed-shaped records`);
  if (!process.version.startsWith(`v${LAMBDA_NODE_MAJOR}.`)) {
    // V8 differs between majors in ways that move (a) a lot, e.g. Node.js 20 makes objects built by spreading and then
    // adding fields several times slower to extend and to serialize than Node.js 22 does.
    console.log(`note: Lambda runs Node.js ${LAMBDA_NODE_MAJOR} (the bundle's target); figures from ${process.version} may differ from it`);
  }

  const configFor = (sessions: boolean, dedup: boolean) => loadConfig(handlerEnv({ outputStream: 'enriched-events', sessions, dedup }));
  const cpu: CpuResult[] = [];
  for (const size of BATCH_SIZES) cpu.push(await benchCpu(size, configFor(true, false), configFor(true, true), configFor(false, false)));
  const bundle = benchBundle();
  const endToEnd = await benchEndToEnd();

  console.log();
  printTable([['measurement', 'unit', 'value'], ...cpuRows(cpu), ...endToEndRows(endToEnd), ...bundleRows(bundle)]);
  console.log(`\n(a) floor encoded ${fmt(bytesEncoded / 1e6)} MB, processing published ${fmt(recordsPublished)} records; whole run ${fmt(elapsedMs(started) / 1000, 1)} s`);
  const missing = endToEnd.reports.find((v) => v.arrived !== v.sent);
  if (missing !== undefined) {
    throw new Error(`${missing.label}: only ${missing.arrived} of ${missing.sent} records reached the output stream`);
  }
  if (endToEnd.deadLetters > 0) {
    throw new Error(`${endToEnd.deadLetters} benchmark records were dead-lettered`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
