import type { KinesisStreamBatchResponse, KinesisStreamRecord } from 'aws-lambda';
import { BatchGetItemClient } from './batch-get';
import { ProcessorConfig } from './config';
import { DecodeError, decodeRecordData } from './decode';
import { Clock, enrichRecord, ProfileField, selectPartitionKey } from './enrich';
import { JsonObject } from './json';
import { LruCache } from './lru-cache';
import { normalizeRecord } from './normalize';
import { entrySize, publishEntries, PublishDeps, PutEntry, PUT_RECORDS_LIMITS } from './publish';
import { distinctKeys, LookupResult, lookupProfiles, Profile, ReferenceConfig, referenceKey } from './reference';
import { validateRecord } from './validate';

/** Structurally satisfied by the Powertools Logger; kept narrow so tests can record calls. */
export interface ProcessorLogger {
  info(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

/** What reference enrichment needs; the cache outlives the invocation. */
export interface ReferenceDeps {
  readonly config: ReferenceConfig;
  readonly client: BatchGetItemClient;
  readonly cache: LruCache<Profile>;
}

export interface BatchDeps extends Omit<PublishDeps, 'streamName'> {
  readonly config: ProcessorConfig;
  readonly clock: Clock;
  readonly logger: ProcessorLogger;
  /** Reference enrichment; off when absent. */
  readonly reference?: ReferenceDeps;
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
  clock: Clock,
  profile?: ProfileField,
): PreparedRecord {
  const entry: PutEntry = {
    data: Buffer.from(JSON.stringify(enrichRecord(payload, clock, profile)), 'utf8'),
    partitionKey: selectPartitionKey(payload, config.partitionKeyField, record.kinesis.partitionKey),
  };
  // Enrichment and a longer partition key can push a record that fit on the input stream over the output limit.
  const size = entrySize(entry);
  if (size > PUT_RECORDS_LIMITS.maxEntryBytes) {
    return { ok: false, reasons: [`enriched record is ${size} bytes, over the ${PUT_RECORDS_LIMITS.maxEntryBytes}-byte Kinesis record limit`] };
  }
  return { ok: true, entry };
}

/** Everything but reference enrichment, which needs the whole batch's keys first. */
export function prepareRecord(record: KinesisStreamRecord, config: ProcessorConfig, clock: Clock): PreparedRecord {
  const parsed = parseRecord(record, config);
  return parsed.ok ? buildEntry(record, parsed.payload, config, clock) : parsed;
}

/** Identifies a record for operators without logging its payload, which may hold personal data. */
export function describeRecord(record: KinesisStreamRecord): Record<string, string> {
  const separator = record.eventID.indexOf(':');
  return {
    eventID: record.eventID,
    shardId: separator === -1 ? record.eventID : record.eventID.slice(0, separator),
    sequenceNumber: record.kinesis.sequenceNumber,
    eventSourceARN: record.eventSourceARN,
  };
}

/**
 * Forwards the longest prefix of the batch whose records are valid and fully enriched, and reports at most one
 * checkpoint. Kinesis resumes a shard from the lowest reported sequence number and redelivers everything after
 * it, so forwarding records past the first invalid or unenrichable one would duplicate them on the retry.
 */
export async function processBatch(records: readonly KinesisStreamRecord[], deps: BatchDeps): Promise<KinesisStreamBatchResponse> {
  const parsed = records.map((record) => parseRecord(record, deps.config));
  let invalid = 0;
  parsed.forEach((p, i) => {
    if (!p.ok) {
      invalid++;
      deps.logger.error('Invalid record', { ...describeRecord(records[i]), reasons: p.reasons });
    }
  });
  const firstInvalid = parsed.findIndex((p) => !p.ok);
  const payloads = (firstInvalid === -1 ? parsed : parsed.slice(0, firstInvalid)).map((p) => (p as { payload: JsonObject }).payload);

  // Only the records that can be forwarded are looked up: the rest come back with the retry.
  const lookup = deps.reference === undefined || payloads.length === 0
    ? undefined
    : await lookupProfiles(distinctKeys(payloads, deps.reference.config.keyField), { ...deps, ...deps.reference });

  const entries: PutEntry[] = [];
  for (const [i, payload] of payloads.entries()) {
    let profile: ProfileField | undefined;
    if (deps.reference !== undefined) {
      const key = referenceKey(payload, deps.reference.config.keyField);
      const failure = key === undefined ? undefined : lookup!.unavailable.get(key);
      if (failure !== undefined) {
        deps.logger.error('Reference data unavailable after retries', {
          ...describeRecord(records[i]),
          ...failure,
          unavailableKeys: lookup!.unavailable.size,
        });
        break;
      }
      profile = { field: deps.reference.config.targetField, profile: key === undefined ? null : lookup!.profiles.get(key)! };
    }
    const prepared = buildEntry(records[i], payload, deps.config, deps.clock, profile);
    if (!prepared.ok) {
      invalid++;
      deps.logger.error('Invalid record', { ...describeRecord(records[i]), reasons: prepared.reasons });
      break;
    }
    entries.push(prepared.entry);
  }

  const { failures, attempts } = entries.length > 0
    ? await publishEntries(entries, { ...deps, streamName: deps.config.outputStreamName })
    : { failures: [], attempts: 0 };
  for (const failure of failures) {
    deps.logger.error('Record not published after retries', {
      ...describeRecord(records[failure.index]),
      errorCode: failure.errorCode,
      errorMessage: failure.errorMessage,
      attempts,
    });
  }

  const checkpoint = failures.length > 0 ? failures[0].index : entries.length < records.length ? entries.length : undefined;
  const resumeFrom = checkpoint === undefined ? undefined : records[checkpoint].kinesis.sequenceNumber;
  deps.logger.info('Batch processed', {
    received: records.length,
    published: entries.length - failures.length,
    invalid,
    deferred: records.length - entries.length,
    publishFailures: failures.length,
    publishAttempts: attempts,
    ...(lookup === undefined ? {} : { reference: summarizeLookup(lookup) }),
    resumeFrom,
  });
  return { batchItemFailures: resumeFrom === undefined ? [] : [{ itemIdentifier: resumeFrom }] };
}

function summarizeLookup(lookup: LookupResult): Record<string, number> {
  const answered = [...lookup.profiles.values()];
  return {
    keys: lookup.profiles.size + lookup.unavailable.size,
    cacheHits: lookup.cacheHits,
    requests: lookup.requests,
    found: answered.filter((p) => p !== null).length,
    missing: answered.filter((p) => p === null).length,
    unavailable: lookup.unavailable.size,
  };
}
