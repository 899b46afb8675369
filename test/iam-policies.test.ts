import { App, Stack } from 'aws-cdk-lib';
import { addExampleStacks } from '../examples/pipeline-stack';
import { iamStatementsIn, templateOf } from './support/stack';

/**
 * The actions the example stacks allow on `Resource: *`, each because AWS offers no narrower resource for it. Any other
 * action on `*` fails the test, so every new one is reviewed here.
 */
const RESOURCE_STAR_ALLOWED: Record<string, string> = {
  'xray:PutTraceSegments': 'X-Ray supports no resource-level permissions (active tracing of every function)',
  'xray:PutTelemetryRecords': 'X-Ray supports no resource-level permissions (active tracing of every function)',
  'ec2:DescribeNetworkInterfaces': 'EC2 describe actions support no resource-level permissions (functions and Firehose in a VPC)',
  'ec2:DescribeSubnets': 'EC2 describe actions support no resource-level permissions',
  'ec2:DescribeDhcpOptions': 'EC2 describe actions support no resource-level permissions (Managed Flink in a VPC)',
  'ec2:DescribeSecurityGroups': 'EC2 describe actions support no resource-level permissions',
  'ec2:DescribeVpcs': 'EC2 describe actions support no resource-level permissions',
  'ec2:DescribeVpcAttribute': 'EC2 describe actions support no resource-level permissions (Firehose in a VPC)',
  'ec2:CreateNetworkInterface': 'Firehose creates the delivery stream\'s interfaces in the domain\'s subnets as itself; its documented policy names no resources',
  'ec2:CreateNetworkInterfacePermission': 'Firehose shares the interfaces it creates; interface ids exist only after creation',
  'ec2:DeleteNetworkInterface': 'Firehose deletes the interfaces it created; interface ids exist only after creation',
  'cloudwatch:PutMetricData': 'CloudWatch metrics have no ARN; the statement is limited to one namespace by condition (Kinesis Agent)',
};

describe('IAM policies of every preset', () => {
  const app = new App();
  const statements = addExampleStacks(app).flatMap((stack: Stack) => iamStatementsIn(templateOf(stack))
    .map(statement => ({ stack: stack.stackName, statement })));
  const actionsOf = (action: string | string[]) => Array.isArray(action) ? action : [action];

  test('every stack has policies to check', () => {
    expect(new Set(statements.map(({ stack }) => stack)).size).toBe(3);
  });

  test('no wildcard actions', () => {
    const wildcards = statements.flatMap(({ stack, statement }) => actionsOf(statement.Action)
      .filter(action => action.includes('*')).map(action => `${stack}: ${action}`));
    expect(wildcards).toEqual([]);
  });

  test('Resource: * only for actions that have no narrower resource, each listed with its reason', () => {
    const onEverything = statements
      .filter(({ statement }) => (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]).includes('*'))
      .flatMap(({ stack, statement }) => actionsOf(statement.Action).map(action => ({ stack, action })));
    expect(onEverything.filter(({ action }) => RESOURCE_STAR_ALLOWED[action] === undefined)).toEqual([]);
    // Every allowance is still needed: a stale one would hide nothing, but would be read as a reviewed exception.
    expect(Object.keys(RESOURCE_STAR_ALLOWED).filter(action => !onEverything.some(found => found.action === action))).toEqual([]);
  });

  test('cloudwatch:PutMetricData on * is limited to a namespace', () => {
    const putMetricData = statements.filter(({ statement }) => actionsOf(statement.Action).includes('cloudwatch:PutMetricData'));
    expect(putMetricData.length).toBeGreaterThan(0);
    for (const { statement } of putMetricData) {
      expect(JSON.stringify((statement as { Condition?: unknown }).Condition)).toContain('cloudwatch:namespace');
    }
  });
});
