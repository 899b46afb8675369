import type {
  FirehoseRecordTransformationStatus,
  FirehoseTransformationEventRecord,
  FirehoseTransformationResult,
  FirehoseTransformationResultRecord,
} from 'aws-lambda';
import type { RecordOutcome } from './transform';

/** Lambda refuses a synchronous response over 6 MB (6,291,456 bytes); this leaves room for the runtime's framing. */
export const RESPONSE_BUDGET_BYTES = 6_000_000;

export interface RecordFailure {
  readonly recordId: string;
  readonly reason: string;
}

export interface BudgetedResponse {
  readonly response: FirehoseTransformationResult;
  /** The length of the serialized response, counted while building it. */
  readonly responseBytes: number;
  readonly counts: Readonly<Record<FirehoseRecordTransformationStatus, number>>;
  readonly failures: readonly RecordFailure[];
}

const EMPTY_RESPONSE_BYTES = Buffer.byteLength(JSON.stringify({ records: [] }));

const entryBytes = (entry: FirehoseTransformationResultRecord) => Buffer.byteLength(JSON.stringify(entry));

/** Firehose keeps the original of a failed record and writes it under processing-failed/, so the data can be left out. */
const failedWithoutData = (recordId: string): FirehoseTransformationResultRecord => ({ recordId, result: 'ProcessingFailed', data: '' });

/**
 * Answers every record once, in order, keeping the serialized response within `budgetBytes`: a record whose entry
 * would not fit is answered as failed without data. Should even those entries not fit, the response is over budget
 * and Lambda rejects it; an event Lambda accepted cannot lead there, as each of its records, with its arrival
 * timestamp, is larger than that record's entry without data.
 */
export function buildResponse(
  records: ReadonlyArray<Pick<FirehoseTransformationEventRecord, 'recordId' | 'data'>>,
  transform: (data: string) => RecordOutcome,
  budgetBytes = RESPONSE_BUDGET_BYTES,
): BudgetedResponse {
  const commaBytes = (i: number) => (i === 0 ? 0 : 1);
  // The smallest entries of the records not yet answered stay set aside, so that a large record early in the batch
  // cannot take the room a later record needs to be answered at all.
  const smallestBytes = records.map((record, i) => entryBytes(failedWithoutData(record.recordId)) + commaBytes(i));
  let reservedBytes = smallestBytes.reduce((sum, bytes) => sum + bytes, 0);
  let responseBytes = EMPTY_RESPONSE_BYTES;
  const entries: FirehoseTransformationResultRecord[] = [];
  const failures: RecordFailure[] = [];
  const counts = { Ok: 0, Dropped: 0, ProcessingFailed: 0 };
  records.forEach((record, i) => {
    reservedBytes -= smallestBytes[i];
    const outcome = transform(record.data);
    const entry: FirehoseTransformationResultRecord = { recordId: record.recordId, result: outcome.result, data: outcome.data };
    const bytes = entryBytes(entry) + commaBytes(i);
    const fits = responseBytes + bytes + reservedBytes <= budgetBytes;
    const answer = fits ? entry : failedWithoutData(record.recordId);
    entries.push(answer);
    responseBytes += fits ? bytes : smallestBytes[i];
    counts[answer.result] += 1;
    if (outcome.result === 'ProcessingFailed') {
      failures.push({ recordId: record.recordId, reason: outcome.reason });
    } else if (!fits) {
      failures.push({ recordId: record.recordId, reason: `its transformed data would take the response over its budget of ${budgetBytes} bytes` });
    }
  });
  return { response: { records: entries }, responseBytes, counts, failures };
}
