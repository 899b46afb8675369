import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { loadConfig } from './config';
import { LruCache } from './lru-cache';
import { processBatch, ReferenceDeps } from './process-batch';
import { Profile } from './reference';

// Module scope runs once per execution environment: a bad configuration fails the cold start loudly,
// and warm invocations reuse the clients' connections and the reference cache.
const config = loadConfig(process.env);
const logger = new Logger();
// Timeouts turn a hung connection into a retriable error instead of a Lambda timeout that replays the batch.
const requestHandler = () => new NodeHttpHandler({ connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true });
const client = new KinesisClient({
  // The Kinesis client defaults to HTTP/2, which kinesalite does not speak; PutRecords gains nothing from it.
  requestHandler: requestHandler(),
  // publishEntries owns retries because it can retry single entries; SDK retries underneath would multiply attempts.
  maxAttempts: 1,
});
const reference: ReferenceDeps | undefined = config.reference && {
  config: config.reference,
  // lookupProfiles owns retries because it can retry only the unprocessed keys.
  client: new DynamoDBClient({ requestHandler: requestHandler(), maxAttempts: 1 }),
  cache: new LruCache<Profile>(config.reference.cacheSize, config.reference.cacheTtlSeconds * 1000, Date.now),
};

export async function handler(event: KinesisStreamEvent, context: Context): Promise<KinesisStreamBatchResponse> {
  logger.addContext(context);
  return processBatch(event.Records, {
    config,
    client,
    logger,
    reference,
    clock: () => new Date(),
    sleep,
    random: Math.random,
  });
}
