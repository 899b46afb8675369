import type { KinesisStreamBatchResponse, KinesisStreamRecord } from 'aws-lambda';
import { BatchGetItemClient, keyValue } from './batch-get';
import { ProcessorConfig } from './config';
import { DeadLetter, deadLetterBody, describeRecord, SendMessageBatchClient, sendDeadLetters } from './dead-letter';
import { DecodeError, decodeRecordData } from './decode';
import { BatchWriteItemClient, claimEvents, confirmDelivered, EventClaim } from './deduplicate';
import { Clock, DerivedFields, encodeEnriched, selectPartitionKey } from './enrich';
import { deriveGeoLocation, GeoConfig, PrefixMatcher } from './geo';
import { JsonObject, ownField } from './json';
import { LruCache } from './lru-cache';
import { normalizeRecord } from './normalize';
import { entrySize, publishEntries, PutEntry, PutRecordsClient, PUT_RECORDS_LIMITS } from './publish';
import { distinctKeys, LookupResult, lookupProfiles, Profile, ReferenceConfig, referenceKey } from './reference';
import { ItemFailure, RetryDeps } from './retry';
import { SessionState, sessionize, SessionResult, UserEvents } from './sessions';
import type { SharedCache } from './shared-cache';
import { PutItemClient, STATE_TABLE } from './state-table';
import { validateRecord } from './validate';

export { describeRecord } from './dead-letter';

