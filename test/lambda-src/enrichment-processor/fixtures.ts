import type { AttributeValue, BatchGetItemCommand, BatchGetItemCommandOutput } from '@aws-sdk/client-dynamodb';
import type { PutRecordsCommand, PutRecordsCommandOutput, PutRecordsResultEntry } from '@aws-sdk/client-kinesis';
import type { SendMessageBatchCommand, SendMessageBatchCommandOutput } from '@aws-sdk/client-sqs';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { BatchGetItemClient } from '../../../lambda-src/enrichment-processor/batch-get';
import { ConfigError, parseSchema, ProcessorConfig } from '../../../lambda-src/enrichment-processor/config';
import type { DeadLetterMessage, SendMessageBatchClient } from '../../../lambda-src/enrichment-processor/dead-letter';
import { NO_NORMALIZATION } from '../../../lambda-src/enrichment-processor/normalize';
import type { ProcessorLogger, ProcessorMetrics } from '../../../lambda-src/enrichment-processor/process-batch';
import type { PutRecordsClient } from '../../../lambda-src/enrichment-processor/publish';
import type { ReferenceConfig } from '../../../lambda-src/enrichment-processor/reference';
import { RecordSchema } from '../../../src';
import { StreamRecord, TEST_CREDENTIALS, TEST_REGION } from '../../support/kinesalite';

/** The schema the construct sends by default: the handler is tested against exactly what the construct sets. */
export const SEED_SCHEMA_JSON = RecordSchema.seedEvent().toJson();

export const SEED_CONFIG: ProcessorConfig = {
  outputStreamName: 'enriched',
  schema: parseSchema(SEED_SCHEMA_JSON, 'RECORD_SCHEMA'),
  partitionKeyField: 'user_id',
  normalization: NO_NORMALIZATION,
  deadLetterQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/dead-letters',
};

/** The variables the construct always sets, as loadConfig reads them. */
export const REQUIRED_ENV = {
  OUTPUT_STREAM_NAME: 'enriched-events',
  RECORD_SCHEMA: SEED_SCHEMA_JSON,
  PARTITION_KEY_FIELD: 'user_id',
  DEAD_LETTER_QUEUE_URL: SEED_CONFIG.deadLetterQueueUrl,
};

export const FIXED_NOW = new Date('2024-06-01T12:00:00.000Z');

export function seedEvent(i: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_id: `evt-${i}`,
    event_type: i % 2 === 0 ? 'page_view' : 'click',
    timestamp: '2024-01-15T10:30:00Z',
    user_id: `user-${i % 3}`,
    page: `/products/${i}`,
    metadata: { browser: 'firefox', n: i },
    ...overrides,
  };
}

export const STREAM_ARN = 'arn:aws:kinesis:us-east-1:123456789012:stream/raw-events';

/** A Lambda Kinesis record; data may be an object (JSON-encoded) or raw text/bytes for malformed payloads. */
export function kinesisRecord(
  data: Record<string, unknown> | string | Uint8Array,
  i: number,
  partitionKey = `input-pk-${i}`,
): KinesisStreamRecord {
  const bytes = typeof data === 'string' || data instanceof Uint8Array ? Buffer.from(data) : Buffer.from(JSON.stringify(data));
  const sequenceNumber = (49590338271490256608559692538361571095921575989136588898n + BigInt(i)).toString();
  return {
    awsRegion: 'us-east-1',
    eventID: `shardId-000000000000:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    eventSource: 'aws:kinesis',
    eventSourceARN: STREAM_ARN,
    eventVersion: '1.0',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/processor',
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey,
      sequenceNumber,
      data: bytes.toString('base64'),
      approximateArrivalTimestamp: 1_718_000_000 + i,
    },
  };
}

/** Turns records read back from a kinesalite stream into what Lambda would deliver for them. */
export function toKinesisEvent(records: readonly StreamRecord[], streamArn: string): KinesisStreamEvent {
  return {
    Records: records.map((r) => ({
      awsRegion: 'us-east-1',
      eventID: `${r.shardId}:${r.sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      eventSource: 'aws:kinesis',
      eventSourceARN: streamArn,
      eventVersion: '1.0',
      invokeIdentityArn: 'arn:aws:iam::000000000000:role/processor',
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: r.partitionKey,
        sequenceNumber: r.sequenceNumber,
        data: Buffer.from(r.data).toString('base64'),
        approximateArrivalTimestamp: (r.approximateArrivalTimestamp ?? new Date()).getTime() / 1000,
      },
    })),
  };
}

