import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ManagedPolicyRole } from '../../src/internal/managed-policy-role';
import { newStack, templateOf } from '../support/stack';

describe('ManagedPolicyRole', () => {
  test('grants land in one customer-managed policy attached to the role, never inline', () => {
    const stack = newStack();
    const role = new ManagedPolicyRole(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    new sqs.Queue(stack, 'Queue').grantSendMessages(role);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::bucket/key'] }));
    const template = templateOf(stack);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    const [policy] = Object.values(template.findResources('AWS::IAM::ManagedPolicy'));
    expect(policy.Properties.Roles).toEqual([{ Ref: stack.resolve((role.node.defaultChild as iam.CfnRole).logicalId) }]);
    expect(policy.Properties.PolicyDocument.Statement.map((statement: { Action: unknown }) => statement.Action))
      .toEqual([expect.arrayContaining(['sqs:SendMessage']), 's3:GetObject']);
  });

  test('a role without statements gets no empty policy', () => {
    const stack = newStack();
    new ManagedPolicyRole(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    templateOf(stack).resourceCountIs('AWS::IAM::ManagedPolicy', 0);
  });
});
