import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { PipelineNetwork } from '../../src';
import { synthesizeWithNagPacks } from '../support/compliance';
import { newStack, templateOf } from '../support/stack';

/** A client of the network's endpoints: any construct with a security group in the VPC. */
function client(stack: Stack, network: PipelineNetwork, id: string): ec2.SecurityGroup {
  return new ec2.SecurityGroup(stack, id, { vpc: network.vpc, allowAllOutbound: false });
}

const serviceNamesOf = (stack: Stack) => Object.values(templateOf(stack).findResources('AWS::EC2::VPCEndpoint'))
  .map(endpoint => `${endpoint.Properties.VpcEndpointType} ${JSON.stringify(stack.resolve(endpoint.Properties.ServiceName)).split('.').pop()!.replace(/"\]\]\}$/, '')}`)
  .sort();

describe('PipelineNetwork', () => {
  test('a new VPC: isolated subnets in two zones, no route out, flow logs, the default security group closed', () => {
    const stack = newStack();
    const network = new PipelineNetwork(stack, 'Network');
    const template = templateOf(stack);
    template.resourceCountIs('AWS::EC2::Subnet', 2);
    for (const type of ['AWS::EC2::NatGateway', 'AWS::EC2::InternetGateway', 'AWS::EC2::EIP']) {
      template.resourceCountIs(type, 0);
    }
    template.hasResourceProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false });
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    template.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
    expect(network.vpcSubnets).toEqual({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED });
  });

  test('gateway endpoints from the start, on every route table of the subnets; interface endpoints only for services asked for', () => {
    const stack = newStack();
    const network = new PipelineNetwork(stack, 'Network');
    expect(serviceNamesOf(stack)).toEqual(['Gateway dynamodb', 'Gateway s3']);
    const routeTables = (network.vpc as ec2.Vpc).isolatedSubnets.map(subnet => stack.resolve(subnet.routeTable.routeTableId));
    for (const endpoint of Object.values(templateOf(stack).findResources('AWS::EC2::VPCEndpoint'))) {
      expect(endpoint.Properties.RouteTableIds).toEqual(routeTables);
    }
    expect(network.endpoints).toHaveLength(2);
  });

  test('allowAwsServices: one interface endpoint per service, private DNS, HTTPS in from each client only', () => {
    const stack = newStack();
    const network = new PipelineNetwork(stack, 'Network');
    const processor = client(stack, network, 'Processor');
    const flink = client(stack, network, 'Flink');
    const kinesis = ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS;
    const used = network.allowAwsServices(processor, [kinesis, ec2.InterfaceVpcEndpointAwsService.SQS]);
    // Both gateway endpoints, the two interface endpoints, and their security group.
    expect(used).toHaveLength(5);
    expect(network.allowAwsServices(flink, [kinesis])).toHaveLength(4);
    expect(serviceNamesOf(stack)).toEqual(['Gateway dynamodb', 'Gateway s3', 'Interface kinesis-streams', 'Interface sqs']);
    const template = templateOf(stack);
    for (const endpoint of Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }))) {
      expect(endpoint.Properties).toMatchObject({
        PrivateDnsEnabled: true,
        SecurityGroupIds: [{ 'Fn::GetAtt': [expect.stringMatching(/^NetworkEndpointsSecurityGroup/), 'GroupId'] }],
      });
      expect(endpoint.Properties.SubnetIds).toHaveLength(2);
    }
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map(rule => rule.Properties);
    expect(ingress.map(rule => [rule.FromPort, rule.ToPort, rule.SourceSecurityGroupId['Fn::GetAtt'][0].replace(/[0-9A-F]{8}$/, '')]).sort())
      .toEqual([[443, 443, 'Flink'], [443, 443, 'Processor']]);
    // The endpoints' own group sends nothing.
    const [endpointGroup] = Object.values(template.findResources('AWS::EC2::SecurityGroup', {
      Properties: { GroupDescription: Match.stringLikeRegexp('^Interface endpoints') },
    }));
    expect(endpointGroup.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32' })]);
  });

  test('services whose names end alike get endpoints of their own; the result includes the endpoints\' group, for dependencies', () => {
    const stack = newStack();
    const network = new PipelineNetwork(stack, 'Network');
    const needed = network.allowAwsServices(client(stack, network, 'Client'),
      [ec2.InterfaceVpcEndpointAwsService.ECR, ec2.InterfaceVpcEndpointAwsService.SAGEMAKER_API]);
    expect(serviceNamesOf(stack)).toEqual(['Gateway dynamodb', 'Gateway s3', 'Interface api', 'Interface api']);
    expect(needed.map(construct => construct.node.id)).toEqual(['DynamodbEndpoint', 'S3Endpoint', 'EcrApiEndpoint', 'SagemakerApiEndpoint', 'SecurityGroup']);
  });

  test('a given VPC: used as it is, without endpoints unless asked for', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Own', { maxAzs: 3, natGateways: 1 });
    const network = new PipelineNetwork(stack, 'Network', { vpc });
    expect(network.vpc).toBe(vpc);
    expect(network.vpcSubnets).toEqual({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
    expect(network.allowAwsServices(client(stack, network, 'Client'), [ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS])).toEqual([]);
    expect(network.endpointConnections).toBeUndefined();
    templateOf(stack).resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    templateOf(stack).resourceCountIs('AWS::EC2::FlowLog', 0);

    const withEndpoints = newStack('WithEndpoints');
    const isolated = new ec2.Vpc(withEndpoints, 'Own', { natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    new PipelineNetwork(withEndpoints, 'Network', { vpc: isolated, endpoints: true });
    templateOf(withEndpoints).resourceCountIs('AWS::EC2::VPCEndpoint', 2);
  });

  test('a new VPC without endpoints is rejected: its isolated subnets would reach nothing', () => {
    expect(() => new PipelineNetwork(newStack(), 'Network', { endpoints: false }))
      .toThrow('Invalid PipelineNetworkProps.endpoints: false without a vpc. Allowed: true for a new VPC');
  });

  test.each([
    [{ availabilityZones: 1 }, 'Invalid PipelineNetworkProps.availabilityZones: 1. Allowed: an integer from 2 to 6.'],
    [{ availabilityZones: 2.5 }, 'Invalid PipelineNetworkProps.availabilityZones: 2.5. Allowed: an integer from 2 to 6.'],
  ])('invalid props are named with the value and what is allowed: %p', (props, message) => {
    expect(() => new PipelineNetwork(newStack(), 'Network', props)).toThrow(message);
  });

  test('availabilityZones only for a new VPC; never public subnets', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Own', { maxAzs: 2 });
    expect(() => new PipelineNetwork(stack, 'Zones', { vpc, availabilityZones: 3 }))
      .toThrow('Invalid PipelineNetworkProps.availabilityZones: 3 with a given vpc. Allowed: only without PipelineNetworkProps.vpc');
    expect(() => new PipelineNetwork(stack, 'Public', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } }))
      .toThrow('Invalid PipelineNetworkProps.vpcSubnets: public subnets. Allowed: private or isolated subnets.');
  });

  test('the flow logs: the given key, retention and removal policy', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Given');
    new PipelineNetwork(stack, 'Network', { encryptionKey: key, flowLogRetention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    const [logGroup] = Object.values(templateOf(stack).findResources('AWS::Logs::LogGroup'));
    expect(logGroup.Properties).toMatchObject({ RetentionInDays: 30, KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^Given/), 'Arn'] } });
    expect(logGroup.DeletionPolicy).toBe('Delete');
    templateOf(stack).resourceCountIs('AWS::KMS::Key', 1);
  });

  test('three zones when asked for, from the region at deployment', () => {
    const stack = newStack();
    new PipelineNetwork(stack, 'Network', { availabilityZones: 3 });
    const zones = Object.values(templateOf(stack).findResources('AWS::EC2::Subnet')).map(subnet => subnet.Properties.AvailabilityZone);
    expect(zones).toEqual([0, 1, 2].map(index => ({ 'Fn::Select': [index, { 'Fn::GetAZs': '' }] })));
  });

  test('cdk-nag: no unacknowledged finding in any of the five packs, and no acknowledgement', () => {
    const [result] = synthesizeWithNagPacks((app: App) => {
      const stack = new Stack(app, 'network');
      const network = new PipelineNetwork(stack, 'Network');
      network.allowAwsServices(client(stack, network, 'Client'), [ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS]);
      return [stack];
    });
    expect(result.findings).toEqual([]);
    expect(result.acknowledgements.filter(ack => !ack.rule.startsWith('CloudFormation-Validate::')).map(ack => ack.rule)).toEqual([]);
  });
});
