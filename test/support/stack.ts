import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EnrichmentProcessor, EnrichmentProcessorProps, IngestStream } from '../../src';

/** A fresh app with one stack, no environment: everything must synthesize offline. */
export function newStack(id = 'TestStack'): Stack {
  return new Stack(new App(), id);
}

/** The template of a stack. */
export function templateOf(stack: Stack): Template {
  return Template.fromStack(stack);
}

/** CloudFormation properties that give a resource a fixed physical name, which would collide across deployments. */
export const PHYSICAL_NAME_PROPERTIES = [
  'Name', 'StreamName', 'QueueName', 'BucketName', 'TopicName', 'FunctionName', 'LogGroupName', 'DashboardName',
  'DeliveryStreamName', 'RoleName', 'AliasName', 'AlarmName', 'PolicyName', 'DomainName',
];

/**
 * Names CloudFormation requires, or that a resource needs to refer to itself, which aws-cdk-lib or we derive from the
 * stack name and construct path: unique per stack, so they do not collide either.
 */
const DERIVED_NAMES = [
  'AWS::IAM::Policy.PolicyName', 'AWS::Logs::ResourcePolicy.PolicyName', 'AWS::CloudWatch::CompositeAlarm.AlarmName',
  'AWS::Glue::DataQualityRuleset.Name', 'AWS::Glue::SecurityConfiguration.Name',
];

/**
 * Literal physical names set in a template, as `LogicalId.Property` strings. References to other resources
 * (`Ref`, `Fn::GetAtt`) are not names of their own; names derived from the stack and path (`DERIVED_NAMES`) are exempt.
 */
export function physicalNamesIn(template: Template): string[] {
  const resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> = template.toJSON().Resources;
  return Object.entries(resources).flatMap(([logicalId, resource]) =>
    PHYSICAL_NAME_PROPERTIES
      .filter(property => typeof resource.Properties?.[property] === 'string')
      .filter(property => !DERIVED_NAMES.includes(`${resource.Type}.${property}`))
      .map(property => `${logicalId}.${property}`));
}

/** One statement of an IAM policy document. */
export interface IamStatement {
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Effect: string;
}

/** The statements of every IAM policy in a template, inline and managed. */
export function iamStatementsIn(template: Template): IamStatement[] {
  const policies = [template.findResources('AWS::IAM::Policy'), template.findResources('AWS::IAM::ManagedPolicy')];
  return policies.flatMap(found => Object.values(found)).flatMap(policy => policy.Properties.PolicyDocument.Statement);
}

/** An enrichment processor between two new streams in a new stack, and the stack's template. */
export function processorStack(options: Omit<EnrichmentProcessorProps, 'sourceStream' | 'destinationStream'> = {}, stack: Stack = newStack()) {
  const processor = new EnrichmentProcessor(stack, 'Processor', {
    ...options,
    sourceStream: new IngestStream(stack, 'Source').stream,
    destinationStream: new IngestStream(stack, 'Destination').stream,
  });
  return { stack, processor, template: templateOf(stack) };
}

/** The environment variables of the template's only function. */
export function functionEnvironment(template: Template): Record<string, unknown> {
  return Object.values(template.findResources('AWS::Lambda::Function'))[0].Properties.Environment.Variables;
}