export interface LogCall {
  readonly level: 'debug' | 'info' | 'error';
  readonly message: string;
  readonly attributes: Record<string, unknown>;
}

export class RecordingLogger implements ProcessorLogger {
  readonly calls: LogCall[] = [];

  constructor(private readonly level = 'DEBUG') {}

  getLevelName(): string {
    return this.level;
  }

  debug(message: string, attributes: Record<string, unknown>): void {
    this.calls.push({ level: 'debug', message, attributes });
  }

  info(message: string, attributes: Record<string, unknown>): void {
    this.calls.push({ level: 'info', message, attributes });
  }

  error(message: string, attributes: Record<string, unknown>): void {
    this.calls.push({ level: 'error', message, attributes });
  }

  errors(): LogCall[] {
    return this.calls.filter((c) => c.level === 'error');
  }
}

/** Sums what the processor reports per metric name. */
export class RecordingMetrics implements ProcessorMetrics {
  readonly values: Record<string, number> = {};

  addMetric(name: string, _unit: string, value: number): void {
    this.values[name] = (this.values[name] ?? 0) + value;
  }
}

export interface SentEntry {
  readonly data: string;
  readonly partitionKey: string;
}

/**
 * Stands in for Kinesis where kinesalite cannot produce the fault: decides per call whether to reject the whole
 * request, and per entry (by its data and how many times Kinesis has looked at it) whether to fail it.
 */
export class FakeKinesis implements PutRecordsClient {
  /** Every request, as sent. */
  readonly calls: SentEntry[][] = [];
  /** Data of every entry Kinesis accepted, in acceptance order. */
  readonly accepted: string[] = [];
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly entryOutcome: (data: string, attempt: number) => PutRecordsResultEntry = () => ({}),
    private readonly callFailure: (callIndex: number) => Error | undefined = () => undefined,
  ) {}

  async send(command: PutRecordsCommand): Promise<PutRecordsCommandOutput> {
    const entries = (command.input.Records ?? []).map((r) => ({
      data: Buffer.from(r.Data!).toString('utf8'),
      partitionKey: r.PartitionKey!,
    }));
    const callIndex = this.calls.length;
    this.calls.push(entries);
    const failure = this.callFailure(callIndex);
    if (failure !== undefined) {
      throw failure;
    }
    const records = entries.map((e) => {
      const attempt = (this.seen.get(e.data) ?? 0) + 1;
      this.seen.set(e.data, attempt);
      const outcome = this.entryOutcome(e.data, attempt);
      if (outcome.ErrorCode !== undefined) {
        return outcome;
      }
      this.accepted.push(e.data);
      return { SequenceNumber: `seq-${callIndex}`, ShardId: 'shardId-000000000000' };
    });
    return {
      FailedRecordCount: records.filter((r) => r.ErrorCode !== undefined).length,
      Records: records,
      $metadata: { httpStatusCode: 200 },
    };
  }

  /** How many requests carried an entry with this data, including rejected ones. */
  sendCount(data: string): number {
    return this.calls.flat().filter((e) => e.data === data).length;
  }
}

/**
 * Stands in for SQS where the emulator cannot produce the fault: decides per request whether to throw, and per
 * message (by its record's sequence number and attempt) whether SQS reports it failed.
 */
export class FakeSqs implements SendMessageBatchClient {
  /** Bodies of every message SQS accepted, parsed. */
  readonly accepted: DeadLetterMessage[] = [];
  readonly calls: number[] = [];
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly messageFails: (sequenceNumber: string, attempt: number) => boolean = () => false,
    private readonly callFailure: (callIndex: number) => Error | undefined = () => undefined,
  ) {}

  async send(command: SendMessageBatchCommand): Promise<SendMessageBatchCommandOutput> {
    const entries = command.input.Entries ?? [];
    const callIndex = this.calls.length;
    this.calls.push(entries.length);
    const failure = this.callFailure(callIndex);
    if (failure !== undefined) {
      throw failure;
    }
    const successful: Array<{ Id: string; MessageId: string; MD5OfMessageBody: string }> = [];
    const failed: Array<{ Id: string; Code: string; Message: string; SenderFault: boolean }> = [];
    for (const entry of entries) {
      const message = JSON.parse(entry.MessageBody!) as DeadLetterMessage;
      const attempt = (this.seen.get(message.sequenceNumber) ?? 0) + 1;
      this.seen.set(message.sequenceNumber, attempt);
      if (this.messageFails(message.sequenceNumber, attempt)) {
        failed.push({ Id: entry.Id!, Code: 'InternalError', Message: 'fake internal error', SenderFault: false });
      } else {
        this.accepted.push(message);
        successful.push({ Id: entry.Id!, MessageId: `m-${this.accepted.length}`, MD5OfMessageBody: '' });
      }
    }
    return { Successful: successful, Failed: failed, $metadata: { httpStatusCode: 200 } };
  }
}

