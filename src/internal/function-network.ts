import { Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** How cdk-nag names the network interface pattern of a role's policy in its findings. */
const NETWORK_INTERFACES_FINDING = 'arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:network-interface/*';

/** Where a function runs in a VPC. */
export interface FunctionNetwork {
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
  readonly securityGroups: ec2.ISecurityGroup[];
}

/**
 * The permissions Lambda needs to manage a function's network interfaces, granted to the function's own role in place
 * of the AWS-managed `AWSLambdaVPCAccessExecutionRole` (which allows them on every subnet and security group):
 * `ec2:CreateNetworkInterface` only in the function's subnets and security groups.
 */
export function grantNetworkInterfaces(scope: Construct, role: iam.IRole, network: FunctionNetwork): void {
  const arn = (resource: string, resourceName: string) => Stack.of(scope).formatArn({ service: 'ec2', resource, resourceName });
  // EC2 chooses interface ids at creation, so interfaces can only be named by pattern, limited to this account and region.
  const networkInterfaces = arn('network-interface', '*');
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['ec2:CreateNetworkInterface'],
    resources: [
      networkInterfaces,
      ...network.vpc.selectSubnets(network.vpcSubnets).subnetIds.map(id => arn('subnet', id)),
      ...network.securityGroups.map(group => arn('security-group', group.securityGroupId)),
    ],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
    resources: [networkInterfaces],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'],
    resources: ['*'],
  }));
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${NETWORK_INTERFACES_FINDING}]`,
    reason: 'Lambda creates, deletes and re-addresses the function\'s network interfaces with this role, and EC2 assigns '
      + 'their ids at creation, so they can only be named by pattern: network interfaces of this account and region. '
      + 'ec2:CreateNetworkInterface is further limited to the function\'s subnets and security groups.',
  });
}

/**
 * Private subnets with a NAT route, else isolated subnets (AWS through endpoints); never public subnets.
 *
 * @param propName the prop that named the VPC, for the error
 */
export function defaultPrivateSubnets(vpc: ec2.IVpc, propName: string): ec2.SubnetSelection {
  if (vpc.privateSubnets.length > 0) {
    return { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  }
  if (vpc.isolatedSubnets.length > 0) {
    return { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  }
  throw new Error(`Invalid ${propName}: it has neither private nor isolated subnets. `
    + 'Allowed: a VPC with private subnets (with egress) or isolated subnets, or vpcSubnets that choose subnets.');
}
