import { Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DEFAULTS } from '../presets/defaults';

/** How cdk-nag names the network interface pattern of a role's policy in its findings. */
const NETWORK_INTERFACES_FINDING = 'arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:network-interface/*';

/** Where a function runs in a VPC. */
export interface FunctionNetwork {
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
  readonly securityGroups: ec2.ISecurityGroup[];
}

/** A service that places network interfaces in a VPC with a role of ours, and the EC2 actions it documents. */
export interface NetworkInterfaceUser {
  /** The service and what it places, for the acknowledgement: e.g. "Lambda" and "function". */
  readonly service: string;
  readonly subject: string;
  /** Actions on the interfaces themselves, besides creating them. */
  readonly interfaceActions: string[];
  /** Describe actions, which support no resource-level permissions. */
  readonly describeActions: string[];
}

/** Lambda, in place of the AWS-managed `AWSLambdaVPCAccessExecutionRole`, which allows all this on every subnet and group. */
export const LAMBDA_NETWORK_INTERFACES: NetworkInterfaceUser = {
  service: 'Lambda',
  subject: 'function',
  interfaceActions: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
  describeActions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'],
};

/**
 * The permissions a service needs to manage the network interfaces of what it runs in a VPC, granted to its own role:
 * `ec2:CreateNetworkInterface` only in the given subnets and security groups.
 */
export function grantNetworkInterfaces(
  scope: Construct,
  role: iam.IRole,
  network: FunctionNetwork,
  user: NetworkInterfaceUser = LAMBDA_NETWORK_INTERFACES,
): void {
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
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: user.interfaceActions, resources: [networkInterfaces] }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: user.describeActions, resources: ['*'] }));
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${NETWORK_INTERFACES_FINDING}]`,
    reason: `${user.service} creates, changes and deletes the ${user.subject}'s network interfaces with this role, and EC2 assigns `
      + 'their ids at creation, so they can only be named by pattern: network interfaces of this account and region. '
      + `ec2:CreateNetworkInterface is further limited to the ${user.subject}'s subnets and security groups.`,
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

/** Where a function (or a Flink application) runs in a VPC, as its props give it, and the security group it gets when they give none. */
export interface FunctionPlacement {
  readonly vpcSubnets?: ec2.SubnetSelection;
  readonly securityGroups?: ec2.ISecurityGroup[];
  /** The prop that named the VPC, for errors. */
  readonly vpcProp: string;
  /** The new group's description. */
  readonly groupDescription: string;
  /** Why the new group may send HTTPS anywhere; without it, the group allows no traffic at all. */
  readonly httpsEgressReason?: string;
  /** The service that manages the interfaces with the role, and what it needs. */
  readonly user?: NetworkInterfaceUser;
}

/**
 * A function's placement in `vpc`: the given subnets or the default private ones, the given security groups or a new
 * one with no inbound rule, and the permissions Lambda needs to manage the function's network interfaces with its role.
 */
export function placeFunctionInVpc(scope: Construct, role: iam.IRole, vpc: ec2.IVpc, placement: FunctionPlacement): FunctionNetwork {
  const network = {
    vpc,
    vpcSubnets: placement.vpcSubnets ?? defaultPrivateSubnets(vpc, placement.vpcProp),
    securityGroups: placement.securityGroups ?? [newFunctionSecurityGroup(scope, vpc, placement)],
  };
  grantNetworkInterfaces(scope, role, network, placement.user);
  return network;
}

/**
 * Refuses public subnets, where a component would get an address reachable from the internet.
 *
 * @param propName the prop that chose the subnets, for the error
 */
export function rejectPublicSubnets(vpc: ec2.IVpc, subnets: ec2.ISubnet[], propName: string): void {
  if (subnets.some(subnet => vpc.publicSubnets.includes(subnet))) {
    throw new Error(`Invalid ${propName}: public subnets. Allowed: private or isolated subnets.`);
  }
}

function newFunctionSecurityGroup(scope: Construct, vpc: ec2.IVpc, placement: FunctionPlacement): ec2.SecurityGroup {
  const group = new ec2.SecurityGroup(scope, 'SecurityGroup', { vpc, description: placement.groupDescription, allowAllOutbound: false });
  if (placement.httpsEgressReason !== undefined) {
    group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(DEFAULTS.network.httpsPort), placement.httpsEgressReason);
  }
  return group;
}
