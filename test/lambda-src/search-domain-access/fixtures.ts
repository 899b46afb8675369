import * as http from 'node:http';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { closeEmulator, listenOnLoopback } from '../../support/emulator';

export const ENDPOINT = 'vpc-clicks-abc123.us-east-1.es.amazonaws.com';
export const OTHER_ENDPOINT = 'vpc-clicks-def456.us-east-1.es.amazonaws.com';

export const roleArn = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
export const WRITER = roleArn('clicks-firehose-delivery');
export const READER = roleArn('clicks-dashboards');
export const ADMIN = roleArn('search-admins');

export const writerRole = {
  name: 'clicks_writer',
  clusterPermissions: ['cluster_monitor', 'cluster_composite_ops'],
  indexPermissions: [{ indexPatterns: ['clicks-*'], allowedActions: ['crud', 'create_index'] }],
  backendRoles: [WRITER],
};

export const readerRole = {
  name: 'clicks_reader',
  clusterPermissions: ['cluster_composite_ops_ro'],
  indexPermissions: [{ indexPatterns: ['clicks-*'], allowedActions: ['read'] }],
  backendRoles: [READER],
};

/** The configuration a SearchDomain writes, as JSON-ready data. */
export const SAMPLE_CONFIGURATION = {
  roles: [writerRole, readerRole],
  builtInMappings: [{ role: 'all_access', backendRoles: [ADMIN] }, { role: 'security_manager', backendRoles: [ADMIN] }],
};

export function resourceProperties(configuration: unknown, endpoint = ENDPOINT): Record<string, string> {
  return {
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:search-domain-access-provider',
    Endpoint: endpoint,
    Configuration: JSON.stringify(configuration),
  };
}

const common = {
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:search-domain-access-provider',
  ResponseURL: 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/response',
  StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/clicks/5b1f4c30-0000-11ef-0000-0a1b2c3d4e5f',
  RequestId: 'b4c1d2e3-0000-4000-8000-000000000001',
  LogicalResourceId: 'SearchDomainSecurityConfiguration',
  ResourceType: 'Custom::SearchDomainSecurityConfiguration',
};

export const createEvent = (properties: Record<string, string>): CloudFormationCustomResourceEvent => ({
  ...common,
  RequestType: 'Create',
  ResourceProperties: { ...properties, ServiceToken: common.ServiceToken },
});

export const updateEvent = (
  properties: Record<string, string>,
  old: Record<string, string>,
  physicalResourceId: string,
): CloudFormationCustomResourceEvent => ({
  ...common,
  RequestType: 'Update',
  PhysicalResourceId: physicalResourceId,
  ResourceProperties: { ...properties, ServiceToken: common.ServiceToken },
  OldResourceProperties: { ...old, ServiceToken: common.ServiceToken },
});

export const deleteEvent = (properties: Record<string, string>, physicalResourceId: string): CloudFormationCustomResourceEvent => ({
  ...common,
  RequestType: 'Delete',
  PhysicalResourceId: physicalResourceId,
  ResourceProperties: { ...properties, ServiceToken: common.ServiceToken },
});

/** A request the response bucket received. */
export interface ReceivedResponse {
  readonly method: string;
  /** Path and query. */
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** How the bucket answers one request: a status and body, dropping the connection, or never answering. */
export type BucketAnswer = { readonly status: number; readonly body?: string } | 'drop' | 'hang';

export interface ResponseBucket {
  /** A stand-in for the pre-signed S3 URL of an event, with a signature in its query as the real one has. */
  readonly responseUrl: string;
  readonly received: ReceivedResponse[];
  /** The bodies received, parsed. */
  documents(): unknown[];
  close(): Promise<void>;
}

/** A local http server in place of the S3 bucket CloudFormation reads responses from; it answers 200 once `answers` run out. */
export async function startResponseBucket(answers: BucketAnswer[] = []): Promise<ResponseBucket> {
  const received: ReceivedResponse[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ method: request.method!, url: request.url!, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      const answer = answers.shift() ?? { status: 200 };
      if (answer === 'drop') {
        request.socket.destroy();
      } else if (answer !== 'hang') {
        response.writeHead(answer.status).end(answer.body ?? '');
      }
    });
  });
  const origin = await listenOnLoopback(server);
  return {
    responseUrl: `${origin}/cloudformation-response/${common.RequestId}?X-Amz-Expires=7200&X-Amz-Signature=secret-signature`,
    received,
    documents: () => received.map((r) => JSON.parse(r.body)),
    close: () => closeEmulator(server),
  };
}
