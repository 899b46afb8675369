import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { ServiceEndpoints } from './service-endpoints';
import { givenOrNewKey } from '../internal/encryption-key';
import { defaultPrivateSubnets, rejectPublicSubnets } from '../internal/function-network';
import { pipelineVpc } from '../internal/pipeline-vpc';
import { validateIntegerInRange } from '../internal/validation';
import { DEFAULTS } from '../presets/defaults';

/**
 * Properties of a `PipelineNetwork`.
 */
export interface PipelineNetworkProps {
  /**
   * A VPC of your own to run the pipeline's functions, cache, search domain and Flink application in.
   *
   * @default - a new VPC: isolated subnets only (no NAT gateway, no internet gateway) in `availabilityZones` zones,
   * flow logs of all traffic, and its default security group closed
   */
  readonly vpc?: ec2.IVpc;
  /**
   * The subnets of `vpc` the pipeline's components and the interface endpoints use. Never public subnets.
   *
   * @default - the VPC's private subnets with egress, or its isolated subnets if it has none
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * How many Availability Zones a new VPC spans, from 2 to 6. Only without `vpc`.
   *
   * @default 2
   */
  readonly availabilityZones?: number;
  /**
   * Whether the network has its own VPC endpoints: gateway endpoints for DynamoDB and S3 on the route tables of
   * `vpcSubnets`, and interface endpoints with private DNS, created for the services its clients call
   * (`allowAwsServices`). Components in isolated subnets reach AWS only through these.
   *
   * Leave it false for a VPC that already has endpoints for these services (two interface endpoints with private DNS
   * for one service clash and the deployment fails) or a NAT gateway; then allow the pipeline's security groups into
   * your endpoints yourself. A new VPC always has them: without, its isolated subnets would reach nothing.
   *
   * @default - true for a new VPC, false for a given one
   */
  readonly endpoints?: boolean;
  /**
   * The customer-managed KMS key that encrypts the flow logs of a new VPC.
   *
   * @default - a new key with rotation enabled; in a `StreamingPipeline`, the pipeline's key
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * How long the flow logs of a new VPC are kept.
   *
   * @default RetentionDays.ONE_YEAR
   */
  readonly flowLogRetention?: logs.RetentionDays;
  /**
   * What happens to the flow log group and the key when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN; in a `StreamingPipeline`, the pipeline's removal policy
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Where a pipeline's components run that run in a VPC (the enrichment processor, the Firehose transformers, the
 * reference cache, a new search domain, the Flink application), and the VPC endpoints through which they reach AWS
 * without a route to the internet. One network serves every component, so each interface endpoint exists once per VPC
 * and admits HTTPS only from the security groups of the clients that call its service.
 */
export class PipelineNetwork extends Construct {
  /** The VPC. */
  public readonly vpc: ec2.IVpc;
  /** The subnets the pipeline's components and the interface endpoints use. */
  public readonly vpcSubnets: ec2.SubnetSelection;
  /**
   * HTTPS to the network's interface endpoints: allow more clients with `allowAwsServices`.
   *
   * @default - none when `endpoints` is false
   */
  public readonly endpointConnections?: ec2.Connections;
  private readonly serviceEndpoints?: ServiceEndpoints;

  constructor(scope: Construct, id: string, props: PipelineNetworkProps = {}) {
    super(scope, id);
    const prop = (name: string) => `PipelineNetworkProps.${name}`;
    if (props.vpc !== undefined && props.availabilityZones !== undefined) {
      throw new Error(`Invalid ${prop('availabilityZones')}: ${props.availabilityZones} with a given vpc. Allowed: only without ${prop('vpc')}, `
        + 'since a given VPC has the zones it has.');
    }
    if (props.vpc === undefined && props.endpoints === false) {
      throw new Error(`Invalid ${prop('endpoints')}: false without a vpc. Allowed: true for a new VPC, whose isolated subnets reach AWS only `
        + `through its endpoints; false only with a ${prop('vpc')} that has endpoints or a NAT gateway of its own.`);
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    if (props.vpc !== undefined) {
      this.vpc = props.vpc;
    } else {
      const zones = props.availabilityZones ?? DEFAULTS.network.availabilityZones;
      validateIntegerInRange(prop('availabilityZones'), zones, DEFAULTS.network.availabilityZonesRange.min, DEFAULTS.network.availabilityZonesRange.max);
      this.vpc = pipelineVpc(this, 'Vpc', {
        encryptionKey: givenOrNewKey(this, props.encryptionKey, 'the flow logs', removalPolicy),
        removalPolicy,
        logRetention: props.flowLogRetention ?? DEFAULTS.logRetention,
        availabilityZones: zones,
        zonesProp: prop('availabilityZones'),
      });
    }
    this.vpcSubnets = props.vpcSubnets ?? defaultPrivateSubnets(this.vpc, prop('vpc'));
    rejectPublicSubnets(this.vpc, this.vpc.selectSubnets(this.vpcSubnets).subnets, prop('vpcSubnets'));
    if (props.endpoints ?? props.vpc === undefined) {
      this.serviceEndpoints = new ServiceEndpoints(this, 'Endpoints', { vpc: this.vpc, vpcSubnets: this.vpcSubnets, servedBy: 'the pipeline network' });
      this.endpointConnections = this.serviceEndpoints.connections;
    }
  }

  /**
   * The network's VPC endpoints: the gateway endpoints and the interface endpoints created so far.
   */
  public get endpoints(): ec2.IVpcEndpoint[] {
    return this.serviceEndpoints?.endpoints ?? [];
  }

  /**
   * Lets a client in the VPC call the given AWS services through the network's endpoints: each service's interface
   * endpoint is created when missing and admits HTTPS from the client's security groups. DynamoDB and S3 need no
   * call: their gateway endpoints serve the whole subnets. Without endpoints (`endpoints` false) this does nothing:
   * the VPC's own endpoints or NAT gateway serve the client.
   *
   * @param client the client whose security groups are allowed in
   * @param services the services it calls, e.g. `InterfaceVpcEndpointAwsService.KINESIS_STREAMS`
   * @returns what the client's calls need, for the client to depend on: the endpoints they go through, and the
   * endpoints' security group with its rules
   */
  public allowAwsServices(client: ec2.IConnectable, services: ec2.InterfaceVpcEndpointAwsService[]): IConstruct[] {
    return this.serviceEndpoints?.allow(client, services) ?? [];
  }
}