/** Structurally satisfied by the Powertools Logger; kept narrow so tests can record calls. */
export interface ProcessorLogger {
  /** DEBUG when debug logs are kept, e.g. in an invocation chosen by POWERTOOLS_LOGGER_SAMPLE_RATE. */
  getLevelName(): string;
  debug(message: string, attributes: Record<string, unknown>): void;
  info(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

/** Structurally satisfied by the Powertools Metrics (embedded metric format); kept narrow for tests. */
export interface ProcessorMetrics {
  addMetric(name: string, unit: 'Count' | 'Percent' | 'Milliseconds', value: number): void;
}

/** What reference enrichment needs; the cache outlives the invocation. */
export interface ReferenceDeps {
  readonly config: ReferenceConfig;
  readonly client: BatchGetItemClient;
  readonly cache: LruCache<Profile>;
  readonly sharedCache?: SharedCache;
}

export interface BatchDeps extends RetryDeps {
  readonly config: ProcessorConfig;
  readonly clock: Clock;
  readonly logger: ProcessorLogger;
  /** Kinesis, for the enriched stream. */
  readonly client: PutRecordsClient;
  /** SQS, for the dead-letter queue. */
  readonly deadLetters: SendMessageBatchClient;
  /** Reference enrichment; off when absent. */
  readonly reference?: ReferenceDeps;
  /** DynamoDB, for the state table of sessionization and deduplication. */
  readonly state?: BatchGetItemClient & PutItemClient & BatchWriteItemClient;
  /** Session state this execution environment wrote, kept across invocations. */
  readonly sessionStateCache?: LruCache<SessionState>;
  readonly metrics?: ProcessorMetrics;
  /** geo_location derivation, with the prefix table compiled once per execution environment; off when absent. */
  readonly geo?: { readonly config: GeoConfig; readonly matcher: PrefixMatcher };
  /** Milliseconds from an arbitrary origin, for latencies. */
  readonly monotonic?: () => number;
}

export type ParsedRecord =
  | { readonly ok: true; readonly payload: JsonObject }
  | { readonly ok: false; readonly reasons: readonly string[] };

export type PreparedRecord =
  | { readonly ok: true; readonly entry: PutEntry }
  | { readonly ok: false; readonly reasons: readonly string[] };

export function parseRecord(record: KinesisStreamRecord, config: Pick<ProcessorConfig, 'schema' | 'normalization'>): ParsedRecord {
  let payload: JsonObject;
  try {
    payload = decodeRecordData(record.kinesis.data);
  } catch (err) {
    if (err instanceof DecodeError) {
      return { ok: false, reasons: [err.message] };
    }
    throw err;
  }
  const errors = validateRecord(payload, config.schema);
  return errors.length > 0 ? { ok: false, reasons: errors } : { ok: true, payload: normalizeRecord(payload, config.schema, config.normalization) };
}

export function buildEntry(
  record: KinesisStreamRecord,
  payload: JsonObject,
  config: ProcessorConfig,
  processedAt: string,
  derived: DerivedFields = {},
): PreparedRecord {
  const entry: PutEntry = {
    data: Buffer.from(encodeEnriched(payload, processedAt, derived), 'utf8'),
    partitionKey: selectPartitionKey(payload, config.partitionKeyField, record.kinesis.partitionKey),
  };
  // Enrichment and a longer partition key can push a record that fit on the input stream over the output limit.
  const size = entrySize(entry);
  if (size > PUT_RECORDS_LIMITS.maxEntryBytes) {
    return { ok: false, reasons: [`enriched record is ${size} bytes, over the ${PUT_RECORDS_LIMITS.maxEntryBytes}-byte Kinesis record limit`] };
  }
  return { ok: true, entry };
}

/** Everything but the batch-level steps (deduplication, sessions, reference data). */
export function prepareRecord(record: KinesisStreamRecord, config: ProcessorConfig, clock: Clock): PreparedRecord {
  const parsed = parseRecord(record, config);
  return parsed.ok ? buildEntry(record, parsed.payload, config, clock().toISOString()) : parsed;
}

/** Why a record could not be finished in this invocation; the earliest such record becomes the checkpoint. */
interface Unfinished extends ItemFailure {
  readonly stage: string;
}

/**
 * Finishes every record it can and reports at most one checkpoint: the earliest record that could not be
 * finished. A record is finished when it is published to the enriched stream, sent to the dead-letter queue
 * (invalid), or dropped as a duplicate. Kinesis resumes the shard from the checkpoint and redelivers everything
 * after it, so nothing after an unfinished record is delivered on purpose: the retry does it.
 */
export async function processBatch(records: readonly KinesisStreamRecord[], deps: BatchDeps): Promise<KinesisStreamBatchResponse> {
  const { config } = deps;
  const now = deps.clock();
  // One processing time for the batch: its records are processed together.
  const processedAt = now.toISOString();
  const parsed = records.map((record) => parseRecord(record, config));
  const unfinished = new Map<number, Unfinished>();
  const markUnfinished = (failures: ReadonlyMap<number, ItemFailure>, stage: string) =>
    failures.forEach((failure, index) => unfinished.set(index, { stage, ...failure }));
  /** Records before the earliest unfinished one: only these are worth more work now. */
  const open = (indices: readonly number[]) => {
    const limit = Math.min(records.length, ...unfinished.keys());
    return indices.filter((i) => i < limit);
  };
  const payloadOf = (i: number) => (parsed[i] as { readonly payload: JsonObject }).payload;
  const stateDeps = () => ({ ...deps, client: deps.state!, now });

  let candidates: number[] = [];
  parsed.forEach((p, i) => p.ok && candidates.push(i));
  const duplicates = new Set<number>();
  const claims: EventClaim[] = [];
  if (config.dedup !== undefined) {
    const firstById = new Map<string, number>();
    for (const i of candidates) {
      const eventId = keyValue(payloadOf(i), config.dedup.idField, STATE_TABLE.eventPrefix);
      if (eventId === undefined) {
        continue;
      }
      if (firstById.has(eventId)) {
        duplicates.add(i);
      } else {
        firstById.set(eventId, i);
        claims.push({ index: i, eventId, position: records[i].eventID });
      }
    }
    const claimed = await claimEvents(claims, { ...stateDeps(), config: config.dedup });
    claimed.duplicates.forEach((i) => duplicates.add(i));
    markUnfinished(claimed.unavailable, 'deduplication');
    candidates = candidates.filter((i) => !duplicates.has(i));
  }

  let sessions: SessionResult | undefined;
  if (config.sessions !== undefined) {
    const { keyField, timestampField } = config.sessions;
    const byUser = new Map<string, { readonly user: string; readonly indices: number[]; readonly times: number[] }>();
    for (const i of open(candidates)) {
      const user = keyValue(payloadOf(i), keyField, STATE_TABLE.sessionPrefix);
      // Normalization left valid timestamps in canonical UTC form, which Date parses exactly.
      const time = Date.parse(String(ownField(payloadOf(i), timestampField)));
      if (user === undefined || Number.isNaN(time)) {
        continue;
      }
      let events = byUser.get(user);
      if (events === undefined) {
        events = { user, indices: [], times: [] };
        byUser.set(user, events);
      }
      events.indices.push(i);
      events.times.push(time);
    }
    const users: UserEvents[] = [...byUser.values()];
    sessions = await sessionize(users, { ...stateDeps(), config: config.sessions, stateCache: deps.sessionStateCache });
    markUnfinished(sessions.unavailable, 'sessionization');
  }

  let lookup: LookupResult | undefined;
  let lookupMs = 0;
  if (deps.reference !== undefined) {
    const toLookUp = open(candidates);
    const monotonic = deps.monotonic ?? (() => performance.now());
    const started = monotonic();
    lookup = await lookupProfiles(distinctKeys(toLookUp.map(payloadOf), deps.reference.config.keyField), { ...deps, ...deps.reference });
    lookupMs = monotonic() - started;
    for (const failure of lookup.sharedCacheErrors) {
      // The table answered instead; the shared cache only saves reads.
      deps.logger.error('Shared reference cache unavailable; read from the table', { ...failure });
    }
    const unavailable = new Map<number, ItemFailure>();
    for (const i of toLookUp) {
      const key = referenceKey(payloadOf(i), deps.reference.config.keyField);
      const failure = key === undefined ? undefined : lookup.unavailable.get(key);
      if (failure !== undefined) {
        unavailable.set(i, failure);
      }
    }
    markUnfinished(unavailable, 'reference lookup');
  }

  const entries: Array<PutEntry & { readonly index: number }> = [];
  const letters: DeadLetter[] = [];
  const reasonsOf = new Map<number, readonly string[]>();
  const rejected = (i: number, reasons: readonly string[]) => {
    reasonsOf.set(i, reasons);
    letters.push({ index: i, body: deadLetterBody(records[i], reasons) });
  };
  const candidateSet = new Set(candidates);
  for (const i of open(records.map((_, index) => index))) {
    const p = parsed[i];
    if (!p.ok) {
      rejected(i, p.reasons);
      continue;
    }
    if (!candidateSet.has(i)) {
      continue;
    }
    const profile = deps.reference === undefined ? undefined : profileOf(payloadOf(i), deps.reference.config, lookup!);
    // Absent fields stay undefined, which encodeEnriched leaves out; spreading optional parts costs more per record.
    const derived: DerivedFields = {
      sessionId: sessions === undefined ? undefined : sessions.sessionIds.get(i) ?? null,
      profile,
      geoLocation: deps.geo === undefined ? undefined : deriveGeoLocation(p.payload, profile?.profile, deps.geo.config, deps.geo.matcher),
    };
    const prepared = buildEntry(records[i], p.payload, config, processedAt, derived);
    if (prepared.ok) {
      // Named fields, not a spread: this runs per record, and V8 copies spread objects slowly.
      entries.push({ data: prepared.entry.data, partitionKey: prepared.entry.partitionKey, index: i });
    } else {
      rejected(i, prepared.reasons);
    }
  }

  const published = entries.length > 0
    ? await publishEntries(entries, { ...deps, streamName: config.outputStreamName })
    : { failures: [], attempts: 0 };
  markUnfinished(new Map(published.failures.map(({ index, ...failure }) => [entries[index].index, failure])), 'publish');
  if (config.dedup !== undefined && claims.length > 0) {
    const unpublished = new Set(published.failures.map((f) => entries[f.index].index));
    const publishedIndices = new Set(entries.map((e) => e.index).filter((i) => !unpublished.has(i)));
    const unconfirmed = await confirmDelivered(claims.filter((c) => publishedIndices.has(c.index)), { ...stateDeps(), config: config.dedup });
    if (unconfirmed.length > 0) {
      deps.logger.error('Delivery of published records not confirmed; a retry of their batch may publish them again', {
        unconfirmed: unconfirmed.length,
      });
    }
  }
  // Dead letters go second, and only for records before the first unpublished one: the retry from there would
  // send the later ones again. Publishing is the step that throttles; the queue rarely fails.
  const toDeadLetter = new Set(open(letters.map((l) => l.index)));
  const sendable = letters.filter((l) => toDeadLetter.has(l.index));
  const deadLetterFailures = sendable.length > 0
    ? await sendDeadLetters(sendable, { ...deps, client: deps.deadLetters, queueUrl: config.deadLetterQueueUrl })
    : [];
  markUnfinished(new Map(deadLetterFailures.map(({ index, ...failure }) => [index, failure])), 'dead-letter queue');
  const unsent = new Set(deadLetterFailures.map((f) => f.index));
  for (const letter of sendable.filter((l) => !unsent.has(l.index))) {
    deps.logger.error('Invalid record sent to the dead-letter queue', { ...describeRecord(records[letter.index]), reasons: reasonsOf.get(letter.index) });
  }

  const checkpoint = unfinished.size === 0 ? undefined : Math.min(...unfinished.keys());
  if (checkpoint !== undefined) {
    const { stage, errorCode, errorMessage } = unfinished.get(checkpoint)!;
    deps.logger.error('Batch stopped at a record that could not be finished; Kinesis retries from it', {
      ...describeRecord(records[checkpoint]),
      stage,
      errorCode,
      errorMessage,
      unfinishedRecords: unfinished.size,
    });
  }
  const before = (i: number) => checkpoint === undefined || i < checkpoint;
  const deadLettered = new Set(sendable.map((l) => l.index).filter((i) => !unsent.has(i)));
  const counts = {
    received: records.length,
    // Everything before the checkpoint was finished, so what was not dead-lettered or dropped there was published.
    published: entries.filter((e) => before(e.index)).length,
    invalid: sendable.filter((l) => before(l.index)).length,
    deduplicated: [...duplicates].filter(before).length,
    retried: checkpoint === undefined ? 0 : records.length - checkpoint,
  };
  deps.logger.info('Batch processed', {
    ...counts,
    publishAttempts: published.attempts,
    ...(lookup === undefined ? {} : { reference: summarizeLookup(lookup) }),
    resumeFrom: checkpoint === undefined ? undefined : records[checkpoint].kinesis.sequenceNumber,
  });
  recordMetrics(deps.metrics, counts, lookup, lookupMs);
  // Built only when debug logs are kept (the sampled invocations): a line per record costs more than processing it.
  const debugging = deps.logger.getLevelName() === 'DEBUG';
  for (const [i, record] of debugging ? records.entries() : []) {
    deps.logger.debug('Record outcome', {
      ...describeRecord(record),
      correlation_id: parsed[i].ok ? ownField(payloadOf(i), config.dedup?.idField ?? 'event_id') : undefined,
      outcome: !before(i) ? 'retried' : deadLettered.has(i) ? 'dead-lettered' : duplicates.has(i) ? 'duplicate' : 'published',
    });
  }
  return { batchItemFailures: checkpoint === undefined ? [] : [{ itemIdentifier: records[checkpoint].kinesis.sequenceNumber }] };
}

function profileOf(payload: JsonObject, config: ReferenceConfig, lookup: LookupResult): { readonly field: string; readonly profile: Profile } {
  const key = referenceKey(payload, config.keyField);
  return { field: config.targetField, profile: key === undefined ? null : lookup.profiles.get(key)! };
}

function recordMetrics(
  metrics: ProcessorMetrics | undefined,
  counts: { received: number; published: number; invalid: number; deduplicated: number; retried: number },
  lookup: LookupResult | undefined,
  lookupMs: number,
): void {
  if (metrics === undefined) {
    return;
  }
  metrics.addMetric('RecordsIn', 'Count', counts.received);
  metrics.addMetric('RecordsEnriched', 'Count', counts.published);
  metrics.addMetric('RecordsInvalid', 'Count', counts.invalid);
  metrics.addMetric('RecordsDeduplicated', 'Count', counts.deduplicated);
  metrics.addMetric('RecordsRetried', 'Count', counts.retried);
  if (lookup !== undefined) {
    const keys = lookup.profiles.size + lookup.unavailable.size;
    if (keys > 0) {
      metrics.addMetric('ReferenceCacheHitRatio', 'Percent', (100 * (lookup.cacheHits + lookup.sharedCacheHits)) / keys);
    }
    metrics.addMetric('ReferenceSharedCacheErrors', 'Count', lookup.sharedCacheErrors.length);
    metrics.addMetric('ReferenceLookupLatency', 'Milliseconds', lookupMs);
  }
}

function summarizeLookup(lookup: LookupResult): Record<string, number> {
  const answered = [...lookup.profiles.values()];
  return {
    keys: lookup.profiles.size + lookup.unavailable.size,
    cacheHits: lookup.cacheHits,
    sharedCacheHits: lookup.sharedCacheHits,
    requests: lookup.requests,
    found: answered.filter((p) => p !== null).length,
    missing: answered.filter((p) => p === null).length,
    unavailable: lookup.unavailable.size,
  };
}
