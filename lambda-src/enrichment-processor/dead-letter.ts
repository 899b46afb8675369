import { SendMessageBatchCommand, SendMessageBatchCommandOutput } from '@aws-sdk/client-sqs';
import type { KinesisStreamRecord } from 'aws-lambda';
import { attemptInGroups, ItemFailure, RetryDeps, retryUndone } from './retry';

/** Tells these messages apart from the event source mapping's own on-failure records in the same queue. */
export const DEAD_LETTER_SOURCE = 'cdk-streaming-pipeline/enrichment-processor';

const MiB = 1024 * 1024;

/** The SQS quota per message, which the construct sets as the queue's maximum message size. */
export const MAX_DEAD_LETTER_BYTES = MiB;

/** What an operator needs to fix and replay a record: why it was refused, where it came from, and its bytes. */
export interface DeadLetterMessage {
  readonly source: typeof DEAD_LETTER_SOURCE;
  readonly reasons: readonly string[];
  readonly eventSourceARN: string;
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly approximateArrivalTimestamp: string;
  /** The record's data exactly as received, base64-encoded; absent when it would not fit in a message. */
  readonly data?: string;
  readonly dataBytes: number;
  /** Set when the data was left out; the record stays readable in the source stream at its sequence number. */
  readonly dataOmitted?: string;
}

/** Identifies a record for operators without its payload, which may hold personal data. */
export function describeRecord(record: KinesisStreamRecord): Record<string, string> {
  const separator = record.eventID.indexOf(':');
  return {
    eventID: record.eventID,
    shardId: separator === -1 ? record.eventID : record.eventID.slice(0, separator),
    sequenceNumber: record.kinesis.sequenceNumber,
    eventSourceARN: record.eventSourceARN,
  };
}

export function deadLetterBody(record: KinesisStreamRecord, reasons: readonly string[], maxBytes = MAX_DEAD_LETTER_BYTES): string {
  const { eventID, ...position } = describeRecord(record);
  const message: DeadLetterMessage = {
    source: DEAD_LETTER_SOURCE,
    reasons,
    eventSourceARN: position.eventSourceARN,
    shardId: position.shardId,
    sequenceNumber: position.sequenceNumber,
    partitionKey: record.kinesis.partitionKey,
    approximateArrivalTimestamp: new Date(record.kinesis.approximateArrivalTimestamp * 1000).toISOString(),
    data: record.kinesis.data,
    dataBytes: Buffer.byteLength(record.kinesis.data, 'base64'),
  };
  const body = asciiJson(message);
  if (Buffer.byteLength(body, 'utf8') <= maxBytes) {
    return body;
  }
  // A Kinesis record can be 1 MiB, a third more in base64: more than one message holds.
  const { data, ...withoutData } = message;
  return asciiJson({
    ...withoutData,
    dataOmitted: `${data!.length} base64 characters exceed the ${maxBytes}-byte message limit; read the record from the source stream at this sequence number while it is retained`,
  });
}

/**
 * SQS refuses messages with characters outside a Unicode subset (e.g. lone surrogates, U+FFFE), which reasons
 * quoting a producer's field names could carry; escaped JSON is plain ASCII and parses back to the same value.
 */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The narrow slice of SQSClient used here, so tests can inject faults the emulator cannot produce. */
export interface SendMessageBatchClient {
  send(command: SendMessageBatchCommand): Promise<SendMessageBatchCommandOutput>;
}

export interface DeadLetterDeps extends RetryDeps {
  readonly client: SendMessageBatchClient;
  readonly queueUrl: string;
  readonly maxMessageBytes?: number;
}

export interface DeadLetter {
  /** The record's position in the batch. */
  readonly index: number;
  readonly body: string;
}

export interface DeadLetterFailure extends ItemFailure {
  readonly index: number;
}

/**
 * Sends dead letters one at a time, in batch order, retrying each with backoff, and stops at the first that cannot
 * be sent: the retry from that record sends it and the ones after it, and none of them can have been sent before,
 * so the queue holds each invalid record once. Invalid records are rare, so a request per message costs little.
 */
export async function sendDeadLetters(letters: readonly DeadLetter[], deps: DeadLetterDeps): Promise<readonly DeadLetterFailure[]> {
  const lastError = new Map<DeadLetter, ItemFailure>();
  const sendOne = async ([letter]: readonly DeadLetter[]): Promise<DeadLetter[]> => {
    const output = await deps.client.send(new SendMessageBatchCommand({
      QueueUrl: deps.queueUrl,
      Entries: [{ Id: String(letter.index), MessageBody: letter.body }],
    }));
    if ((output.Successful ?? []).some((entry) => entry.Id === String(letter.index))) {
      return [];
    }
    const failure = (output.Failed ?? []).find((entry) => entry.Id === String(letter.index));
    lastError.set(letter, failure === undefined
      ? { errorCode: 'MalformedResponse', errorMessage: 'SendMessageBatch reported neither success nor failure for the message' }
      : { errorCode: failure.Code ?? 'UnknownError', errorMessage: failure.Message ?? '' });
    return [letter];
  };
  const maxBytes = deps.maxMessageBytes ?? MAX_DEAD_LETTER_BYTES;
  for (const [position, letter] of letters.entries()) {
    const size = Buffer.byteLength(letter.body, 'utf8');
    if (size > maxBytes) {
      throw new RangeError(`dead-letter message is ${size} bytes, over the ${maxBytes}-byte limit`);
    }
    const { remaining } = await retryUndone([letter], (pending) => attemptInGroups([pending], sendOne, lastError), deps);
    if (remaining.length > 0) {
      const error = lastError.get(letter)!;
      return letters.slice(position).map((unsent) => ({ index: unsent.index, ...error }));
    }
  }
  return [];
}
