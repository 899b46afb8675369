import { Logger } from '@aws-lambda-powertools/logger';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { handleEvent } from './apply';
import { errorMessage, isDeleteOfFailedCreate, Outcome, RESPONSE_SAFETY_MARGIN_MS, responseBody, sendResponse, withDeadline } from './respond';
import { createSecurityApi } from './security-api';
import { requireVar } from '../enrichment-processor/env';

// Module scope runs once per execution environment; the credential provider caches and refreshes the role's credentials.
const logger = new Logger();
const region = requireVar(process.env, 'AWS_REGION');
const credentials = defaultProvider();

/**
 * The custom resource's handler, invoked by CloudFormation directly: applies a SearchDomain's security configuration
 * and reports the outcome to the event's ResponseURL. It resolves even when it reported a failure, because Lambda
 * retries a rejected asynchronous invocation, which would apply the event again.
 */
export async function handler(event: CloudFormationCustomResourceEvent, context: Context): Promise<void> {
  logger.addContext(context);
  const body = responseBody(event, await settle(event, context), context.logStreamName);
  try {
    await sendResponse(event.ResponseURL, body, {
      onRetry: (reason, delayMs) => logger.warn('Retrying the response to CloudFormation after a transient failure', { reason, delayMs }),
    });
  } catch (err) {
    logger.error('CloudFormation not told the outcome; it waits for the resource until its own timeout', { status: body.Status, error: errorMessage(err) });
    throw err;
  }
  logger.info('Outcome reported to CloudFormation', { status: body.Status, physicalResourceId: body.PhysicalResourceId, reason: body.Reason });
}

async function settle(event: CloudFormationCustomResourceEvent, context: Context): Promise<Outcome> {
  if (isDeleteOfFailedCreate(event)) {
    // The rollback must not fail or hang on a domain that refused the Create; what part of it was applied stays.
    logger.info('Nothing removed: this Delete rolls back a Create that failed', { physicalResourceId: event.PhysicalResourceId });
    return { status: 'SUCCESS' };
  }
  try {
    const applied = handleEvent(event, {
      log: logger,
      connect: (connection) => createSecurityApi({ ...connection, region, credentials }),
    });
    const { PhysicalResourceId, Data } = await withDeadline(applied, context.getRemainingTimeInMillis() - RESPONSE_SAFETY_MARGIN_MS);
    return { status: 'SUCCESS', physicalResourceId: PhysicalResourceId, data: Data };
  } catch (error) {
    return { status: 'FAILED', error };
  }
}
