import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@aws-lambda-powertools/logger';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { loadConfig } from './config';
import { processBatch } from './process-batch';

// Module scope runs once per execution environment: a bad configuration fails the cold start loudly,
// and warm invocations reuse the client's connections.
const config = loadConfig(process.env);
const logger = new Logger();
const client = new KinesisClient({
  // The Kinesis client defaults to HTTP/2, which kinesalite does not speak; PutRecords gains nothing from it.
  // Timeouts turn a hung connection into a retriable error instead of a Lambda timeout that replays the batch.
  requestHandler: new NodeHttpHandler({ connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true }),
  // publishEntries owns retries because it can retry single entries; SDK retries underneath would multiply attempts.
  maxAttempts: 1,
});

export async function handler(event: KinesisStreamEvent, context: Context): Promise<KinesisStreamBatchResponse> {
  logger.addContext(context);
  return processBatch(event.Records, {
    config,
    client,
    logger,
    clock: () => new Date(),
    sleep,
    random: Math.random,
  });
}
