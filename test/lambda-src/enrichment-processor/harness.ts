import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { importHandlerWith, toKinesisEvent } from './fixtures';
import type { DeadLetterMessage } from '../../../lambda-src/enrichment-processor/dead-letter';
import { Dynalite, startDynalite } from '../../support/dynalite';
import { Kinesalite, startKinesalite, StreamRecord } from '../../support/kinesalite';
import { Sqs, startSqs } from '../../support/sqs';

type Handler = (event: KinesisStreamEvent, context: Context) => Promise<KinesisStreamBatchResponse>;

export const INPUT_STREAM = 'raw-events';
export const OUTPUT_STREAM = 'enriched-events';

export const LAMBDA_CONTEXT: Context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'enrichment-processor',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:enrichment-processor',
  memoryLimitInMB: '256',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: '/aws/lambda/enrichment-processor',
  logStreamName: '2024/06/01/[$LATEST]abcdef',
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

export interface Invocation {
  readonly response: KinesisStreamBatchResponse;
  /** What the invocation added to the output stream. */
  readonly published: StreamRecord[];
  /** What the invocation added to the dead-letter queue. */
  readonly deadLetters: DeadLetterMessage[];
}

/** The real handler between emulators: kinesalite streams, a moto SQS dead-letter queue, and dynalite when asked. */
export interface HandlerHarness {
  readonly kinesis: Kinesalite;
  readonly sqs: Sqs;
  readonly dynamo?: Dynalite;
  /** Writes payloads to the input stream and returns the batch Lambda would deliver for them. */
  deliver(payloads: ReadonlyArray<Record<string, unknown> | string>): Promise<KinesisStreamEvent>;
  invoke(event: KinesisStreamEvent): Promise<Invocation>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  /** Start dynalite and run this before the handler is imported, e.g. to create tables. */
  readonly dynamo?: (dynamo: Dynalite) => Promise<void>;
  /** Extra handler environment, given the emulators (e.g. table names, feature switches). */
  readonly environment?: (dynamo?: Dynalite) => Record<string, string>;
}

export async function startHandlerHarness(options: HarnessOptions = {}): Promise<HandlerHarness> {
  const savedEnv = { ...process.env };
  const [kinesis, sqs, dynamo] = await Promise.all([
    startKinesalite(),
    startSqs(),
    options.dynamo ? startDynalite() : Promise.resolve(undefined),
  ]);
  const inputArn = await kinesis.createStream(INPUT_STREAM, 1);
  // One output shard, so the stream's order is the order the handler published in.
  await kinesis.createStream(OUTPUT_STREAM, 1);
  const queueUrl = await sqs.createQueue('dead-letters');
  if (dynamo) {
    await options.dynamo!(dynamo);
  }
  const handler: Handler = importHandlerWith(kinesis.endpoint, OUTPUT_STREAM, {
    DEAD_LETTER_QUEUE_URL: queueUrl,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    ...(dynamo ? { AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint } : {}),
    ...options.environment?.(dynamo),
  });

  async function deliver(payloads: ReadonlyArray<Record<string, unknown> | string>): Promise<KinesisStreamEvent> {
    const before = (await kinesis.readAll(INPUT_STREAM)).length;
    for (let start = 0; start < payloads.length; start += 500) {
      await kinesis.client.send(new PutRecordsCommand({
        StreamName: INPUT_STREAM,
        Records: payloads.slice(start, start + 500).map((p, i) => ({
          Data: Buffer.from(typeof p === 'string' ? p : JSON.stringify(p)),
          PartitionKey: `producer-key-${start + i}`,
        })),
      }));
    }
    return toKinesisEvent((await kinesis.readAll(INPUT_STREAM)).slice(before), inputArn);
  }

  async function invoke(event: KinesisStreamEvent): Promise<Invocation> {
    const before = (await kinesis.readAll(OUTPUT_STREAM)).length;
    const response = await handler(event, LAMBDA_CONTEXT);
    const published = (await kinesis.readAll(OUTPUT_STREAM)).slice(before);
    const deadLetters = (await sqs.drain(queueUrl)).map((body) => JSON.parse(body) as DeadLetterMessage);
    return { response, published, deadLetters };
  }

  async function stop(): Promise<void> {
    process.env = savedEnv;
    await Promise.all([kinesis.stop(), sqs.stop(), dynamo?.stop()]);
  }

  return { kinesis, sqs, dynamo, deliver, invoke, stop };
}
