import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { loadConfig } from './config';
import { buildResponse } from './respond';
import { transformRecord } from './transform';

// Module scope runs once per execution environment: a bad configuration fails the cold start loudly.
const config = loadConfig(process.env);
const logger = new Logger();

// async although nothing is awaited: Lambda's Node.js runtime takes the response from a promise, not a plain return.
export async function handler(event: FirehoseTransformationEvent, context: Context): Promise<FirehoseTransformationResult> {
  logger.addContext(context);
  const { response, responseBytes, counts, failures } = buildResponse(event.records, (data) => transformRecord(data, config));
  for (const failure of failures) {
    logger.error('Record not transformed; Firehose writes its original data under processing-failed/', { ...failure });
  }
  logger.info('Records transformed', {
    deliveryStreamArn: event.deliveryStreamArn,
    invocationId: event.invocationId,
    received: event.records.length,
    ...counts,
    responseBytes,
  });
  return response;
}
