import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { FieldType, EnrichmentProcessor, EnrichmentProcessorOptions, IngestStream, RecordSchema } from '../../src';
import { synthesizeWithNagPacks } from '../support/compliance';
import { iamStatementsIn, newStack, processorStack, templateOf } from '../support/stack';


/** The properties of the stack's only function. */
function functionOf(template: Template) {
  return Object.values(template.findResources('AWS::Lambda::Function'))[0].Properties;
}

describe('EnrichmentProcessor', () => {
  test('function: Node.js 24 on arm64, tracing, JSON logs, reserved concurrency, the handler contract in its environment', () => {
    const { template } = processorStack();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 512,
      Timeout: 60,
      ReservedConcurrentExecutions: 100,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
      Environment: {
        Variables: {
          OUTPUT_STREAM_NAME: { Ref: Match.stringLikeRegexp('DestinationStream') },
          RECORD_SCHEMA: RecordSchema.seedEvent().toJson(),
          PARTITION_KEY_FIELD: 'user_id',
          DEAD_LETTER_QUEUE_URL: { Ref: Match.stringLikeRegexp('DeadLetterQueue') },
          POWERTOOLS_SERVICE_NAME: 'enrichment-processor',
          POWERTOOLS_LOG_LEVEL: 'INFO',
          POWERTOOLS_LOGGER_SAMPLE_RATE: '0.01',
          POWERTOOLS_METRICS_NAMESPACE: 'StreamingPipeline',
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
    expect(Object.keys(functionOf(template).Environment.Variables)).toHaveLength(9);
  });

  test('event source: the pattern\'s batch settings, partial batch responses, bisect, bounded retries, DLQ on failure', () => {
    const { template } = processorStack();
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('SourceStream'), 'Arn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 5,
      ParallelizationFactor: 4,
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 86_400,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('DeadLetterQueue'), 'Arn'] } } },
    });
  });

  test('dead-letter queue: KMS, TLS only, 14 days, 1 MiB messages for invalid records with their data', () => {
    const { template } = processorStack();
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ProcessorKey'), 'Arn'] },
      MessageRetentionPeriod: 1_209_600,
      MaximumMessageSize: 1_048_576,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
  });

  test('execution role: one customer-managed policy, no AWS-managed or inline policies, no wildcard actions', () => {
    const { template } = processorStack();
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] },
      ManagedPolicyArns: Match.absent(),
    });
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', { Roles: [{ Ref: Match.stringLikeRegexp('ProcessorRole') }] });
    const statements = iamStatementsIn(template);
    const actions = statements.flatMap(statement => ([] as string[]).concat(statement.Action));
    expect(actions.filter(action => action.includes('*'))).toEqual([]);
    expect(statements).toContainEqual(expect.objectContaining({
      Action: ['kinesis:PutRecord', 'kinesis:PutRecords', 'kinesis:ListShards', 'kinesis:DescribeStreamSummary'],
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^DestinationStream/), 'Arn'] },
    }));
    expect(statements).toContainEqual(expect.objectContaining({
      Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
    }));
    expect(statements).toContainEqual(expect.objectContaining({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] }));
  });

  test('log group: retention, encrypted with the processor key', () => {
    const { template } = processorStack();
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      RetentionInDays: 365,
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ProcessorKey'), 'Arn'] },
    });
  });

  test('explicit options win over defaults', () => {
    const { template } = processorStack({
      batchSize: 500,
      maxBatchingWindow: Duration.seconds(1),
      parallelizationFactor: 10,
      reservedConcurrentExecutions: 20,
      retryAttempts: 2,
      maxRecordAge: Duration.hours(1),
      memorySize: 1024,
      timeout: Duration.seconds(120),
      partitionKeyField: 'event_id',
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 500, MaximumBatchingWindowInSeconds: 1, ParallelizationFactor: 10, MaximumRetryAttempts: 2, MaximumRecordAgeInSeconds: 3600,
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 1024,
      Timeout: 120,
      ReservedConcurrentExecutions: 20,
      Environment: { Variables: Match.objectLike({ PARTITION_KEY_FIELD: 'event_id' }) },
    });
  });

  test('a consumer of another stream is rejected', () => {
    const stack = newStack();
    const source = new IngestStream(stack, 'Source');
    const other = new IngestStream(stack, 'Other');
    expect(() => new EnrichmentProcessor(stack, 'Processor', {
      sourceStream: source.stream,
      sourceConsumer: other.addConsumer('reader'),
      destinationStream: new IngestStream(stack, 'Destination').stream,
    })).toThrow('Invalid EnrichmentProcessorProps.sourceConsumer: it consumes another stream than sourceStream.');
  });

  test('metricIteratorAge: the stream\'s GetRecords iterator age, or the consumer\'s lag with enhanced fan-out', () => {
    const stack = newStack();
    const source = new IngestStream(stack, 'Source');
    const shared = new EnrichmentProcessor(stack, 'Shared', { sourceStream: source.stream, destinationStream: new IngestStream(stack, 'One').stream });
    const consumer = source.addConsumer('reader');
    const fanOut = new EnrichmentProcessor(stack, 'FanOut', {
      sourceStream: source.stream, sourceConsumer: consumer, destinationStream: new IngestStream(stack, 'Two').stream,
    });
    const streamName = stack.resolve(source.stream.streamName);
    expect(shared.metricIteratorAge()).toMatchObject({ namespace: 'AWS/Kinesis', metricName: 'GetRecords.IteratorAgeMilliseconds', statistic: 'Maximum' });
    expect(stack.resolve(shared.metricIteratorAge().dimensions)).toEqual({ StreamName: streamName });
    expect(fanOut.metricIteratorAge()).toMatchObject({ namespace: 'AWS/Kinesis', metricName: 'SubscribeToShardEvent.MillisBehindLatest', statistic: 'Maximum' });
    expect(stack.resolve(fanOut.metricIteratorAge().dimensions))
      .toEqual({ StreamName: streamName, ConsumerName: stack.resolve(consumer.streamConsumerName) });
    expect(fanOut.sourceConsumer).toBe(consumer);
  });

  test('normalization options reach the handler, checked against the schema', () => {
    const { template } = processorStack({
      normalization: { trimFields: ['user_id', 'page'], lowerCaseFields: ['event_type'], dropUnknownFields: true },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          NORMALIZE_TRIM_FIELDS: 'user_id,page',
          NORMALIZE_LOWERCASE_FIELDS: 'event_type',
          UNKNOWN_FIELDS: 'drop',
        }),
      },
    });
    const defaults = processorStack().template.toJSON();
    expect(JSON.stringify(defaults)).not.toMatch(/NORMALIZE_|UNKNOWN_FIELDS/);
  });

  test.each([
    [{ trimFields: ['metadata'] }, 'Invalid NormalizationOptions.trimFields: "metadata". Allowed: string or timestamp fields of the record schema (event_id, event_type, timestamp, user_id, page).'],
    [{ lowerCaseFields: ['country'] }, 'Invalid NormalizationOptions.lowerCaseFields: "country"'],
  ])('rejects normalization %j', (normalization, message) => {
    expect(() => processorStack({ normalization })).toThrow(message);
  });

  describe('outputSchema', () => {
    const described = (schema: RecordSchema) => schema.fields.map(field => `${field.name}:${field.type}`);
    const seedFields = ['event_id:string', 'event_type:string', 'timestamp:timestamp', 'user_id:string', 'page:string', 'metadata:object'];

    test('is the record schema plus processed_at when nothing else is derived', () => {
      expect(described(processorStack().processor.outputSchema)).toEqual([...seedFields, 'processed_at:timestamp']);
    });

    test('adds the profile, session_id and geo_location fields of the steps that are on, in the order the handler writes them', () => {
      const { processor } = processorStack({
        referenceData: { targetField: 'profile' },
        sessionization: {},
        geoLocation: { profileAttribute: 'country' },
      });
      expect(described(processor.outputSchema)).toEqual([
        ...seedFields, 'profile:object', 'session_id:string', 'geo_location:object', 'processed_at:timestamp',
      ]);
    });

    test('a record field the handler overwrites appears once, as the derived field', () => {
      const schema = RecordSchema.fromFields([
        { name: 'user_id', type: FieldType.STRING, required: true },
        { name: 'session_id', type: FieldType.INTEGER },
        { name: 'at', type: FieldType.TIMESTAMP, required: true },
      ]);
      const { processor } = processorStack({ recordSchema: schema, partitionKeyField: 'user_id', sessionization: { timestampField: 'at' } });
      expect(described(processor.outputSchema)).toEqual(['user_id:string', 'at:timestamp', 'session_id:string', 'processed_at:timestamp']);
    });
  });

  test('a custom schema reaches the handler', () => {
    const schema = RecordSchema.fromFields([{ name: 'device_id', type: FieldType.STRING, required: true }]);
    const { template } = processorStack({ partitionKeyField: 'device_id', recordSchema: schema });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ RECORD_SCHEMA: schema.toJson(), PARTITION_KEY_FIELD: 'device_id' }) },
    });
  });

  test.each([
    [{ batchSize: 0 }, 'Invalid EnrichmentProcessorProps.batchSize: 0. Allowed: an integer from 1 to 10000.'],
    [{ batchSize: 10_001 }, 'Invalid EnrichmentProcessorProps.batchSize: 10001'],
    [{ maxBatchingWindow: Duration.seconds(301) }, 'Invalid EnrichmentProcessorProps.maxBatchingWindow: 301 seconds. Allowed: a whole number of seconds from 0 to 300.'],
    [{ parallelizationFactor: 11 }, 'Invalid EnrichmentProcessorProps.parallelizationFactor: 11. Allowed: an integer from 1 to 10.'],
    [{ reservedConcurrentExecutions: 0 }, 'Invalid EnrichmentProcessorProps.reservedConcurrentExecutions: 0'],
    [{ retryAttempts: -1 }, 'Invalid EnrichmentProcessorProps.retryAttempts: -1'],
    [{ maxRecordAge: Duration.seconds(30) }, 'Invalid EnrichmentProcessorProps.maxRecordAge: 30 seconds. Allowed: a whole number of seconds from 60 to 604800.'],
    [{ memorySize: 64 }, 'Invalid EnrichmentProcessorProps.memorySize: 64. Allowed: an integer from 128 to 10240.'],
    [{ timeout: Duration.minutes(16) }, 'Invalid EnrichmentProcessorProps.timeout: 960 seconds. Allowed: a whole number of seconds from 1 to 900.'],
    [{ partitionKeyField: 'account_id' }, 'Invalid EnrichmentProcessorProps.partitionKeyField: "account_id". Allowed: a field of the record schema (event_id, event_type, timestamp, user_id, page, metadata).'],
  ])('rejects %j', (options, message) => {
    expect(() => processorStack(options)).toThrow(message);
  });

  test('the function code is the pre-bundled handler shipped in assets/', () => {
    const bundle = path.join(__dirname, '..', '..', 'assets', 'enrichment-processor', 'index.js');
    expect(fs.statSync(bundle).size).toBeGreaterThan(10_000);
    expect(fs.readFileSync(bundle, 'utf-8')).toContain('PutRecords');
  });

  describe('custom handler', () => {
    const pythonHandler = (environment?: Record<string, string>) => ({
      code: lambda.Code.fromInline('def handler(event, context):\n    return {"batchItemFailures": []}\n'),
      handler: 'index.handler',
      runtime: lambda.Runtime.PYTHON_3_13,
      environment,
    });
    const options: EnrichmentProcessorOptions = {
      referenceData: {},
      normalization: { trimFields: ['page'], dropUnknownFields: true },
    };
    const mappingOf = (template: Template) => Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))[0].Properties;

    test('replaces code, handler and runtime; keeps the event source mapping, role, environment and everything else', () => {
      const bundled = processorStack(options).template;
      const custom = processorStack({ ...options, customHandler: pythonHandler({ LOG_SAMPLE_RATE: '0.1' }) }).template;
      const { Code, Handler, Runtime, Environment, ...rest } = functionOf(custom);
      expect(Handler).toBe('index.handler');
      expect(Runtime).toBe('python3.13');
      expect(Code.ZipFile).toContain('batchItemFailures');
      const { Code: _code, Handler: _handler, Runtime: _runtime, Environment: bundledEnvironment, ...bundledRest } = functionOf(bundled);
      expect(rest).toEqual(bundledRest);
      expect(rest).toMatchObject({ Architectures: ['arm64'], TracingConfig: { Mode: 'Active' }, MemorySize: 512, Timeout: 60 });
      // The processor's configuration, with the custom variables after it; NODE_OPTIONS belongs to the bundled Node.js handler.
      const { NODE_OPTIONS, ...processorVariables } = bundledEnvironment.Variables;
      expect(NODE_OPTIONS).toBe('--enable-source-maps');
      expect(Environment.Variables).toEqual({ ...processorVariables, LOG_SAMPLE_RATE: '0.1' });
      expect(Object.keys(processorVariables)).toEqual(expect.arrayContaining([
        'OUTPUT_STREAM_NAME', 'RECORD_SCHEMA', 'PARTITION_KEY_FIELD', 'REFERENCE_TABLE_NAME', 'NORMALIZE_TRIM_FIELDS', 'UNKNOWN_FIELDS',
      ]));
      expect(mappingOf(custom)).toEqual(mappingOf(bundled));
      expect(iamStatementsIn(custom)).toEqual(iamStatementsIn(bundled));
      expect(custom.findResources('AWS::IAM::Role')).toEqual(bundled.findResources('AWS::IAM::Role'));
      expect(custom.findResources('AWS::Logs::LogGroup')).toEqual(bundled.findResources('AWS::Logs::LogGroup'));
    });

    test.each([
      ['a variable the processor sets', { customHandler: pythonHandler({ RECORD_SCHEMA: '{}' }) },
        'Invalid EnrichmentProcessorProps.customHandler.environment: "RECORD_SCHEMA". Allowed: variables the processor does not set '
          + '(it sets OUTPUT_STREAM_NAME, RECORD_SCHEMA, PARTITION_KEY_FIELD, DEAD_LETTER_QUEUE_URL, POWERTOOLS_SERVICE_NAME, '
          + 'POWERTOOLS_LOG_LEVEL, POWERTOOLS_LOGGER_SAMPLE_RATE, POWERTOOLS_METRICS_NAMESPACE).'],
      ['a reference variable, with reference data on', { referenceData: {}, customHandler: pythonHandler({ REFERENCE_TABLE_NAME: 'profiles' }) },
        'Invalid EnrichmentProcessorProps.customHandler.environment: "REFERENCE_TABLE_NAME"'],
      ['Runtime.FROM_IMAGE with zip code', { customHandler: { ...pythonHandler(), runtime: lambda.Runtime.FROM_IMAGE } },
        'Invalid EnrichmentProcessorProps.customHandler.runtime: FROM_IMAGE. Allowed: a runtime other than Runtime.FROM_IMAGE, because code is not a container image.'],
      ['an empty handler', { customHandler: { ...pythonHandler(), handler: ' ' } },
        'Invalid EnrichmentProcessorProps.customHandler.handler: " ". Allowed: an entry point such as index.handler, because code is not a container image.'],
    ])('rejects %s', (_case, rejected, message) => {
      expect(() => processorStack(rejected as EnrichmentProcessorOptions)).toThrow(message);
    });

    test('a container image needs Runtime.FROM_IMAGE and Handler.FROM_IMAGE, and then runs as an image on arm64', () => {
      const stack = newStack();
      const code = lambda.Code.fromEcrImage(ecr.Repository.fromRepositoryName(stack, 'Repository', 'enricher'));
      const pythonImage = { code, handler: lambda.Handler.FROM_IMAGE, runtime: lambda.Runtime.PYTHON_3_13 };
      expect(() => processorStack({ customHandler: pythonImage }, stack))
        .toThrow('Invalid EnrichmentProcessorProps.customHandler.runtime: python3.13. Allowed: Runtime.FROM_IMAGE, because code is a container image.');
      const { template } = processorStack({ customHandler: { code, handler: lambda.Handler.FROM_IMAGE, runtime: lambda.Runtime.FROM_IMAGE } });
      template.hasResourceProperties('AWS::Lambda::Function', {
        PackageType: 'Image', Architectures: ['arm64'], Handler: Match.absent(), Runtime: Match.absent(),
      });
    });
  });

  describe('VPC placement', () => {
    const serviceNamesOf = (template: Template) => Object.values(template.findResources('AWS::EC2::VPCEndpoint'))
      .map(endpoint => `${endpoint.Properties.VpcEndpointType} ${JSON.stringify(endpoint.Properties.ServiceName).replace(/.*\.([a-z0-9-]+)"\]\]\}$/, '$1')}`)
      .sort();
    function vpcStack(options: EnrichmentProcessorOptions = {}, vpcProps: ec2.VpcProps = { maxAzs: 2, natGateways: 1 }) {
      const stack = newStack();
      const vpc = new ec2.Vpc(stack, 'Vpc', vpcProps);
      return { vpc, ...processorStack({ vpc, ...options }, stack) };
    }

    test('the function runs in the private subnets with its own security group: no inbound, HTTPS outbound only', () => {
      const { vpc, stack, template } = vpcStack();
      const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
      expect(fn.Properties.VpcConfig.SubnetIds).toEqual(vpc.privateSubnets.map(subnet => stack.resolve(subnet.subnetId)));
      expect(fn.Properties.VpcConfig.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^ProcessorSecurityGroup/), 'GroupId'] }]);
      const groups = template.findResources('AWS::EC2::SecurityGroup');
      const [functionGroup] = Object.entries(groups).filter(([id]) => id.startsWith('ProcessorSecurityGroup')).map(([, group]) => group.Properties);
      expect(functionGroup.SecurityGroupIngress).toBeUndefined();
      expect(functionGroup.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })]);
      template.resourceCountIs('AWS::EC2::SecurityGroupEgress', 0);
    });

    test('endpoints: DynamoDB and S3 gateways, Kinesis and SQS interfaces with private DNS, open to the function only', () => {
      const { vpc, stack, template } = vpcStack();
      // No CloudWatch Logs endpoint: Lambda, not the function, delivers the logs.
      expect(serviceNamesOf(template)).toEqual(['Gateway dynamodb', 'Gateway s3', 'Interface kinesis-streams', 'Interface sqs']);
      const privateRouteTables = vpc.privateSubnets.map(subnet => stack.resolve(subnet.routeTable.routeTableId));
      template.allResourcesProperties('AWS::EC2::VPCEndpoint', Match.objectLike({ VpcId: stack.resolve(vpc.vpcId) }));
      for (const endpoint of Object.values(template.findResources('AWS::EC2::VPCEndpoint')).map(e => e.Properties)) {
        if (endpoint.VpcEndpointType === 'Gateway') {
          expect(endpoint.RouteTableIds).toEqual(privateRouteTables);
        } else {
          expect(endpoint).toMatchObject({
            PrivateDnsEnabled: true,
            SubnetIds: vpc.privateSubnets.map(subnet => stack.resolve(subnet.subnetId)),
            SecurityGroupIds: [{ 'Fn::GetAtt': [expect.stringMatching(/^ProcessorEndpointsSecurityGroup/), 'GroupId'] }],
          });
        }
      }
      const endpointGroupIngress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map(rule => rule.Properties);
      expect(endpointGroupIngress).toEqual([expect.objectContaining({
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/^ProcessorSecurityGroup/), 'GroupId'] },
        GroupId: { 'Fn::GetAtt': [expect.stringMatching(/^ProcessorEndpointsSecurityGroup/), 'GroupId'] },
      })]);
      // No records are read before the network path exists.
      const [mapping] = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
      expect(mapping.DependsOn).toEqual(expect.arrayContaining(Object.keys(template.findResources('AWS::EC2::VPCEndpoint'))));
    });

    test('vpcEndpoints: false creates none; the function stays in the VPC', () => {
      const { template } = vpcStack({ vpcEndpoints: false });
      template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
      template.hasResourceProperties('AWS::Lambda::Function', { VpcConfig: Match.objectLike({ SubnetIds: Match.anyValue() }) });
    });

    test('the role may manage network interfaces only in the chosen subnets, with the function\'s groups; no AWS-managed policy', () => {
      const { vpc, stack, template } = vpcStack();
      template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
      const statements = iamStatementsIn(template);
      const networkInterfaces = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':network-interface/*']] };
      const create = statements.find(statement => statement.Action === 'ec2:CreateNetworkInterface')!;
      expect(create.Resource).toEqual([
        networkInterfaces,
        ...vpc.privateSubnets.map(subnet => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':subnet/', stack.resolve(subnet.subnetId)]] })),
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':security-group/', { 'Fn::GetAtt': [expect.stringMatching(/^ProcessorSecurityGroup/), 'GroupId'] }]] },
      ]);
      expect(statements).toContainEqual(expect.objectContaining({
        Action: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'], Resource: networkInterfaces,
      }));
      expect(statements).toContainEqual(expect.objectContaining({ Action: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], Resource: '*' }));
    });

    test('given subnets and security groups are used; the endpoints admit those groups', () => {
      const stack = newStack();
      const vpc = new ec2.Vpc(stack, 'Vpc', {
        maxAzs: 2,
        natGateways: 0,
        subnetConfiguration: [
          { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
          { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
          { name: 'App', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        ],
      });
      const group = new ec2.SecurityGroup(stack, 'AppGroup', { vpc });
      const { template } = processorStack({ vpc, vpcSubnets: { subnetGroupName: 'App' }, securityGroups: [group] }, stack);
      const appSubnets = vpc.selectSubnets({ subnetGroupName: 'App' }).subnetIds.map(id => stack.resolve(id));
      template.hasResourceProperties('AWS::Lambda::Function', {
        VpcConfig: { SubnetIds: appSubnets, SecurityGroupIds: [stack.resolve(group.securityGroupId)] },
      });
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface', SubnetIds: appSubnets });
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { SourceSecurityGroupId: stack.resolve(group.securityGroupId), FromPort: 443 });
      expect(Object.keys(template.findResources('AWS::EC2::SecurityGroup')).filter(id => id.startsWith('ProcessorSecurityGroup'))).toEqual([]);
    });

    test('a VPC without private subnets with egress uses its isolated subnets', () => {
      const { vpc, stack, template } = vpcStack({}, { maxAzs: 2, subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
      template.hasResourceProperties('AWS::Lambda::Function', {
        VpcConfig: Match.objectLike({ SubnetIds: vpc.isolatedSubnets.map(subnet => stack.resolve(subnet.subnetId)) }),
      });
    });

    test('members: the endpoints and their connections, for other clients of the VPC', () => {
      const stack = newStack();
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
      const processor = new EnrichmentProcessor(stack, 'Processor', {
        sourceStream: new IngestStream(stack, 'Source').stream,
        destinationStream: new IngestStream(stack, 'Destination').stream,
        vpc,
      });
      expect(processor.vpcEndpoints).toHaveLength(4);
      processor.vpcEndpointConnections!.allowDefaultPortFrom(ec2.Peer.ipv4('10.0.0.0/24'));
      templateOf(stack).hasResourceProperties('AWS::EC2::SecurityGroup', {
        SecurityGroupIngress: [Match.objectLike({ CidrIp: '10.0.0.0/24', FromPort: 443, ToPort: 443 })],
      });
      const outside = processorStack().stack.node.findChild('Processor') as EnrichmentProcessor;
      expect(outside.vpcEndpoints).toBeUndefined();
      expect(outside.vpcEndpointConnections).toBeUndefined();
    });

    test.each([
      [{ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } }, 'Invalid EnrichmentProcessorProps.vpcSubnets: set without vpc. Allowed: only together with EnrichmentProcessorProps.vpc.'],
      [{ vpcEndpoints: false }, 'Invalid EnrichmentProcessorProps.vpcEndpoints: set without vpc.'],
    ])('rejects %j without a VPC', (options, message) => {
      expect(() => processorStack(options)).toThrow(message);
    });

    test('rejects security groups without a VPC, an empty list, and a VPC with only public subnets', () => {
      const publicOnly = { maxAzs: 2, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] };
      const stack = newStack();
      const group = new ec2.SecurityGroup(stack, 'Group', { vpc: new ec2.Vpc(stack, 'Vpc', publicOnly) });
      expect(() => processorStack({ securityGroups: [group] }, stack))
        .toThrow('Invalid EnrichmentProcessorProps.securityGroups: set without vpc.');
      expect(() => vpcStack({ securityGroups: [] })).toThrow('Invalid EnrichmentProcessorProps.securityGroups: []. Allowed: at least one security group');
      expect(() => vpcStack({}, publicOnly)).toThrow('Invalid EnrichmentProcessorProps.vpc: it has neither private nor isolated subnets.');
    });

    test('cdk-nag: the processor\'s LambdaInsideVPC findings disappear and no unacknowledged finding appears under it', () => {
      const [outside, inside] = synthesizeWithNagPacks((app: App) => [false, true].map(inVpc => {
        const stack = new Stack(app, inVpc ? 'processor-in-vpc' : 'processor-outside-vpc');
        new EnrichmentProcessor(stack, 'Processor', {
          sourceStream: new IngestStream(stack, 'Source').stream,
          destinationStream: new IngestStream(stack, 'Destination').stream,
          referenceData: {},
          vpc: inVpc ? new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 }) : undefined,
        });
        return stack;
      }));
      // The test's own VPC has findings of its own (flow logs, public subnets): only the processor's count here.
      const underProcessor = (result: typeof inside) => result.findings
        .filter(finding => finding.path.startsWith(`${result.stackName}/Processor/`))
        .map(finding => finding.rule);
      expect(underProcessor(outside).sort()).toEqual(['HIPAA.Security-LambdaInsideVPC', 'NIST.800.53.R5-LambdaInsideVPC', 'PCI.DSS.321-LambdaInsideVPC']);
      expect(underProcessor(inside)).toEqual([]);
      const acknowledgedInVpc = inside.acknowledgements.filter(ack => ack.path.startsWith(`${inside.stackName}/Processor/`)).map(ack => ack.rule);
      expect(acknowledgedInVpc).toContain('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:network-interface/*]');
    });
  });
});
