import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import {
  DataProcessingOption,
  IngestStream,
  InitialPosition,
  KinesisAgentFlow,
  KinesisAgentProducer,
  KinesisAgentProducerProps,
  LogFormat,
  PartitionKeyOption,
} from '../../src';
import { synthesizeWithNagPacks } from '../support/compliance';
import { iamStatementsIn, newStack, physicalNamesIn, templateOf } from '../support/stack';

const FLOWS: KinesisAgentFlow[] = [{ filePattern: '/var/log/app/*.log' }];

function newProducer(props: Partial<KinesisAgentProducerProps> = {}): { stack: Stack; producer: KinesisAgentProducer } {
  const stack = newStack();
  const ingest = new IngestStream(stack, 'Ingest');
  const producer = new KinesisAgentProducer(stack, 'Producer', { stream: ingest.stream, flows: FLOWS, ...props });
  return { stack, producer };
}

function producerStack(props: Partial<KinesisAgentProducerProps> = {}): { stack: Stack; producer: KinesisAgentProducer; template: Template } {
  const { stack, producer } = newProducer(props);
  return { stack, producer, template: templateOf(stack) };
}

function onlyResource(template: Template, type: string): { logicalId: string; properties: any } {
  const found = Object.entries(template.findResources(type));
  expect(found).toHaveLength(1);
  return { logicalId: found[0][0], properties: found[0][1].Properties };
}

/** What CloudFormation makes of a string built from `Ref`s and `Fn::Join`s, given the values of the references. */
function deployed(value: unknown, refs: Record<string, string>): string {
  if (typeof value === 'string') {
    return value;
  }
  const intrinsic = value as { 'Ref'?: string; 'Fn::Join'?: [string, unknown[]] };
  if (intrinsic.Ref !== undefined && refs[intrinsic.Ref] !== undefined) {
    return refs[intrinsic.Ref];
  }
  if (intrinsic['Fn::Join'] !== undefined) {
    const [separator, parts] = intrinsic['Fn::Join'];
    return parts.map(part => deployed(part, refs)).join(separator);
  }
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}

/** The agent.json hosts receive, with the stream named `clicks` in eu-west-1. */
function deployedAgentConfig(template: Template): unknown {
  const refs = {
    'AWS::Region': 'eu-west-1',
    'AWS::URLSuffix': 'amazonaws.com',
    [onlyResource(template, 'AWS::Kinesis::Stream').logicalId]: 'clicks',
  };
  return JSON.parse(deployed(onlyResource(template, 'AWS::SSM::Parameter').properties.Value, refs));
}

