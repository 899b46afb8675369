import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, IConstruct } from 'constructs';
import { pathInStack } from '../internal/describe';
import { DEFAULTS } from '../presets/defaults';

/** Properties of a set of VPC endpoints. */
export interface ServiceEndpointsProps {
  readonly vpc: ec2.IVpc;
  /** The subnets of the interface endpoints; the gateway endpoints route for their route tables. */
  readonly vpcSubnets: ec2.SubnetSelection;
  /** Who the endpoints serve, for the security group's description. */
  readonly servedBy: string;
}

/**
 * The AWS endpoints of a VPC without a route to the internet: gateway endpoints for DynamoDB and S3 (free), and
 * interface endpoints with private DNS created on demand, one per service, reachable on 443 only from the clients
 * allowed in. One instance per VPC: two interface endpoints with private DNS for the same service clash.
 */
export class ServiceEndpoints extends Construct {
  /** HTTPS to the interface endpoints. */
  public readonly connections: ec2.Connections;
  private readonly vpc: ec2.IVpc;
  private readonly vpcSubnets: ec2.SubnetSelection;
  private readonly gatewayEndpoints: ec2.IVpcEndpoint[];
  private readonly interfaceEndpoints = new Map<string, ec2.IVpcEndpoint>();

  constructor(scope: Construct, id: string, props: ServiceEndpointsProps) {
    super(scope, id);
    this.vpc = props.vpc;
    this.vpcSubnets = props.vpcSubnets;
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `Interface endpoints of ${props.servedBy} ${pathInStack(this)}: HTTPS from the clients allowed in`,
      allowAllOutbound: false,
    });
    this.connections = new ec2.Connections({ securityGroups: [securityGroup], defaultPort: ec2.Port.tcp(DEFAULTS.network.httpsPort) });
    // A gateway service's name is com.amazonaws.<region>.<service>, with the region a token.
    this.gatewayEndpoints = DEFAULTS.network.gatewayEndpoints.map(service =>
      new ec2.GatewayVpcEndpoint(this, endpointId(service.name.split('.').pop()!), { vpc: props.vpc, service, subnets: [props.vpcSubnets] }));
  }

  /** Every endpoint created so far. */
  public get endpoints(): ec2.IVpcEndpoint[] {
    return [...this.gatewayEndpoints, ...this.interfaceEndpoints.values()];
  }

  /**
   * Lets a client reach the given services: their interface endpoints (created when missing) admit HTTPS from the
   * client's security groups. The gateway endpoints need no rule.
   *
   * @returns what the client's traffic needs, for the client to depend on: the endpoints, and the security group
   * with its rules
   */
  public allow(client: ec2.IConnectable, services: readonly ec2.InterfaceVpcEndpointAwsService[]): IConstruct[] {
    const endpoints = services.map(service => this.interfaceEndpoint(service));
    const securityGroup = this.connections.securityGroups[0];
    for (const group of client.connections.securityGroups) {
      // An ingress rule only: the client's own rules (possibly of groups the user manages) stay untouched.
      securityGroup.addIngressRule(group, ec2.Port.tcp(DEFAULTS.network.httpsPort), `HTTPS from ${group.node.path}`);
    }
    return [...this.gatewayEndpoints, ...endpoints, securityGroup];
  }

  private interfaceEndpoint(service: ec2.InterfaceVpcEndpointAwsService): ec2.IVpcEndpoint {
    const existing = this.interfaceEndpoints.get(service.shortName);
    if (existing !== undefined) {
      return existing;
    }
    const endpoint = new ec2.InterfaceVpcEndpoint(this, endpointId(service.shortName), {
      vpc: this.vpc,
      service,
      subnets: this.vpcSubnets,
      privateDnsEnabled: true,
      securityGroups: this.connections.securityGroups,
      open: false,
    });
    this.interfaceEndpoints.set(service.shortName, endpoint);
    return endpoint;
  }
}

/** `kinesis-streams` -> `KinesisStreamsEndpoint`, `ecr.api` -> `EcrApiEndpoint`: one id per service. */
function endpointId(shortName: string): string {
  return `${shortName.split(/[.-]/).map(part => part.charAt(0).toUpperCase() + part.slice(1)).join('')}Endpoint`;
}
