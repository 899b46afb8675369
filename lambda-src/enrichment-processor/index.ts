import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { loadConfig } from './config';
import { PrefixMatcher } from './geo';
import { LruCache } from './lru-cache';
import { processBatch, ReferenceDeps } from './process-batch';
import { Profile } from './reference';
import { SESSION_STATE_CACHE_SIZE, SessionState } from './sessions';
import { ValkeyCache } from './shared-cache';

// Module scope runs once per execution environment: a bad configuration fails the cold start loudly,
// and warm invocations reuse the clients' connections and the reference cache.
const config = loadConfig(process.env);
const logger = new Logger();
// Namespace and service come from POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME; the function name
// tells apart processors of several pipelines in one account.
const metrics = new Metrics({ defaultDimensions: { FunctionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'local' } });
// Every client's retries are ours, because ours retry only the items that failed: SDK retries underneath would
// multiply attempts. Timeouts turn a hung connection into a retriable error instead of a Lambda timeout that
// replays the batch. HTTP/1.1 everywhere: the Kinesis client defaults to HTTP/2, which kinesalite does not speak,
// and PutRecords gains nothing from it.
const clientConfig = () => ({
  requestHandler: new NodeHttpHandler({ connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true }),
  maxAttempts: 1,
});
const client = new KinesisClient(clientConfig());
const deadLetters = new SQSClient(clientConfig());
const needsDynamo = config.reference !== undefined || config.sessions !== undefined || config.dedup !== undefined;
const dynamo = needsDynamo ? new DynamoDBClient(clientConfig()) : undefined;
const reference: ReferenceDeps | undefined = config.reference && {
  config: config.reference,
  client: dynamo!,
  cache: new LruCache<Profile>(config.reference.cacheSize, config.reference.cacheTtlSeconds * 1000, Date.now),
  // The execution role's credentials sign the IAM authentication tokens; the DynamoDB client already resolves them.
  sharedCache: config.reference.sharedCache && new ValkeyCache(config.reference.sharedCache, () => dynamo!.config.credentials()),
};

const sessionStateCache = config.sessions
  && new LruCache<SessionState>(SESSION_STATE_CACHE_SIZE, config.sessions.gapSeconds * 1000, Date.now);
const geo = config.geo && { config: config.geo, matcher: new PrefixMatcher(config.geo.prefixes) };

export async function handler(event: KinesisStreamEvent, context: Context): Promise<KinesisStreamBatchResponse> {
  logger.addContext(context);
  // Debug logs of this invocation are kept for the share set by POWERTOOLS_LOGGER_SAMPLE_RATE.
  logger.refreshSampleRateCalculation();
  try {
    return await processBatch(event.Records, {
      config,
      client,
      deadLetters,
      state: config.sessions !== undefined || config.dedup !== undefined ? dynamo : undefined,
      logger,
      metrics,
      reference,
      sessionStateCache,
      geo,
      clock: () => new Date(),
      sleep,
      random: Math.random,
    });
  } finally {
    metrics.publishStoredMetrics();
  }
}
