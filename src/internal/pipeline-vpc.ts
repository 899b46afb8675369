import { Fn, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { pathInStack } from './describe';
import { encryptedLogGroup } from './encrypted-log-group';
import { ManagedPolicyRole } from './managed-policy-role';
import { dropDefaultSecurityGroupProviderRoleDependency } from './redundant-dependencies';
import { DEFAULTS } from '../presets/defaults';

/** Properties of a pipeline's own VPC. */
export interface PipelineVpcProps {
  readonly encryptionKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
  readonly logRetention: logs.RetentionDays;
  /** Availability Zones the VPC spans. */
  readonly availabilityZones: number;
  /** The prop that asked for that many zones, for the error when the region has fewer. */
  readonly zonesProp: string;
}

/**
 * A VPC for the pipeline's components that run in one: isolated subnets only (no NAT gateway, no internet route), in
 * as many Availability Zones as asked for, with flow logs of all traffic in an encrypted log group and its default
 * security group stripped of its rules.
 */
export function pipelineVpc(scope: Construct, id: string, props: PipelineVpcProps): ec2.Vpc {
  const stack = Stack.of(scope);
  const vpc = new ec2.Vpc(scope, id, {
    availabilityZones: availabilityZones(stack, props),
    natGateways: 0,
    subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: DEFAULTS.network.subnetCidrMask }],
    // Every group of ours is explicit; a resource that lands in the default group by mistake gets no traffic at all.
    restrictDefaultSecurityGroup: true,
  });
  dropDefaultSecurityGroupProviderRoleDependency(vpc);
  const flowLogRole = new ManagedPolicyRole(vpc, 'FlowLogRole', {
    // Only flow logs of this account may use the role (the confused deputy).
    assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
    description: `Writes the flow logs of ${pathInStack(vpc)}`,
  });
  vpc.addFlowLog('FlowLog', {
    destination: ec2.FlowLogDestination.toCloudWatchLogs(encryptedLogGroup(vpc, 'FlowLogs', {
      encryptionKey: props.encryptionKey,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    }), flowLogRole),
    trafficType: ec2.FlowLogTrafficType.ALL,
  });
  return vpc;
}

/**
 * The zones of a stack whose account and region are known, from the context lookup; otherwise CloudFormation picks
 * them from the region at deployment (aws-cdk-lib would offer only two for such a stack).
 */
function availabilityZones(stack: Stack, props: PipelineVpcProps): string[] {
  const count = props.availabilityZones;
  if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) {
    return Array.from({ length: count }, (_, index) => Fn.select(index, Fn.getAzs()));
  }
  const known = stack.availabilityZones;
  if (known.length < count) {
    throw new Error(`Invalid ${props.zonesProp}: ${count} Availability Zones, but ${stack.region} offers ${known.length} to account `
      + `${stack.account} (${known.join(', ')}). Allowed: at most ${known.length}, or a vpc of your own.`);
  }
  return known.slice(0, count);
}
