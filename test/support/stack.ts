import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

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
  'DeliveryStreamName', 'RoleName', 'AliasName', 'AlarmName', 'PolicyName',
];

/**
 * Literal physical names set in a template, as `LogicalId.Property` strings. References to other resources
 * (`Ref`, `Fn::GetAtt`) are not names of their own; the generated PolicyName of inline policies is exempt.
 */
export function physicalNamesIn(template: Template): string[] {
  const resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> = template.toJSON().Resources;
  return Object.entries(resources).flatMap(([logicalId, resource]) =>
    PHYSICAL_NAME_PROPERTIES
      .filter(property => typeof resource.Properties?.[property] === 'string')
      .filter(property => !(property === 'PolicyName' && resource.Type === 'AWS::IAM::Policy'))
      .map(property => `${logicalId}.${property}`));
}
