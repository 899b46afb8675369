import { Logger } from '@aws-lambda-powertools/logger';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { CdkCustomResourceResponse, CloudFormationCustomResourceEvent } from 'aws-lambda';
import { handleEvent } from './apply';
import { createSecurityApi } from './security-api';
import { requireVar } from '../enrichment-processor/env';

// Module scope runs once per execution environment; the credential provider caches and refreshes the role's credentials.
const logger = new Logger();
const region = requireVar(process.env, 'AWS_REGION');
const credentials = defaultProvider();

/** The onEvent handler of a custom-resources Provider: applies a SearchDomain's security configuration. */
export async function handler(event: CloudFormationCustomResourceEvent): Promise<CdkCustomResourceResponse> {
  return handleEvent(event, {
    log: logger,
    connect: (connection) => createSecurityApi({ ...connection, region, credentials }),
  });
}
