import { Fn, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { pathInStack } from './describe';
import { encryptedLogGroup } from './encrypted-log-group';
import { ManagedPolicyRole } from './managed-policy-role';

/** Properties of a pipeline's own VPC. */
export interface PipelineVpcProps {
  readonly encryptionKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
  readonly logRetention: logs.RetentionDays;
  /** Availability Zones the VPC spans. */
  readonly availabilityZones: number;
}

/**
 * A VPC for the pipeline's components that run in one: isolated subnets only (no NAT gateway, no internet route), in
 * as many Availability Zones as asked for, with flow logs of all traffic in an encrypted log group.
 */
export function pipelineVpc(scope: Construct, id: string, props: PipelineVpcProps): ec2.Vpc {
  const stack = Stack.of(scope);
  // An environment-agnostic stack knows two zones by default; CloudFormation can pick more from the region itself.
  const availabilityZones = Token.isUnresolved(stack.region)
    ? Array.from({ length: props.availabilityZones }, (_, index) => Fn.select(index, Fn.getAzs()))
    : stack.availabilityZones.slice(0, props.availabilityZones);
  const vpc = new ec2.Vpc(scope, id, {
    availabilityZones,
    natGateways: 0,
    subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 20 }],
    // aws-cdk-lib closes the default group with a Lambda-backed custom resource; nothing here uses that group.
    restrictDefaultSecurityGroup: false,
  });
  const flowLogRole = new ManagedPolicyRole(vpc, 'FlowLogRole', {
    assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com'),
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
