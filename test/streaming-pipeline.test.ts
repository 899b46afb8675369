import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { StreamMode } from 'aws-cdk-lib/aws-kinesis';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DataLakeLifecycle, FlinkApplicationCode, PipelinePreset, SearchDomainSize, StreamingPipeline } from '../src';
import { newStack, physicalNamesIn, templateOf } from './support/stack';

function streamsOf(stack: Stack) {
  return Object.values(templateOf(stack).findResources('AWS::Kinesis::Stream')).map(stream => stream.Properties);
}

describe('StreamingPipeline', () => {
  test('composes every layer, all reachable as members', () => {
    const stack = newStack();
    const pipeline = new StreamingPipeline(stack, 'Pipeline');
    const template = templateOf(stack);
    template.resourceCountIs('AWS::Kinesis::Stream', 2);
    // The processor, and aws-cdk-lib's function that strips the VPC's default security group of its rules.
    template.resourceCountIs('AWS::Lambda::Function', 2);
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.resourceCountIs('AWS::KinesisFirehose::DeliveryStream', 1);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.resourceCountIs('AWS::KMS::Key', 1);
    expect(pipeline.preset).toBe(PipelinePreset.DEV);
    expect(pipeline.processor.function).toBeDefined();
    expect(pipeline.dataLake.bucket).toBeDefined();
    expect(pipeline.monitoring.iteratorAgeAlarm).toBeDefined();
  });

  test('one pipeline key encrypts streams, queue, bucket, topic, log groups, tables, the domain and the functions\' environments', () => {
    const stack = newStack();
    new StreamingPipeline(stack, 'Pipeline', { preset: PipelinePreset.PROD });
    const template = templateOf(stack);
    const keyArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^PipelineKey'), 'Arn'] };
    for (const stream of streamsOf(stack)) {
      expect(stream.StreamEncryption.KeyId['Fn::GetAtt'][0]).toMatch(/^PipelineKey/);
    }
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: keyArn });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: keyArn });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn } })] },
    });
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.allResourcesProperties('AWS::Logs::LogGroup', { KmsKeyId: keyArn });
    template.allResourcesProperties('AWS::DynamoDB::Table', { SSESpecification: Match.objectLike({ KMSMasterKeyId: keyArn }) });
    template.hasResourceProperties('AWS::OpenSearchService::Domain', { EncryptionAtRestOptions: { Enabled: true, KmsKeyId: { Ref: Match.stringLikeRegexp('^PipelineKey') } } });
    // Every function of the pipeline; aws-cdk-lib's default security group function has no environment.
    const functions = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) => !id.startsWith('CustomVpcRestrictDefaultSG'));
    expect(functions.length).toBe(3); // the processor, the OpenSearch transformer and the search domain's access function
    for (const [, fn] of functions) {
      expect(fn.Properties.KmsKeyArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^PipelineKey/), 'Arn'] });
    }
  });

  test.each([
    [PipelinePreset.DEV, { StreamModeDetails: { StreamMode: 'PROVISIONED' }, ShardCount: 1, RetentionPeriodHours: 24 }],
    [PipelinePreset.STAGING, { StreamModeDetails: { StreamMode: 'ON_DEMAND' }, RetentionPeriodHours: 72 }],
    [PipelinePreset.PROD, { StreamModeDetails: { StreamMode: 'ON_DEMAND' }, RetentionPeriodHours: 168 }],
  ])('preset %#: both streams follow the preset table', (preset, expected) => {
    const stack = newStack();
    new StreamingPipeline(stack, 'Pipeline', { preset });
    const streams = streamsOf(stack);
    expect(streams).toHaveLength(2);
    for (const stream of streams) {
      expect(stream).toMatchObject(expected);
      if (preset !== PipelinePreset.DEV) {
        expect(stream.ShardCount).toBeUndefined();
      }
    }
  });

  test.each([
    [PipelinePreset.DEV, 0],
    [PipelinePreset.STAGING, 1],
    [PipelinePreset.PROD, 1],
  ])('preset %#: the processor reads through an enhanced fan-out consumer in staging and prod', (preset, consumers) => {
    const stack = newStack();
    new StreamingPipeline(stack, 'Pipeline', { preset });
    const template = templateOf(stack);
    template.resourceCountIs('AWS::Kinesis::StreamConsumer', consumers);
    const [mapping] = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
    expect(mapping.Properties.EventSourceArn['Fn::GetAtt']).toEqual(consumers === 1
      ? [expect.stringMatching(/^PipelineIngestStreamConsumerenrichmentprocessor/), 'ConsumerARN']
      : [expect.stringMatching(/^PipelineIngestStream/), 'Arn']);
  });

  test.each([
    [PipelinePreset.DEV, 256, 60],
    [PipelinePreset.STAGING, 1024, 120],
    [PipelinePreset.PROD, 1024, 120],
  ])('preset %#: the processor\'s memory and timeout follow the preset table', (preset, memorySize, timeout) => {
    const stack = newStack();
    new StreamingPipeline(stack, 'Pipeline', { preset });
    templateOf(stack).hasResourceProperties('AWS::Lambda::Function', { MemorySize: memorySize, Timeout: timeout });
  });

  test('explicit processor memory and timeout win over the preset; a custom preset without them gets the processor defaults', () => {
    const explicit = newStack();
    new StreamingPipeline(explicit, 'Pipeline', { preset: PipelinePreset.PROD, processor: { memorySize: 2048, timeout: Duration.seconds(30) } });
    templateOf(explicit).hasResourceProperties('AWS::Lambda::Function', { MemorySize: 2048, Timeout: 30 });

    const custom = newStack();
    new StreamingPipeline(custom, 'Pipeline', {
      preset: PipelinePreset.custom('minimal', { streamMode: StreamMode.ON_DEMAND, retentionPeriod: Duration.hours(24) }),
    });
    templateOf(custom).hasResourceProperties('AWS::Lambda::Function', { MemorySize: 512, Timeout: 60 });
  });

  test('a VPC of your own: every component runs in its subnets; endpoints only when asked for', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const pipeline = new StreamingPipeline(stack, 'Pipeline', { preset: PipelinePreset.STAGING, network: { vpc } });
    const template = templateOf(stack);
    const privateSubnets = vpc.privateSubnets.map(subnet => stack.resolve(subnet.subnetId));
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.VpcConfig.SubnetIds).toEqual(privateSubnets);
    }
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    expect(pipeline.vpc).toBe(vpc);
    expect(pipeline.network.endpoints).toEqual([]);
    expect(pipeline.processor.vpcEndpoints).toBeUndefined();

    const withEndpoints = newStack('WithEndpoints');
    const isolated = new ec2.Vpc(withEndpoints, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    new StreamingPipeline(withEndpoints, 'Pipeline', { network: { vpc: isolated, endpoints: true } });
    templateOf(withEndpoints).resourceCountIs('AWS::EC2::VPCEndpoint', 4);
    // The processor (and so its event source mapping) waits for its endpoints and for the rule that lets it in.
    const [processor] = Object.values(templateOf(withEndpoints).findResources('AWS::Lambda::Function', {
      Properties: { Description: Match.stringLikeRegexp('^Validates') },
    }));
    const waitsFor = (processor.DependsOn as string[]).map(id => id.replace(/[0-9A-F]{8}$/, ''));
    expect(waitsFor).toEqual(expect.arrayContaining(['PipelineNetworkEndpointsDynamodbEndpoint', 'PipelineNetworkEndpointsS3Endpoint',
      'PipelineNetworkEndpointsKinesisStreamsEndpoint', 'PipelineNetworkEndpointsSqsEndpoint', 'PipelineNetworkEndpointsSecurityGroup']));
    expect(waitsFor.some(id => id.startsWith('PipelineNetworkEndpointsSecurityGroupfrom') && id.includes('ProcessorSecurityGroup'))).toBe(true);
  });

  test('a sink\'s transformerVpcSubnets choose the transformer\'s subnets in the pipeline\'s network', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    new StreamingPipeline(stack, 'Pipeline', {
      network: { vpc, endpoints: true },
      openSearch: {
        domain: opensearch.Domain.fromDomainEndpoint(stack, 'Search', 'https://search-x.us-east-1.es.amazonaws.com'),
        transformerVpcSubnets: { subnets: [vpc.isolatedSubnets[1]] },
      },
    });
    templateOf(stack).hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Transforms records'),
      VpcConfig: { SubnetIds: [stack.resolve(vpc.isolatedSubnets[1].subnetId)], SecurityGroupIds: Match.anyValue() },
    });
  });

  test.each([
    ['vpc', { processor: { vpc: 'VPC' } }, 'Invalid StreamingPipelineProps.processor.vpc: the pipeline runs every component in its network. '
      + 'Allowed: StreamingPipelineProps.network.vpc.'],
    ['vpcEndpoints', { processor: { vpcEndpoints: false } }, 'Invalid StreamingPipelineProps.processor.vpcEndpoints: '
      + 'the pipeline runs every component in its network. Allowed: StreamingPipelineProps.network.endpoints.'],
    ['vpcSubnets', { analytics: { vpcSubnets: {} } }, 'Invalid StreamingPipelineProps.analytics.vpcSubnets'],
    ['availabilityZones with a vpc', { network: { vpc: 'VPC', availabilityZones: 3 } }, 'Invalid PipelineNetworkProps.availabilityZones: 3 with a given vpc.'],
    ['availabilityZones', { network: { availabilityZones: 1 } }, 'Invalid PipelineNetworkProps.availabilityZones: 1.'],
  ])('a component\'s own network settings are rejected with a pointer to network: %s', (_, props, message) => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    const resolved = JSON.parse(JSON.stringify(props), (_key, value) => (value === 'VPC' ? vpc : value));
    expect(() => new StreamingPipeline(stack, 'Pipeline', resolved)).toThrow(message);
  });

  test('enhanced fan-out can be switched off in prod', () => {
    const stack = newStack();
    new StreamingPipeline(stack, 'Pipeline', { preset: PipelinePreset.PROD, enhancedFanOut: false });
    templateOf(stack).resourceCountIs('AWS::Kinesis::StreamConsumer', 0);
  });

  test.each([
    [PipelinePreset.DEV, 0],
    [PipelinePreset.STAGING, 0],
    [PipelinePreset.PROD, 1],
  ])('preset %#: HTTP ingestion is optional, and gets a WAF in prod', (preset, webAcls) => {
    const without = newStack();
    new StreamingPipeline(without, 'Pipeline', { preset });
    templateOf(without).resourceCountIs('AWS::ApiGateway::RestApi', 0);

    const stack = newStack();
    const pipeline = new StreamingPipeline(stack, 'Pipeline', { preset, httpIngestion: {} });
    const template = templateOf(stack);
    template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    template.resourceCountIs('AWS::WAFv2::WebACL', webAcls);
    expect(pipeline.httpIngestion?.webAcl !== undefined).toBe(webAcls === 1);
  });

  test('HTTP ingestion follows the pipeline: its stream, schema and partition key, and an explicit WAF choice wins', () => {
    const stack = newStack();
    new StreamingPipeline(stack, 'Pipeline', {
      preset: PipelinePreset.PROD,
      processor: { partitionKeyField: 'event_id' },
      httpIngestion: { webAcl: false },
    });
    const template = templateOf(stack);
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method'));
    const requestTemplates = JSON.stringify(methods.map(method => method.Properties.Integration?.RequestTemplates));
    expect(requestTemplates).toContain('event_id');
    expect(requestTemplates).toContain('PipelineIngestStream');
  });

  test('the Kinesis Agent producer is optional and ships to the ingest stream', () => {
    const stack = newStack();
    const pipeline = new StreamingPipeline(stack, 'Pipeline', {
      kinesisAgent: { flows: [{ filePattern: '/var/log/app/*.log' }] },
    });
    const template = templateOf(stack);
    template.resourceCountIs('AWS::SSM::Association', 1);
    template.resourceCountIs('AWS::IAM::InstanceProfile', 1);
    expect(JSON.stringify(stack.resolve(pipeline.kinesisAgent!.renderedConfig))).toContain('PipelineIngestStream');
  });

  test('explicit props win over the preset', () => {
    const stack = newStack();
    new StreamingPipeline(stack, 'Pipeline', {
      preset: PipelinePreset.DEV,
      ingestStream: { shardCount: 4, retentionPeriod: Duration.hours(48) },
      enrichedStream: { streamMode: StreamMode.ON_DEMAND },
      processor: { batchSize: 250 },
    });
    const [ingest, enriched] = streamsOf(stack);
    expect(ingest).toMatchObject({ StreamModeDetails: { StreamMode: 'PROVISIONED' }, ShardCount: 4, RetentionPeriodHours: 48 });
    // Switching the mode drops the preset's shard count, which belongs to PROVISIONED.
    expect(enriched).toMatchObject({ StreamModeDetails: { StreamMode: 'ON_DEMAND' }, RetentionPeriodHours: 24 });
    expect(enriched.ShardCount).toBeUndefined();
    templateOf(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 250 });
  });

  test.each([
    [PipelinePreset.DEV, 0, 0, 0],
    [PipelinePreset.STAGING, 2, 0, 2],
    [PipelinePreset.PROD, 3, 3, 3],
  ])('OpenSearch %#: off in dev; staging and prod index into a new domain of %p data nodes and %p masters in a VPC of %p zones', (preset, dataNodes, masters, zones) => {
    const stack = newStack();
    const pipeline = new StreamingPipeline(stack, 'Pipeline', { preset });
    const template = templateOf(stack);
    template.resourceCountIs('AWS::KinesisFirehose::DeliveryStream', dataNodes === 0 ? 1 : 2);
    template.resourceCountIs('AWS::EC2::VPC', 1);
    expect(pipeline.openSearch === undefined).toBe(dataNodes === 0);
    // Isolated subnets in two zones, or as many as the domain spans.
    template.resourceCountIs('AWS::EC2::Subnet', Math.max(2, zones));
    if (dataNodes > 0) {
      template.hasResourceProperties('AWS::OpenSearchService::Domain', {
        ClusterConfig: Match.objectLike({ InstanceCount: dataNodes, DedicatedMasterEnabled: masters > 0 }),
      });
      // No NAT gateway, flow logs of all traffic in an encrypted log group.
      template.resourceCountIs('AWS::EC2::NatGateway', 0);
      template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [Match.objectLike({
            Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          })],
        },
      });
      expect(pipeline.monitoring.node.tryFindChild('Dashboard')).toBeDefined();
    }
  });

  test('OpenSearch: explicit options win over the preset: off in prod, a given domain, a given VPC, another size', () => {
    const off = newStack();
    new StreamingPipeline(off, 'Pipeline', { preset: PipelinePreset.PROD, openSearch: { enabled: false } });
    templateOf(off).resourceCountIs('AWS::OpenSearchService::Domain', 0);

    const given = newStack('Given');
    const domain = opensearch.Domain.fromDomainAttributes(given, 'Existing', {
      domainArn: 'arn:aws:es:us-east-1:111122223333:domain/search', domainEndpoint: 'https://search-search-abc.us-east-1.es.amazonaws.com',
    });
    new StreamingPipeline(given, 'Pipeline', { preset: PipelinePreset.STAGING, openSearch: { domain } });
    templateOf(given).resourceCountIs('AWS::OpenSearchService::Domain', 0);
    // The domain is not the pipeline's, but its functions still run in the pipeline's VPC.
    templateOf(given).resourceCountIs('AWS::EC2::VPC', 1);

    const own = newStack('Own');
    const vpc = new ec2.Vpc(own, 'Network', { natGateways: 0, subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const pipeline = new StreamingPipeline(own, 'Pipeline', {
      preset: PipelinePreset.DEV,
      network: { vpc },
      openSearch: { newDomain: { size: SearchDomainSize.custom({ dataNodes: 4, dataNodeInstanceType: 'r7g.large.search' }) } },
    });
    expect(pipeline.vpc).toBe(vpc);
    templateOf(own).resourceCountIs('AWS::EC2::VPC', 1);
    templateOf(own).hasResourceProperties('AWS::OpenSearchService::Domain', {
      ClusterConfig: Match.objectLike({ InstanceCount: 4, InstanceType: 'r7g.large.search' }),
    });
  });

  test('the VPC\'s zones: from the region at deployment without an account, from the lookup with one, and an error when too few', () => {
    const regionOnly = new Stack(new App(), 'RegionOnly', { env: { region: 'eu-west-1' } });
    new StreamingPipeline(regionOnly, 'Pipeline', { preset: PipelinePreset.PROD });
    const zonesOf = (stack: Stack) => Object.values(templateOf(stack).findResources('AWS::EC2::Subnet')).map(subnet => subnet.Properties.AvailabilityZone);
    expect(zonesOf(regionOnly)).toEqual([0, 1, 2].map(index => ({ 'Fn::Select': [index, { 'Fn::GetAZs': '' }] })));

    const context = (zones: string[]) => ({ 'availability-zones:account=111122223333:region=eu-west-1': zones });
    const env = { account: '111122223333', region: 'eu-west-1' };
    const known = new Stack(new App({ context: context(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']) }), 'Known', { env });
    new StreamingPipeline(known, 'Pipeline', { preset: PipelinePreset.STAGING });
    expect(zonesOf(known)).toEqual(['eu-west-1a', 'eu-west-1b']);

    const tooFew = new Stack(new App({ context: context(['eu-west-1a', 'eu-west-1b']) }), 'TooFew', { env });
    expect(() => new StreamingPipeline(tooFew, 'Pipeline', { preset: PipelinePreset.PROD })).toThrow('Invalid PipelineNetworkProps.availabilityZones: '
      + '3 Availability Zones, but eu-west-1 offers 2 to account 111122223333 (eu-west-1a, eu-west-1b). Allowed: at most 2, or a vpc of your own.');
  });

  test.each([
    ['dev: off although code is given', PipelinePreset.DEV, {}, false],
    ['staging: off although code is given', PipelinePreset.STAGING, {}, false],
    ['prod: on when code is given', PipelinePreset.PROD, {}, true],
    ['dev with enabled: on', PipelinePreset.DEV, { enabled: true }, true],
    ['prod with enabled false: off', PipelinePreset.PROD, { enabled: false }, false],
  ])('Flink analytics, %s', (_name, preset, options, runs) => {
    const stack = newStack();
    const code = FlinkApplicationCode.fromBucket(s3.Bucket.fromBucketName(stack, 'Artifacts', 'flink-artifacts'), 'analytics.jar');
    const pipeline = new StreamingPipeline(stack, 'Pipeline', { preset, analytics: { ...options, code, parallelism: 2 } });
    const template = templateOf(stack);
    template.resourceCountIs('AWS::KinesisAnalyticsV2::Application', runs ? 1 : 0);
    expect(pipeline.analytics !== undefined).toBe(runs);
    if (runs) {
      template.hasResourceProperties('AWS::KinesisAnalyticsV2::Application', {
        ApplicationConfiguration: Match.objectLike({
          FlinkApplicationConfiguration: Match.objectLike({ ParallelismConfiguration: Match.objectLike({ Parallelism: 2 }) }),
          EnvironmentProperties: {
            PropertyGroups: [{
              PropertyGroupId: 'FlinkApplicationProperties',
              PropertyMap: Match.objectLike({ 'source.stream.name': stack.resolve(pipeline.ingestStream.stream.streamName) }),
            }],
          },
        }),
      });
    }
  });

  test('Flink analytics: prod without code runs none; enabled without code is an error', () => {
    const stack = newStack();
    expect(new StreamingPipeline(stack, 'Pipeline', { preset: PipelinePreset.PROD }).analytics).toBeUndefined();
    expect(() => new StreamingPipeline(newStack(), 'Pipeline', { analytics: { enabled: true } }))
      .toThrow('Invalid StreamingPipelineProps.analytics: enabled without code. Allowed: code (FlinkApplicationCode.fromAsset or fromBucket)');
  });

  test('no resource has a hard-coded physical name', () => {
    const stack = newStack();
    new StreamingPipeline(stack, 'Pipeline', { preset: PipelinePreset.PROD });
    expect(physicalNamesIn(templateOf(stack))).toEqual([]);
  });

  test('the data lake table has a column for every field of the enriched records', () => {
    const stack = newStack();
    new StreamingPipeline(stack, 'Pipeline', { preset: PipelinePreset.PROD });
    const [table] = Object.values(templateOf(stack).findResources('AWS::Glue::Table'));
    expect(table.Properties.TableInput.StorageDescriptor.Columns.map((column: { Name: string }) => column.Name)).toEqual([
      'event_id', 'event_type', 'event_timestamp', 'user_id', 'page', 'metadata', 'processed_at',
    ]);
  });

  test.each([
    [PipelinePreset.DEV, 30, false, undefined],
    [PipelinePreset.STAGING, 365, false, undefined],
    [PipelinePreset.PROD, 2_557, true, undefined],
    [PipelinePreset.PROD, 90, false, DataLakeLifecycle.expireAfter(Duration.days(90))],
  ])('data lake lifecycle %#: the preset\'s or the explicit one', (preset, days, tiering, lifecycle) => {
    const stack = newStack();
    new StreamingPipeline(stack, 'Pipeline', { preset, dataLake: { lifecycle } });
    const [[, bucket]] = Object.entries(templateOf(stack).findResources('AWS::S3::Bucket')).filter(([id]) => /^PipelineDataLakeBucket/.test(id));
    expect(bucket.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(days);
    expect(bucket.Properties.IntelligentTieringConfigurations !== undefined).toBe(tiering);
  });

  test('two pipelines fit in one stack', () => {
    const stack = newStack();
    new StreamingPipeline(stack, 'Clicks');
    new StreamingPipeline(stack, 'Orders');
    const template = templateOf(stack);
    template.resourceCountIs('AWS::Kinesis::Stream', 4);
    template.resourceCountIs('AWS::KinesisFirehose::DeliveryStream', 2);
    expect(physicalNamesIn(template)).toEqual([]);
  });

  test('the same app deployed twice in one account: two stacks, nothing named, so nothing collides', () => {
    const app = new App();
    const env = { account: '111111111111', region: 'us-east-1' };
    const stacks = ['PipelineBlue', 'PipelineGreen'].map(id => new Stack(app, id, { env }));
    stacks.forEach(stack => new StreamingPipeline(stack, 'Pipeline'));
    const [blue, green] = stacks.map(templateOf);
    expect(physicalNamesIn(blue)).toEqual([]);
    expect(physicalNamesIn(green)).toEqual([]);
    const typesOf = (template: Template) => Object.values(template.toJSON().Resources).map((resource: any) => resource.Type).sort();
    expect(typesOf(blue)).toEqual(typesOf(green));
  });

  test('the partition key field must be in the pipeline\'s schema', () => {
    expect(() => new StreamingPipeline(newStack(), 'Pipeline', { processor: { partitionKeyField: 'tenant' } }))
      .toThrow('Invalid EnrichmentProcessorProps.partitionKeyField: "tenant"');
  });
});
