import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { dropDefaultSecurityGroupProviderRoleDependency, dropRoleDependency } from '../../src/internal/redundant-dependencies';
import { newStack, templateOf } from '../support/stack';

describe('redundant dependencies (cfn-lint W3005)', () => {
  /** The DependsOn of a function with a role policy and one more dependency, with or without dropping the role. */
  function dependsOnOfFunction(drop: boolean): string[] {
    const stack = newStack();
    const fn = new lambda.Function(stack, 'Function', {
      code: lambda.Code.fromInline('exports.handler = async () => {}'),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_22_X,
    });
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] }));
    fn.node.addDependency(new iam.Role(stack, 'Other', { assumedBy: new iam.AccountRootPrincipal() }));
    if (drop) {
      dropRoleDependency(fn);
    }
    const resource = Object.values(templateOf(stack).findResources('AWS::Lambda::Function'))[0];
    expect(resource.Properties.Role).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^FunctionServiceRole/), 'Arn'] });
    return resource.DependsOn.map((id: string) => id.replace(/[0-9A-F]{8}$/, '')).sort();
  }

  test('a function no longer depends on its role, which its Role property already references; it still waits for the role\'s policy', () => {
    expect(dependsOnOfFunction(false)).toEqual(['FunctionServiceRole', 'FunctionServiceRoleDefaultPolicy', 'Other']);
    expect(dependsOnOfFunction(true)).toEqual(['FunctionServiceRoleDefaultPolicy', 'Other']);
  });

  test('without any other dependency, DependsOn goes away', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const fn = new lambda.Function(stack, 'Function', {
      code: lambda.Code.fromInline('exports.handler = async () => {}'),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      role,
    });
    dropRoleDependency(fn);
    expect(Object.values(templateOf(stack).findResources('AWS::Lambda::Function'))[0].DependsOn).toBeUndefined();
  });

  test('the function that closes a VPC\'s default security group no longer depends on its role', () => {
    const handlerDependsOn = (drop: boolean) => {
      const stack = newStack();
      const vpc = new ec2.Vpc(stack, 'Vpc', { restrictDefaultSecurityGroup: true, natGateways: 0 });
      if (drop) {
        dropDefaultSecurityGroupProviderRoleDependency(vpc);
      }
      return Object.entries(templateOf(stack).toJSON().Resources as Record<string, { DependsOn?: string[] }>)
        .find(([id]) => id.startsWith('CustomVpcRestrictDefaultSGCustomResourceProviderHandler'))![1].DependsOn;
    };
    expect(handlerDependsOn(false)).toEqual([expect.stringMatching(/^CustomVpcRestrictDefaultSGCustomResourceProviderRole/)]);
    expect(handlerDependsOn(true)).toBeUndefined();
  });
});