/** The ConfigError that fn throws; fails the test when it throws nothing or something else. */
export function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

export function awsError(name: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} from fake`), { name, $metadata: { httpStatusCode: 400 }, ...extra });
}

export const throttled = (): PutRecordsResultEntry => ({
  ErrorCode: 'ProvisionedThroughputExceededException',
  ErrorMessage: 'Rate exceeded for shard shardId-000000000000',
});

export function recordingSleep(): { sleeps: number[]; sleep: (ms: number) => Promise<void> } {
  const sleeps: number[] = [];
  return { sleeps, sleep: async (ms: number) => { sleeps.push(ms); } };
}

/**
 * Stands in for DynamoDB where dynalite cannot produce the fault: holds items by key, and decides per request
 * whether to throw and per key (by how many times it was requested) whether to return it unprocessed.
 */
export class FakeDynamo implements BatchGetItemClient {
  /** Keys of every request, as sent. */
  readonly calls: string[][] = [];
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly items: ReadonlyMap<string, Record<string, AttributeValue>> = new Map(),
    private readonly unprocessed: (key: string, attempt: number) => boolean = () => false,
    private readonly callFailure: (callIndex: number) => Error | undefined = () => undefined,
    private readonly keyAttribute = 'user_id',
  ) {}

  async send(command: BatchGetItemCommand): Promise<BatchGetItemCommandOutput> {
    const [[table, request]] = Object.entries(command.input.RequestItems!);
    const keys = request.Keys!.map((k) => k[this.keyAttribute].S!);
    const callIndex = this.calls.length;
    this.calls.push(keys);
    const failure = this.callFailure(callIndex);
    if (failure !== undefined) {
      throw failure;
    }
    const unprocessed: string[] = [];
    const responses: Array<Record<string, AttributeValue>> = [];
    for (const key of keys) {
      const attempt = (this.seen.get(key) ?? 0) + 1;
      this.seen.set(key, attempt);
      if (this.unprocessed(key, attempt)) {
        unprocessed.push(key);
      } else if (this.items.has(key)) {
        responses.push(this.items.get(key)!);
      }
    }
    // DynamoDB returns items in no particular order.
    responses.reverse();
    return {
      Responses: { [table]: responses },
      UnprocessedKeys: unprocessed.length === 0 ? {} : { [table]: { Keys: unprocessed.map((key) => ({ [this.keyAttribute]: { S: key } })) } },
      $metadata: { httpStatusCode: 200 },
    };
  }

  requestCount(key: string): number {
    return this.calls.flat().filter((k) => k === key).length;
  }
}

export const REFERENCE_CONFIG: ReferenceConfig = {
  tableName: 'user-profiles',
  keyField: 'user_id',
  keyAttribute: 'user_id',
  targetField: 'user_profile',
  cacheSize: 100,
  cacheTtlSeconds: 300,
};

/** A profile item for a seed user, in DynamoDB's typed form. */
export function profileItem(userId: string, tier = 'gold'): Record<string, AttributeValue> {
  return { user_id: { S: userId }, tier: { S: tier }, since: { N: '2019' } };
}

/**
 * Points the real handler at local emulators with the environment the construct gives it, then imports it: the
 * handler reads its configuration at import, exactly as on a Lambda cold start.
 */
export function importHandlerWith(kinesisEndpoint: string, outputStream: string, extra: Record<string, string> = {}):
typeof import('../../../lambda-src/enrichment-processor/index').handler {
  Object.assign(process.env, {
    OUTPUT_STREAM_NAME: outputStream,
    RECORD_SCHEMA: SEED_SCHEMA_JSON,
    PARTITION_KEY_FIELD: 'user_id',
    POWERTOOLS_SERVICE_NAME: 'enrichment-processor',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_NAMESPACE: 'StreamingPipelineTest',
    POWERTOOLS_METRICS_DISABLED: 'true',
    AWS_ENDPOINT_URL_KINESIS: kinesisEndpoint,
    AWS_REGION: TEST_REGION,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    ...extra,
  });
  return jest.requireActual<typeof import('../../../lambda-src/enrichment-processor/index')>('../../../lambda-src/enrichment-processor/index').handler;
}

