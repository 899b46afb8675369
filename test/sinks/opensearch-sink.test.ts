import { Duration, Size, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import { FirehoseTransformer, IngestStream, OpenSearchIndexRotation, OpenSearchSink, OpenSearchSinkProps, SearchDomain, SearchDomainSize } from '../../src';
import { synthesizeWithNagPacks } from '../support/compliance';
import { functionEnvironment, iamStatementsIn, newStack, templateOf } from '../support/stack';

const DOMAIN_ARN = 'arn:aws:es:us-east-1:111122223333:domain/search';

function addSink(stack: Stack, options: Partial<OpenSearchSinkProps> = {}) {
  return new OpenSearchSink(stack, 'Search', {
    sourceStream: new IngestStream(stack, 'Enriched').stream,
    domain: opensearch.Domain.fromDomainAttributes(stack, 'Domain', {
      domainArn: DOMAIN_ARN,
      domainEndpoint: 'https://search-search-abc123.us-east-1.es.amazonaws.com',
    }),
    ...options,
  });
}

function sinkTemplate(options: Partial<OpenSearchSinkProps> = {}) {
  const stack = newStack();
  const sink = addSink(stack, options);
  return { stack, sink, template: templateOf(stack) };
}

describe('OpenSearchSink', () => {
  test('indexes into daily indices, retries, and keeps failed documents in an encrypted backup bucket', () => {
    const { template } = sinkTemplate();
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'KinesisStreamAsSource',
      AmazonopensearchserviceDestinationConfiguration: Match.objectLike({
        DomainARN: DOMAIN_ARN,
        IndexName: 'enriched-events',
        IndexRotationPeriod: 'OneDay',
        BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 60 },
        RetryOptions: { DurationInSeconds: 300 },
        S3BackupMode: 'FailedDocumentsOnly',
        S3Configuration: Match.objectLike({
          Prefix: 'failed/',
          CompressionFormat: 'GZIP',
          EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SearchKey'), 'Arn'] } } },
        }),
        ProcessingConfiguration: Match.objectLike({ Enabled: true }),
        CloudWatchLoggingOptions: Match.objectLike({ Enabled: true }),
        VpcConfiguration: Match.absent(),
      }),
    });
    // Bulk requests take one document per record: the transformer flattens but adds no newline.
    expect(functionEnvironment(template)).toMatchObject({ NEWLINE_DELIMITED: 'false' });
    expect(functionEnvironment(template).FLATTEN_NESTED).toBeUndefined();
  });

  test('delivery role: this domain, its index pattern\'s reads, the backup prefixes and the key', () => {
    const { template } = sinkTemplate();
    const statements = iamStatementsIn(template);
    expect(statements).toContainEqual(expect.objectContaining({
      Action: ['es:DescribeDomain', 'es:DescribeDomains', 'es:DescribeDomainConfig', 'es:ESHttpPost', 'es:ESHttpPut'],
      Resource: [DOMAIN_ARN, `${DOMAIN_ARN}/*`],
    }));
    expect(statements).toContainEqual(expect.objectContaining({
      Action: 'es:ESHttpGet',
      Resource: ['_all/_settings', '_cluster/stats', 'enriched-events*/_mapping', '_nodes', '_nodes/stats', '_nodes/*/stats', '_stats', 'enriched-events*/_stats', '']
        .map(path => `${DOMAIN_ARN}/${path}`),
    }));
    // Failed documents and failed transformations both land under failed/ (AmazonOpenSearchService-failed/, processing-failed/).
    const objects = statements.find(s => JSON.stringify(s.Action).includes('s3:PutObject'))!;
    expect(objects.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^SearchBucket/), 'Arn'] }, '/failed/*']] });
    expect(statements.some(s => JSON.stringify(s.Action).includes('ec2:'))).toBe(false);
  });

  test('in a VPC: network interfaces in its private subnets, behind a group that may only send HTTPS within the VPC', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const sink = addSink(stack, { network: { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } } });
    const template = templateOf(stack);
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      AmazonopensearchserviceDestinationConfiguration: Match.objectLike({
        VpcConfiguration: {
          RoleARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SearchRole'), 'Arn'] },
          SubnetIds: vpc.isolatedSubnets.map(subnet => ({ Ref: stack.getLogicalId(subnet.node.defaultChild as ec2.CfnSubnet) })),
          SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^SearchSecurityGroup'), 'GroupId'] }],
        },
      }),
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupEgress: [{ CidrIp: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Vpc'), 'CidrBlock'] }, FromPort: 443, ToPort: 443, IpProtocol: 'tcp', Description: 'HTTPS to the OpenSearch domain' }],
    });
    expect(sink.connections.securityGroups).toHaveLength(1);
    expect(iamStatementsIn(template)).toContainEqual(expect.objectContaining({
      Action: expect.arrayContaining(['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface']), Resource: '*',
    }));
  });

  test('index, rotation, retries, buffering can be chosen', () => {
    const { template } = sinkTemplate({
      indexName: 'clicks',
      indexRotation: OpenSearchIndexRotation.ONE_HOUR,
      retryDuration: Duration.seconds(7200),
      bufferingSize: Size.mebibytes(100),
      bufferingInterval: Duration.seconds(0),
    });
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      AmazonopensearchserviceDestinationConfiguration: Match.objectLike({
        IndexName: 'clicks', IndexRotationPeriod: 'OneHour', RetryOptions: { DurationInSeconds: 7200 }, BufferingHints: { SizeInMBs: 100, IntervalInSeconds: 0 },
      }),
    });
  });

  test.each([
    [{ indexName: 'Clicks' }, 'Invalid OpenSearchSinkProps.indexName: "Clicks". Allowed: lower case, without spaces'],
    [{ indexName: '_clicks' }, 'Invalid OpenSearchSinkProps.indexName: "_clicks"'],
    [{ indexName: 'a b' }, 'Invalid OpenSearchSinkProps.indexName: "a b"'],
    [{ indexName: 'x'.repeat(81) }, 'at most 80 characters'],
    [{ retryDuration: Duration.seconds(7201) }, 'Invalid OpenSearchSinkProps.retryDuration: 7201 seconds. Allowed: a whole number of seconds from 0 to 7200.'],
    [{ bufferingSize: Size.mebibytes(101) }, 'Invalid OpenSearchSinkProps.bufferingSize (MiB): 101. Allowed: an integer from 1 to 100.'],
    [{ bufferingInterval: Duration.seconds(901) }, 'Invalid OpenSearchSinkProps.bufferingInterval: 901 seconds'],
  ])('rejects %j', (options, message) => {
    expect(() => sinkTemplate(options)).toThrow(message);
  });

  test('a domain in a VPC needs the network Firehose reaches it through', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const domain = new opensearch.Domain(stack, 'OwnDomain', {
      version: opensearch.EngineVersion.OPENSEARCH_2_11, vpc, vpcSubnets: [{ subnets: [vpc.isolatedSubnets[0]] }],
    });
    expect(() => addSink(stack, { domain })).toThrow('Invalid OpenSearchSinkProps.network: none for a domain in a VPC.');
  });

  test('rejects a transformer that adds newlines, and a network without security groups', () => {
    expect(() => {
      const stack = newStack();
      addSink(stack, { transformer: new FirehoseTransformer(stack, 'Lines') });
    }).toThrow('Invalid OpenSearchSinkProps.transformer: a transformer with newlineDelimited true.');
    expect(() => {
      const stack = newStack();
      addSink(stack, { network: { vpc: new ec2.Vpc(stack, 'Vpc'), securityGroups: [] } });
    }).toThrow('Invalid OpenSearchSinkProps.network.securityGroups: 0 security groups. Allowed: 1 to 5.');
  });

  test('without a domain: a new SearchDomain in the network\'s VPC, the delivery role mapped as a writer before delivery starts', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const sink = new OpenSearchSink(stack, 'Search', {
      sourceStream: new IngestStream(stack, 'Enriched').stream,
      network: { vpc },
      newDomain: { size: SearchDomainSize.STANDARD },
      indexName: 'clicks',
    });
    const template = templateOf(stack);
    expect(sink.searchDomain).toBeInstanceOf(SearchDomain);
    template.resourceCountIs('AWS::OpenSearchService::Domain', 1);
    const [[, deliveryStream]] = Object.entries(template.findResources('AWS::KinesisFirehose::DeliveryStream'));
    const destination = deliveryStream.Properties.AmazonopensearchserviceDestinationConfiguration;
    expect(destination.DomainARN).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^SearchDomain/), 'Arn'] });
    // Firehose's interfaces sit in the domain's own subnets.
    expect(destination.VpcConfiguration.SubnetIds).toEqual(
      vpc.isolatedSubnets.slice(0, 2).map(subnet => ({ Ref: stack.getLogicalId(subnet.node.defaultChild as ec2.CfnSubnet) })));
    const [[configurationId, configuration]] = Object.entries(template.findResources('Custom::SearchDomainAccess'));
    expect(deliveryStream.DependsOn).toContain(configurationId);
    const text = JSON.stringify(configuration.Properties.Configuration);
    expect(text).toContain('clicks*');
    expect(text).toContain(stack.getLogicalId(sink.role.node.defaultChild as iam.CfnRole));
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 443,
      Description: 'Firehose delivery',
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SearchSecurityGroup'), 'GroupId'] },
    });
  });

  test('a domain of a SearchDomain needs no network: its VPC, subnets and writer mapping come with it', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const searchDomain = new SearchDomain(stack, 'Own', { vpc });
    const sink = addSink(stack, { domain: searchDomain.domain });
    const template = templateOf(stack);
    expect(sink.searchDomain).toBe(searchDomain);
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      AmazonopensearchserviceDestinationConfiguration: Match.objectLike({ VpcConfiguration: Match.objectLike({ SubnetIds: Match.anyValue() }) }),
    });
    const [configuration] = Object.values(template.findResources('Custom::SearchDomainAccess'));
    expect(JSON.stringify(configuration.Properties.Configuration)).toContain('enriched-events*');
  });

  test('rejects no domain without a network, and newDomain with a domain', () => {
    expect(() => {
      const stack = newStack();
      new OpenSearchSink(stack, 'Search', { sourceStream: new IngestStream(stack, 'Enriched').stream });
    }).toThrow('Invalid OpenSearchSinkProps.network: none, and no domain.');
    expect(() => sinkTemplate({ newDomain: { size: SearchDomainSize.PRODUCTION } }))
      .toThrow('Invalid OpenSearchSinkProps.newDomain: given with domain. Allowed: either an existing domain, or the shape of a new one.');
  });

  test('metrics: delivery to OpenSearch Service', () => {
    const { sink } = sinkTemplate();
    expect(sink.metricDeliverySuccess().metricName).toBe('DeliveryToAmazonOpenSearchService.Success');
    expect(sink.metricDataFreshness().metricName).toBe('DeliveryToAmazonOpenSearchService.DataFreshness');
  });

  test('a domain of the same stack, in a VPC: the role\'s findings are acknowledged for its token ARN too', () => {
    const [result] = synthesizeWithNagPacks(app => {
      const stack = new Stack(app, 'SearchInVpc');
      const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
      const domain = new opensearch.Domain(stack, 'OwnDomain', {
        version: opensearch.EngineVersion.OPENSEARCH_2_11, vpc, vpcSubnets: [{ subnets: [vpc.isolatedSubnets[0]] }],
      });
      addSink(stack, { domain, network: { vpc } });
      return [stack];
    });
    expect(result.findings.filter(f => f.path.includes('/Search/'))
      .map(f => f.rule).sort()).toEqual(['HIPAA.Security-LambdaInsideVPC', 'NIST.800.53.R5-LambdaInsideVPC', 'PCI.DSS.321-LambdaInsideVPC']);
  });

  test('no unacknowledged finding in any pack except the transformer outside a VPC', () => {
    const [result] = synthesizeWithNagPacks(app => [addSink(new Stack(app, 'Search')).node.scope as Stack]);
    expect(result.findings.map(f => f.rule).sort()).toEqual([
      'HIPAA.Security-LambdaInsideVPC', 'NIST.800.53.R5-LambdaInsideVPC', 'PCI.DSS.321-LambdaInsideVPC',
    ]);
  });
});
