import { Fn, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import { SearchDomain, SearchDomainProps, SearchDomainSize } from '../../src';
import { synthesizeWithNagPacks } from '../support/compliance';
import { iamStatementsIn, newStack, templateOf } from '../support/stack';

function isolatedVpc(stack: Stack, zones = 3) {
  return new ec2.Vpc(stack, 'Vpc', {
    availabilityZones: Array.from({ length: zones }, (_, index) => Fn.select(index, Fn.getAzs())),
    natGateways: 0,
    subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
}

function addDomain(props: Partial<SearchDomainProps> = {}, stack = newStack()) {
  const vpc = props.vpc ?? isolatedVpc(stack);
  const searchDomain = new SearchDomain(stack, 'Search', { vpc, ...props });
  return { stack, vpc, searchDomain };
}

function domainTemplate(props: Partial<SearchDomainProps> = {}, stack = newStack()) {
  const added = addDomain(props, stack);
  return { ...added, template: templateOf(stack) };
}

type JoinPart = string | { 'Fn::GetAtt': string[] } | { Ref: string };

/** The access configuration, with each `Ref` written as `<LogicalId>` and each `Fn::GetAtt` as `<LogicalId>.<Attribute>`. */
function accessConfiguration(stack: Stack) {
  const [resource] = Object.values(templateOf(stack).findResources('Custom::SearchDomainAccess'));
  const text: string | { 'Fn::Join': [string, JoinPart[]] } = resource.Properties.Configuration;
  const render = (part: JoinPart) => typeof part === 'string' ? part : 'Ref' in part ? part.Ref : part['Fn::GetAtt'].join('.');
  return JSON.parse(typeof text === 'string' ? text : text['Fn::Join'][1].map(render).join(''));
}

/** The first block of the stack id's GUID, as the domain name ends with it. */
const STACK_ID_BLOCK = { 'Fn::Select': [0, { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] }] };

describe('SearchDomain', () => {
  test('STANDARD: two r6g.large data nodes in two zones, private, encrypted, HTTPS with TLS 1.2 PFS, fine-grained access', () => {
    const { template, vpc, stack } = domainTemplate();
    template.hasResourceProperties('AWS::OpenSearchService::Domain', {
      EngineVersion: 'OpenSearch_2.19',
      ClusterConfig: Match.objectLike({
        InstanceCount: 2,
        InstanceType: 'r6g.large.search',
        DedicatedMasterEnabled: false,
        ZoneAwarenessEnabled: true,
        ZoneAwarenessConfig: { AvailabilityZoneCount: 2 },
        MultiAZWithStandbyEnabled: false,
      }),
      EBSOptions: { EBSEnabled: true, VolumeSize: 100, VolumeType: 'gp3' },
      EncryptionAtRestOptions: { Enabled: true, KmsKeyId: Match.anyValue() },
      NodeToNodeEncryptionOptions: { Enabled: true },
      DomainEndpointOptions: { EnforceHTTPS: true, TLSSecurityPolicy: 'Policy-Min-TLS-1-2-PFS-2023-10' },
      AdvancedSecurityOptions: {
        Enabled: true,
        InternalUserDatabaseEnabled: false,
        MasterUserOptions: { MasterUserARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SearchAccessRole'), 'Arn'] } },
      },
      VPCOptions: {
        SubnetIds: vpc.isolatedSubnets.slice(0, 2).map(subnet => ({ Ref: stack.getLogicalId(subnet.node.defaultChild as ec2.CfnSubnet) })),
        SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^SearchSecurityGroup'), 'GroupId'] }],
      },
      LogPublishingOptions: {
        SEARCH_SLOW_LOGS: Match.objectLike({ Enabled: true }),
        INDEX_SLOW_LOGS: Match.objectLike({ Enabled: true }),
        ES_APPLICATION_LOGS: Match.objectLike({ Enabled: true }),
        AUDIT_LOGS: Match.objectLike({ Enabled: true }),
      },
    });
    // The domain's four logs and the configuration function's, all with the key and a retention.
    const logGroups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(logGroups).toHaveLength(5);
    for (const group of logGroups) {
      expect(group.Properties).toMatchObject({ KmsKeyId: expect.anything(), RetentionInDays: 365 });
    }
  });

  test('PRODUCTION: three r6g.xlarge data nodes in three zones, three dedicated masters, 500 GiB each', () => {
    const { template } = domainTemplate({ size: SearchDomainSize.PRODUCTION });
    template.hasResourceProperties('AWS::OpenSearchService::Domain', {
      ClusterConfig: Match.objectLike({
        InstanceCount: 3,
        InstanceType: 'r6g.xlarge.search',
        DedicatedMasterEnabled: true,
        DedicatedMasterCount: 3,
        DedicatedMasterType: 'm6g.large.search',
        ZoneAwarenessConfig: { AvailabilityZoneCount: 3 },
      }),
      EBSOptions: Match.objectLike({ VolumeSize: 500 }),
    });
  });

  test('access policy: signed requests of this account only, naming the domain by its derived name, without a custom resource', () => {
    const { template } = domainTemplate();
    const [domain] = Object.values(template.findResources('AWS::OpenSearchService::Domain'));
    const [, [readable, stackIdBlock]] = domain.Properties.DomainName['Fn::Join'];
    expect(readable).toMatch(/^search-[0-9a-f]{6}-$/);
    expect(stackIdBlock).toEqual(STACK_ID_BLOCK);
    expect(domain.Properties.AccessPolicies.Statement).toEqual([{
      Effect: 'Allow',
      Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } },
      Action: 'es:ESHttp*',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':es:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:domain/${readable}`, STACK_ID_BLOCK, '/*']] },
    }]);
    template.resourceCountIs('Custom::OpenSearchAccessPolicy', 0);
    template.resourceCountIs('Custom::CloudwatchLogResourcePolicy', 0);
    const [logsPolicy] = Object.values(template.findResources('AWS::Logs::ResourcePolicy'));
    const logsPolicyText = JSON.stringify(logsPolicy.Properties.PolicyDocument);
    for (const part of ['es.amazonaws.com', 'logs:CreateLogStream', 'logs:PutLogEvents', 'aws:SourceAccount', 'SearchAuditLogs', 'SearchSlowSearchLogs']) {
      expect(logsPolicyText).toContain(part);
    }
    // Only this domain may write to them.
    expect(logsPolicy.Properties.PolicyDocument['Fn::Join'][1]).toEqual(expect.arrayContaining([expect.stringContaining('"aws:SourceArn":"arn:'), STACK_ID_BLOCK]));
  });

  test('domain names: readable from the path, unique in the stack, at most 28 characters with the stack id block', () => {
    const stack = newStack();
    const vpc = isolatedVpc(stack);
    const ids = ['Search', 'Search-Two', '9-Lives Search Domain For Clickstream Analytics'];
    ids.forEach(id => new SearchDomain(stack, id, { vpc }));
    const readableParts = Object.values(templateOf(stack).findResources('AWS::OpenSearchService::Domain'))
      .map(domain => domain.Properties.DomainName['Fn::Join'][1][0] as string);
    expect(readableParts).toEqual([
      expect.stringMatching(/^search-[0-9a-f]{6}-$/),
      expect.stringMatching(/^search-two-[0-9a-f]{6}-$/),
      expect.stringMatching(/^lives-search-[0-9a-f]{6}-$/),
    ]);
    for (const readable of readableParts) {
      // The stack id block's eight characters follow.
      expect(readable.length + 8).toBeLessThanOrEqual(28);
    }
    expect(new Set(readableParts).size).toBe(3);
  });

  test('rejects an Elasticsearch version: the access configuration needs the OpenSearch security API', () => {
    expect(() => addDomain({ engineVersion: opensearch.EngineVersion.ELASTICSEARCH_7_10 }))
      .toThrow('Invalid SearchDomainOptions.engineVersion: "Elasticsearch_7.10". Allowed: an OpenSearch version');
    expect(() => addDomain({ engineVersion: opensearch.EngineVersion.OPENSEARCH_2_17 })).not.toThrow();
  });

  test.each([
    ['RETAIN by default: deleting the stack keeps the mappings of the domain it keeps', undefined, 'Retain'],
    ['DESTROY: removed with the domain', RemovalPolicy.DESTROY, 'Delete'],
  ])('access configuration removal, %s', (_name, removalPolicy, deletionPolicy) => {
    const { template } = domainTemplate({ removalPolicy });
    const [resource] = Object.values(template.findResources('Custom::SearchDomainAccess'));
    expect(resource.DeletionPolicy).toBe(deletionPolicy);
    expect(Object.values(template.findResources('AWS::OpenSearchService::Domain'))[0].DeletionPolicy).toBe(deletionPolicy);
  });

  test('the configuration function writes to its own log group only', () => {
    const { template, stack } = domainTemplate();
    for (const [roleId, logGroupId] of [['SearchAccessRole', 'SearchAccessFunctionLogs']]) {
      const [policy] = Object.values(template.findResources('AWS::IAM::ManagedPolicy', {
        Properties: { Roles: [{ Ref: Match.stringLikeRegexp(`^${roleId}[0-9A-F]{8}$`) }] },
      }));
      const logging = policy.Properties.PolicyDocument.Statement.filter((statement: { Action: unknown }) => JSON.stringify(statement.Action).includes('logs:'));
      expect(logging).toEqual([{
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(new RegExp(`^${logGroupId}[0-9A-F]{8}$`)), 'Arn'] },
      }]);
    }
    expect(stack.node.tryFindChild('Search')).toBeDefined();
  });

  test('no inbound rule until a client is allowed; the configuration function may reach it on 443', () => {
    const ingressRules = (stack: Stack) => Object.values(templateOf(stack).findResources('AWS::EC2::SecurityGroupIngress')).map(rule => rule.Properties);
    expect(ingressRules(addDomain().stack)).toEqual([{
      FromPort: 443,
      ToPort: 443,
      IpProtocol: 'tcp',
      Description: 'Access configuration function',
      GroupId: { 'Fn::GetAtt': [expect.stringMatching(/^SearchSecurityGroup/), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/^SearchAccessFunctionSecurityGroup/), 'GroupId'] },
    }]);
    const { searchDomain, stack, vpc } = addDomain();
    searchDomain.connections.allowDefaultPortFrom(new ec2.SecurityGroup(stack, 'Client', { vpc }));
    expect(ingressRules(stack)).toHaveLength(2);
  });

  test('the configuration function: in the domain\'s subnets, its role the master user, allowed only the security API', () => {
    const { template } = domainTemplate();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 300,
      ReservedConcurrentExecutions: 1,
      TracingConfig: { Mode: 'Active' },
      KmsKeyArn: Match.anyValue(),
      VpcConfig: Match.objectLike({ SubnetIds: Match.anyValue() }),
    });
    const statements = iamStatementsIn(template);
    const securityApi = statements.find(statement => JSON.stringify(statement.Action).includes('es:ESHttpPut'))!;
    expect(securityApi.Action).toEqual(['es:ESHttpGet', 'es:ESHttpPut', 'es:ESHttpDelete']);
    expect(JSON.stringify(securityApi.Resource)).toMatch(/_plugins\/_security\/api\/roles\/\*.*_plugins\/_security\/api\/rolesmapping\/\*/);
    expect(statements.some(statement => JSON.stringify(statement.Action).includes('es:*'))).toBe(false);
  });

  test('CloudFormation invokes the configuration function itself: no provider framework, and a route to its response URL in S3', () => {
    const { template } = domainTemplate();
    template.resourceCountIs('AWS::Lambda::Function', 1);
    const [configuration] = Object.values(template.findResources('Custom::SearchDomainAccess'));
    expect(configuration.Properties.ServiceToken).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^SearchAccessFunction/), 'Arn'] });
    // A function that cannot answer fails the stack operation within 20 minutes (its 5-minute runs, Lambda's two retries).
    expect(configuration.Properties.ServiceTimeout).toBe('1200');
    const [functionGroup] = Object.values(template.findResources('AWS::EC2::SecurityGroup', {
      Properties: { GroupDescription: Match.stringLikeRegexp('^Access configuration function') },
    }));
    expect(functionGroup.Properties.SecurityGroupEgress).toContainEqual(expect.objectContaining({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443 }));
  });

  test('mapWriterRole: one OpenSearch role per index pattern with its writers; adminRoles mapped to all_access and security_manager', () => {
    const stack = newStack();
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    const { searchDomain } = addDomain({ adminRoles: [admin] }, stack);
    const writers = ['One', 'Two', 'Three'].map(id => new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com') }));
    searchDomain.mapWriterRole(writers[0], 'clicks*');
    searchDomain.mapWriterRole(writers[1], 'clicks*');
    expect(searchDomain.mapWriterRole(writers[2], 'orders-*')).toBe(searchDomain.accessConfiguration);
    const configuration = accessConfiguration(stack);
    // Path-less role ARNs, as fine-grained access control matches them.
    const arn = (role: iam.Role) => `arn:AWS::Partition:iam::AWS::AccountId:role/${stack.getLogicalId(role.node.defaultChild as iam.CfnRole)}`;
    expect(configuration.roles).toEqual([
      {
        name: expect.stringMatching(/^index-writer-[0-9a-f]{12}$/),
        clusterPermissions: ['cluster_composite_ops', 'cluster_monitor'],
        indexPermissions: [{
          indexPatterns: ['clicks*'],
          allowedActions: ['crud', 'create_index', 'indices:admin/mapping/put', 'indices:admin/mappings/get', 'indices:monitor/stats', 'indices:monitor/settings/get'],
        }],
        backendRoles: [arn(writers[0]), arn(writers[1])],
      },
      expect.objectContaining({ indexPermissions: [expect.objectContaining({ indexPatterns: ['orders-*'] })], backendRoles: [arn(writers[2])] }),
    ]);
    expect(configuration.roles[0].name).not.toEqual(configuration.roles[1].name);
    expect(configuration.builtInMappings).toEqual([
      { role: 'all_access', backendRoles: [arn(admin)] },
      { role: 'security_manager', backendRoles: [arn(admin)] },
    ]);
  });

  test('backend roles are role ARNs without the role\'s path, also for imported roles', () => {
    const stack = newStack();
    const admin = iam.Role.fromRoleArn(stack, 'Admin', 'arn:aws:iam::123456789012:role/platform/ops/search-admin');
    const { searchDomain } = addDomain({ adminRoles: [admin] }, stack);
    searchDomain.mapWriterRole(new iam.Role(stack, 'Writer', { assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com'), path: '/delivery/' }), 'clicks*');
    const configuration = accessConfiguration(stack);
    expect(configuration.builtInMappings[0].backendRoles).toEqual(['arn:AWS::Partition:iam::123456789012:role/search-admin']);
    expect(configuration.roles[0].backendRoles).toEqual([expect.stringMatching(/^arn:AWS::Partition:iam::AWS::AccountId:role\/Writer[0-9A-F]{8}$/)]);
  });

  test('the configuration names the domain\'s endpoint and waits for both ends of the HTTPS rule', () => {
    const { template } = domainTemplate();
    const [[, resource]] = Object.entries(template.findResources('Custom::SearchDomainAccess'));
    expect(resource.Properties.Endpoint).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^SearchDomain/), 'DomainEndpoint'] });
    expect(resource.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^SearchSecurityGroup/), expect.stringMatching(/^SearchAccessFunctionSecurityGroup/)]));
  });

  test.each([
    [{ dataNodes: 0, dataNodeInstanceType: 'r6g.large.search' }, 'Invalid SearchDomainSize.custom(dataNodes): 0. Allowed: an integer from 1 to 80.'],
    [{ dataNodes: 3, dataNodeInstanceType: 'r6g.large.search' }, 'Invalid SearchDomainSize.custom(dataNodes): 3 over 2 Availability Zones. Allowed: a multiple of availabilityZones'],
    [{ dataNodes: 4, dataNodeInstanceType: 'r6g.large.search', availabilityZones: 4 }, 'Invalid SearchDomainSize.custom(availabilityZones): 4. Allowed: an integer from 1 to 3.'],
    [{ dataNodes: 2, dataNodeInstanceType: 'r6g.large.search', masterNodes: 2 }, 'Invalid SearchDomainSize.custom(masterNodes): 2. Allowed: 0, 3, 5.'],
    [{ dataNodes: 2, dataNodeInstanceType: 'r6g.large.search', masterNodeInstanceType: 'm6g.large.search' }, 'masterNodeInstanceType): given without masterNodes'],
    [{ dataNodes: 2, dataNodeInstanceType: 'r6g.large' }, 'Invalid SearchDomainSize.custom(dataNodeInstanceType): "r6g.large". Allowed: an OpenSearch Service instance type'],
    [{ dataNodes: 2, dataNodeInstanceType: 'r6g.large.search', volumeSize: Size.gibibytes(5) }, 'Invalid SearchDomainSize.custom(volumeSize (GiB)): 5. Allowed: an integer from 10 to 24576.'],
  ])('SearchDomainSize.custom rejects %j', (props, message) => {
    expect(() => SearchDomainSize.custom(props)).toThrow(message);
  });

  test('a custom size: one zone without zone awareness, five masters of a chosen type', () => {
    const size = SearchDomainSize.custom({
      dataNodes: 1, dataNodeInstanceType: 'm7g.large.search', availabilityZones: 1, masterNodes: 5, masterNodeInstanceType: 'm7g.medium.search', volumeSize: Size.gibibytes(20),
    });
    const { template } = domainTemplate({ size });
    template.hasResourceProperties('AWS::OpenSearchService::Domain', {
      ClusterConfig: Match.objectLike({ InstanceCount: 1, ZoneAwarenessEnabled: false, DedicatedMasterCount: 5, DedicatedMasterType: 'm7g.medium.search' }),
      EBSOptions: Match.objectLike({ VolumeSize: 20 }),
    });
  });

  test('rejects too few zones, public subnets, and a bad index pattern', () => {
    expect(() => {
      const stack = newStack();
      domainTemplate({ vpc: isolatedVpc(stack, 2), size: SearchDomainSize.PRODUCTION }, stack);
    }).toThrow('Invalid SearchDomainProps.vpcSubnets: subnets in 2 Availability Zones. Allowed: subnets in at least 3 Availability Zones');
    expect(() => {
      const stack = newStack();
      domainTemplate({ vpc: new ec2.Vpc(stack, 'Public', { natGateways: 0 }), vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } }, stack);
    }).toThrow('Invalid SearchDomainProps.vpcSubnets: public subnets. Allowed: private or isolated subnets.');
    const { searchDomain, stack } = addDomain();
    const role = new iam.Role(stack, 'Writer', { assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com') });
    expect(() => searchDomain.mapWriterRole(role, 'a, b')).toThrow('Invalid SearchDomain.mapWriterRole(indexPattern): "a, b".');
  });

  test.each([
    ['STANDARD', SearchDomainSize.STANDARD, ['AwsSolutions-OS4']],
    ['PRODUCTION', SearchDomainSize.PRODUCTION, []],
  ])('%s: no unacknowledged finding in any pack; no dedicated masters acknowledged only without them', (_name, size, extra) => {
    const [result] = synthesizeWithNagPacks(app => {
      const stack = new Stack(app, 'Search');
      new SearchDomain(stack, 'Search', { vpc: isolatedVpc(stack), size });
      return [stack];
    });
    expect(result.findings.filter(finding => finding.path.includes('/Search/'))).toEqual([]);
    const domainAcknowledgements = result.acknowledgements.filter(ack => ack.path.endsWith('/Search/Domain')).map(ack => ack.rule).sort();
    expect(domainAcknowledgements).toEqual(['AwsSolutions-OS3', ...extra].sort());
  });
});
