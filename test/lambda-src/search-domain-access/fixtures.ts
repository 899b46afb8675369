import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

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
