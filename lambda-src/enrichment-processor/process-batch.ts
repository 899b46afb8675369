import type { KinesisStreamBatchResponse, KinesisStreamRecord } from 'aws-lambda';
import { ProcessorConfig } from './config';
import { DecodeError, decodeRecordData } from './decode';
import { Clock, enrichRecord, selectPartitionKey } from './enrich';
import { JsonObject } from './json';
import { entrySize, publishEntries, PublishDeps, PutEntry, PUT_RECORDS_LIMITS } from './publish';
import { validateRecord } from './validate';

/** Structurally satisfied by the Powertools Logger; kept narrow so tests can record calls. */
export interface ProcessorLogger {
  info(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

export interface BatchDeps extends Omit<PublishDeps, 'streamName'> {
  readonly config: ProcessorConfig;
  readonly clock: Clock;
  readonly logger: ProcessorLogger;
}

export type PreparedRecord =
  | { readonly ok: true; readonly entry: PutEntry }
  | { readonly ok: false; readonly reasons: readonly string[] };

export function prepareRecord(record: KinesisStreamRecord, config: ProcessorConfig, clock: Clock): PreparedRecord {
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
  if (errors.length > 0) {
    return { ok: false, reasons: errors };
  }
  const entry: PutEntry = {
    data: Buffer.from(JSON.stringify(enrichRecord(payload, clock)), 'utf8'),
    partitionKey: selectPartitionKey(payload, config.partitionKeyField, record.kinesis.partitionKey),
  };
  // Enrichment and a longer partition key can push a record that fit on the input stream over the output limit.
  const size = entrySize(entry);
  if (size > PUT_RECORDS_LIMITS.maxEntryBytes) {
    return { ok: false, reasons: [`enriched record is ${size} bytes, over the ${PUT_RECORDS_LIMITS.maxEntryBytes}-byte Kinesis record limit`] };
  }
  return { ok: true, entry };
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
 * Forwards the longest valid prefix of the batch and reports at most one checkpoint.
 * Kinesis resumes a shard from the lowest reported sequence number and redelivers everything after it,
 * so forwarding records past the first invalid one would duplicate them on the retry.
 */
export async function processBatch(records: readonly KinesisStreamRecord[], deps: BatchDeps): Promise<KinesisStreamBatchResponse> {
  const prepared = records.map((record) => prepareRecord(record, deps.config, deps.clock));

  const entries: PutEntry[] = [];
  for (const p of prepared) {
    if (!p.ok) break;
    entries.push(p.entry);
  }
  prepared.forEach((p, i) => {
    if (!p.ok) {
      deps.logger.error('Invalid record', { ...describeRecord(records[i]), reasons: p.reasons });
    }
  });

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
    invalid: prepared.filter((p) => !p.ok).length,
    deferred: records.length - entries.length,
    publishFailures: failures.length,
    publishAttempts: attempts,
    resumeFrom,
  });
  return { batchItemFailures: resumeFrom === undefined ? [] : [{ itemIdentifier: resumeFrom }] };
}