describe('KinesisAgentProducer', () => {
  test('defaults: the rendered agent.json in a Standard-tier String parameter without a physical name', () => {
    const { template } = producerStack();
    const parameter = onlyResource(template, 'AWS::SSM::Parameter').properties;
    expect(parameter).toEqual({
      Type: 'String',
      Tier: 'Standard',
      Description: 'Kinesis Agent configuration (agent.json) of Producer',
      Value: expect.anything(),
    });
    expect(deployedAgentConfig(template)).toEqual({
      'cloudwatch.emitMetrics': true,
      'cloudwatch.endpoint': 'https://monitoring.eu-west-1.amazonaws.com',
      'kinesis.endpoint': 'https://kinesis.eu-west-1.amazonaws.com',
      'flows': [{ filePattern: '/var/log/app/*.log', kinesisStream: 'clicks', partitionKeyOption: 'RANDOM', initialPosition: 'END_OF_FILE' }],
    });
  });

  test('flows with options reach the parameter as rendered', () => {
    const { template } = producerStack({
      flows: [
        {
          filePattern: '/var/log/httpd/access_log*',
          partitionKeyOption: PartitionKeyOption.DETERMINISTIC,
          initialPosition: InitialPosition.START_OF_FILE,
          dataProcessingOptions: [DataProcessingOption.logToJson(LogFormat.COMMONAPACHELOG)],
        },
        { filePattern: '/var/log/app/*.csv', dataProcessingOptions: [DataProcessingOption.csvToJson(['id', 'amount'], ';')] },
      ],
    });
    expect(deployedAgentConfig(template)).toMatchObject({
      flows: [
        {
          filePattern: '/var/log/httpd/access_log*',
          kinesisStream: 'clicks',
          partitionKeyOption: 'DETERMINISTIC',
          initialPosition: 'START_OF_FILE',
          dataProcessingOptions: [{ optionName: 'LOGTOJSON', logFormat: 'COMMONAPACHELOG' }],
        },
        {
          filePattern: '/var/log/app/*.csv',
          kinesisStream: 'clicks',
          dataProcessingOptions: [{ optionName: 'CSVTOJSON', customFieldNames: ['id', 'amount'], delimiter: ';' }],
        },
      ],
    });
  });

  test('renderedConfig and agentConfig() are the configuration the parameter holds', () => {
    const { stack, producer, template } = producerStack();
    const parameter = onlyResource(template, 'AWS::SSM::Parameter').properties;
    expect(stack.resolve(producer.renderedConfig)).toEqual(parameter.Value);
    const config = producer.agentConfig();
    expect(stack.resolve(config.flows[0].kinesisStream)).toEqual({ Ref: onlyResource(template, 'AWS::Kinesis::Stream').logicalId });
    config.flows.push({ filePattern: '/tmp/changed' });
    expect(producer.agentConfig().flows).toHaveLength(1);
  });

  test('association: AWS-RunShellScript on the tagged hosts every 30 minutes, immediately too, no output bucket', () => {
    const { template } = producerStack();
    expect(onlyResource(template, 'AWS::SSM::Association').properties).toEqual({
      Name: 'AWS-RunShellScript',
      Targets: [{ Key: 'tag:kinesis-agent', Values: ['TestStackProducer50843DB2'] }],
      ScheduleExpression: 'rate(30 minutes)',
      ApplyOnlyAtCronInterval: false,
      Parameters: { commands: expect.any(Array) },
    });
  });

  test('association commands: install only when missing, fetch this parameter, restart only on change', () => {
    const { template } = producerStack();
    const parameterId = onlyResource(template, 'AWS::SSM::Parameter').logicalId;
    const commands: unknown[] = onlyResource(template, 'AWS::SSM::Association').properties.Parameters.commands;
    const script = commands.map(command => deployed(command, { 'AWS::Region': 'eu-west-1', [parameterId]: 'CFN-agent-config' }));
    expect(script).toEqual([
      expect.stringMatching(/^# Kinesis Agent configuration revision [0-9a-f]{16}$/),
      'set -eu',
      'if ! rpm -q aws-kinesis-agent >/dev/null 2>&1; then',
      '  if command -v dnf >/dev/null 2>&1; then dnf install -y aws-kinesis-agent; else yum install -y aws-kinesis-agent; fi',
      'fi',
      'config="$(mktemp)"',
      'trap \'rm -f "$config"\' EXIT',
      'aws ssm get-parameter --name \'CFN-agent-config\' --query Parameter.Value --output text --region eu-west-1 > "$config"',
      'if cmp -s "$config" /etc/aws-kinesis/agent.json; then',
      '  systemctl enable --now aws-kinesis-agent',
      'else',
      '  install -m 0644 "$config" /etc/aws-kinesis/agent.json',
      '  systemctl enable aws-kinesis-agent && systemctl restart aws-kinesis-agent',
      'fi',
    ]);
  });

  test('a configuration change changes the association, so State Manager applies it at once', () => {
    const revisionOf = (template: Template) => onlyResource(template, 'AWS::SSM::Association').properties.Parameters.commands[0];
    const base = revisionOf(producerStack().template);
    expect(revisionOf(producerStack().template)).toEqual(base);
    expect(revisionOf(producerStack({ emitMetrics: false }).template)).not.toEqual(base);
    expect(revisionOf(producerStack({ flows: [{ filePattern: '/var/log/other.log' }] }).template)).not.toEqual(base);
  });

  test('instance role for EC2 with the SSM core policy, and an instance profile of that role', () => {
    const { template } = producerStack();
    const role = onlyResource(template, 'AWS::IAM::Role');
    expect(role.properties).toEqual({
      AssumeRolePolicyDocument: {
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' } }],
        Version: '2012-10-17',
      },
      Description: 'Instance role of the Kinesis Agent hosts of Producer',
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonSSMManagedInstanceCore']] }],
    });
    expect(onlyResource(template, 'AWS::IAM::InstanceProfile').properties).toEqual({ Roles: [{ Ref: role.logicalId }] });
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', { Roles: [{ Ref: role.logicalId }] });
  });

  test('IAM: exactly put records, a data key, the agent metrics namespace and this parameter; no wildcard actions', () => {
    const { template } = producerStack();
    const streamId = onlyResource(template, 'AWS::Kinesis::Stream').logicalId;
    const keyId = onlyResource(template, 'AWS::KMS::Key').logicalId;
    const parameterId = onlyResource(template, 'AWS::SSM::Parameter').logicalId;
    const statements = iamStatementsIn(template);
    expect(statements).toEqual([
      {
        Action: ['kinesis:PutRecord', 'kinesis:PutRecords', 'kinesis:ListShards', 'kinesis:DescribeStreamSummary'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [streamId, 'Arn'] },
      },
      { Action: 'kms:GenerateDataKey', Effect: 'Allow', Resource: { 'Fn::GetAtt': [keyId, 'Arn'] } },
      {
        Action: 'ssm:GetParameter',
        Effect: 'Allow',
        Resource: {
          'Fn::Join': ['', [
            'arn:', { Ref: 'AWS::Partition' }, ':ssm:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':parameter/', { Ref: parameterId },
          ]],
        },
      },
      {
        Action: 'cloudwatch:PutMetricData',
        Condition: { StringEquals: { 'cloudwatch:namespace': 'AWSKinesisAgent' } },
        Effect: 'Allow',
        Resource: '*',
      },
    ]);
    const actions = statements.flatMap(statement => ([] as string[]).concat(statement.Action));
    expect(actions.filter(action => action.includes('*'))).toEqual([]);
  });

  test('addEc2Metadata adds ec2:DescribeTags, which has no resource-level permissions', () => {
    const { template } = producerStack({
      flows: [{ filePattern: '/var/log/app.json', dataProcessingOptions: [DataProcessingOption.addEc2Metadata()] }],
    });
    expect(iamStatementsIn(template)).toContainEqual({ Action: 'ec2:DescribeTags', Effect: 'Allow', Resource: '*' });
    expect(iamStatementsIn(producerStack().template)).not.toContainEqual(expect.objectContaining({ Action: 'ec2:DescribeTags' }));
  });

  test('emitMetrics: false turns metrics off in agent.json and drops PutMetricData', () => {
    const { template } = producerStack({ emitMetrics: false });
    expect(deployedAgentConfig(template)).toMatchObject({ 'cloudwatch.emitMetrics': false });
    expect(iamStatementsIn(template)).not.toContainEqual(expect.objectContaining({ Action: 'cloudwatch:PutMetricData' }));
  });

  test('manageInstancesWithSsm: false leaves the role with its own policy only', () => {
    const { template } = producerStack({ manageInstancesWithSsm: false });
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  test('explicit tag and schedule', () => {
    const { producer, template } = producerStack({
      targetTagKey: 'log-shipping',
      targetTagValue: 'checkout-web',
      scheduleExpression: 'cron(0 2 ? * SUN *)',
    });
    template.hasResourceProperties('AWS::SSM::Association', {
      Targets: [{ Key: 'tag:log-shipping', Values: ['checkout-web'] }],
      ScheduleExpression: 'cron(0 2 ? * SUN *)',
    });
    expect([producer.targetTagKey, producer.targetTagValue]).toEqual(['log-shipping', 'checkout-web']);
  });

  test('the default tag value differs between producers and between stacks of one definition', () => {
    const app = new App();
    const values = ['Dev', 'Prod'].flatMap(stackName => {
      const stack = new Stack(app, stackName);
      const ingest = new IngestStream(stack, 'Ingest');
      return ['Web', 'Worker'].map(id => new KinesisAgentProducer(stack, id, { stream: ingest.stream, flows: FLOWS }).targetTagValue);
    });
    expect(new Set(values).size).toBe(4);
  });

  test('tagHosts tags an auto scaling group so that its instances carry the target tag from launch', () => {
    const { stack, producer } = newProducer();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
    const hosts = new autoscaling.AutoScalingGroup(stack, 'Hosts', {
      vpc,
      launchTemplate: new ec2.LaunchTemplate(stack, 'LaunchTemplate', {
        machineImage: ec2.MachineImage.latestAmazonLinux2023(),
        instanceType: new ec2.InstanceType('t4g.micro'),
        instanceProfile: producer.instanceProfile,
      }),
    });
    producer.tagHosts(hosts);
    templateOf(stack).hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      Tags: Match.arrayWith([{ Key: 'kinesis-agent', PropagateAtLaunch: true, Value: producer.targetTagValue }]),
    });
  });

  test('grantConfigRead gives another principal GetParameter on this parameter only', () => {
    const { stack, producer } = newProducer();
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    producer.grantConfigRead(reader);
    const template = templateOf(stack);
    const parameterId = onlyResource(template, 'AWS::SSM::Parameter').logicalId;
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Action: 'ssm:GetParameter',
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', Match.arrayWith([':parameter/', { Ref: parameterId }])] },
        }],
      },
      Roles: [{ Ref: Match.stringLikeRegexp('Reader') }],
    });
  });

  test('an unencrypted imported stream: no KMS statement', () => {
    const stack = newStack();
    const stream = kinesis.Stream.fromStreamArn(stack, 'Imported', 'arn:aws:kinesis:eu-west-1:123456789012:stream/clicks');
    new KinesisAgentProducer(stack, 'Producer', { stream, flows: FLOWS });
    const template = templateOf(stack);
    expect(iamStatementsIn(template).map(statement => statement.Action)).not.toContainEqual('kms:GenerateDataKey');
    expect(JSON.parse(deployed(onlyResource(template, 'AWS::SSM::Parameter').properties.Value, {
      'AWS::Region': 'eu-west-1', 'AWS::URLSuffix': 'amazonaws.com',
    })).flows[0].kinesisStream).toBe('clicks');
  });

  test('a configuration over 4 KB goes to the Advanced tier, counting a stream name token at its longest', () => {
    const flows = Array.from({ length: 13 }, (_, index) => ({
      filePattern: `/var/log/service-${index}/*.log`,
      dataProcessingOptions: [DataProcessingOption.logToJson(LogFormat.COMBINEDAPACHELOG)],
    }));
    const tierOf = (template: Template) => onlyResource(template, 'AWS::SSM::Parameter').properties.Tier;
    expect(tierOf(producerStack({ flows: flows.slice(0, 10) }).template)).toBe('Standard');
    expect(tierOf(producerStack({ flows }).template)).toBe('Advanced');

    const stack = newStack();
    const named = kinesis.Stream.fromStreamArn(stack, 'Imported', 'arn:aws:kinesis:eu-west-1:123456789012:stream/clicks');
    new KinesisAgentProducer(stack, 'Producer', { stream: named, flows });
    expect(tierOf(templateOf(stack))).toBe('Standard');
  });

  test('no physical names: the association\'s Name is the AWS document it runs', () => {
    const { template } = producerStack();
    const associationId = onlyResource(template, 'AWS::SSM::Association').logicalId;
    expect(physicalNamesIn(template)).toEqual([`${associationId}.Name`]);
  });

  const manyFlows = Array.from({ length: 40 }, (_, index) => ({ filePattern: `/var/log/service-${index}/*.log` }));
  test.each([
    ['no flows', { flows: [] }, 'Invalid KinesisAgentProducerProps.flows: []. Allowed: at least one flow.'],
    ['a relative file pattern', { flows: [{ filePattern: 'app.log' }] }, 'Invalid KinesisAgentProducerProps.flows[0].filePattern: "app.log". Allowed: an absolute path'],
    ['an AWS tag key', { targetTagKey: 'aws:agent' }, 'Invalid KinesisAgentProducerProps.targetTagKey: "aws:agent". Allowed: 1 to 128 letters, digits, spaces and _ . : / = + - @, not starting with "aws:".'],
    ['an empty tag key', { targetTagKey: '' }, 'Invalid KinesisAgentProducerProps.targetTagKey: "". Allowed: 1 to 128'],
    ['a tag key over 128 characters', { targetTagKey: 'k'.repeat(129) }, `Invalid KinesisAgentProducerProps.targetTagKey: "${'k'.repeat(129)}". Allowed: 1 to 128`],
    ['a tag value with a semicolon', { targetTagValue: 'web;rm' }, 'Invalid KinesisAgentProducerProps.targetTagValue: "web;rm". Allowed: 1 to 256 letters, digits, spaces and _ . : / = + - @.'],
    ['a tag value over 256 characters', { targetTagValue: 'v'.repeat(257) }, `Invalid KinesisAgentProducerProps.targetTagValue: "${'v'.repeat(257)}". Allowed: 1 to 256`],
    ['a rate under 30 minutes', { scheduleExpression: 'rate(5 minutes)' }, 'Invalid KinesisAgentProducerProps.scheduleExpression: "rate(5 minutes)". Allowed: rate(N minutes|hours|days) of at least 30 minutes, or cron(...).'],
    ['a schedule that is no expression', { scheduleExpression: 'every hour' }, 'Invalid KinesisAgentProducerProps.scheduleExpression: "every hour". Allowed: rate'],
    ['a configuration over 8 KB', { flows: manyFlows },
      'Invalid KinesisAgentProducerProps.flows: 40 flows make an agent configuration of up to 10398 bytes. Allowed: up to 8192 bytes, the Parameter Store limit; split the flows over two producers.'],
  ])('rejects %s', (_, props, message) => {
    expect(() => newProducer(props as Partial<KinesisAgentProducerProps>)).toThrow(message);
  });

  test.each(['rate(30 minutes)', 'rate(1 hour)', 'rate(2 days)', 'cron(0 */2 * * ? *)'])('accepts the schedule %s', (scheduleExpression) => {
    expect(() => newProducer({ scheduleExpression })).not.toThrow();
  });

  test('compliance: no unacknowledged finding in any of the five cdk-nag packs; each acknowledgement names one finding', () => {
    const [result] = synthesizeWithNagPacks((app: App) => {
      const stack = new Stack(app, 'AgentProducer');
      const ingest = new IngestStream(stack, 'Ingest');
      new KinesisAgentProducer(stack, 'Producer', {
        stream: ingest.stream,
        flows: [{ filePattern: '/var/log/app/*.log', dataProcessingOptions: [DataProcessingOption.logToJson(LogFormat.SYSLOG), DataProcessingOption.addEc2Metadata()] }],
      });
      return [stack];
    });
    expect(result.findings).toEqual([]);
    const producerAcknowledgements = result.acknowledgements.filter(ack => ack.path.startsWith('AgentProducer/Producer'));
    expect(producerAcknowledgements.map(ack => [ack.path, ack.rule])).toEqual([
      ['AgentProducer/Producer/Role', 'AwsSolutions-IAM5[Resource::*]'],
      ['AgentProducer/Producer/Role', 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]'],
    ]);
    for (const acknowledgement of producerAcknowledgements) {
      expect(acknowledgement.reason.length).toBeGreaterThan(60);
    }
    expect(producerAcknowledgements[0].reason).toContain('cloudwatch:namespace');
    expect(producerAcknowledgements[0].reason).toContain('ec2:DescribeTags');
  });

  test('compliance without metrics or SSM management: nothing left to acknowledge', () => {
    const [result] = synthesizeWithNagPacks((app: App) => {
      const stack = new Stack(app, 'AgentProducer');
      const ingest = new IngestStream(stack, 'Ingest');
      new KinesisAgentProducer(stack, 'Producer', { stream: ingest.stream, flows: FLOWS, emitMetrics: false, manageInstancesWithSsm: false });
      return [stack];
    });
    expect(result.findings).toEqual([]);
    expect(result.acknowledgements.filter(ack => ack.path.startsWith('AgentProducer/Producer'))).toEqual([]);
  });
});
