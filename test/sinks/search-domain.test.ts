import { App, Fn, Size, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
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

/** The access configuration, with each `Fn::GetAtt` of a role's ARN written as `<LogicalId>.Arn`. */
function accessConfiguration(stack: Stack) {
  const [resource] = Object.values(templateOf(stack).findResources('Custom::SearchDomainAccess'));
  const text: string | { 'Fn::Join': [string, Array<string | { 'Fn::GetAtt': string[] }>] } = resource.Properties.Configuration;
  return JSON.parse(typeof text === 'string' ? text
    : text['Fn::Join'][1].map(part => typeof part === 'string' ? part : part['Fn::GetAtt'].join('.')).join(''));
}

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
    // The domain's logs and the configuration function's and provider's logs, all with the key and a retention.
    const logGroups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(logGroups).toHaveLength(6);
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
    expect(domain.Properties.DomainName).toMatch(/^teststack-search-[0-9a-f]{8}$/);
    expect(domain.Properties.AccessPolicies.Statement).toEqual([{
      Effect: 'Allow',
      Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } },
      Action: 'es:ESHttp*',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':es:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:domain/${domain.Properties.DomainName}/*`]] },
    }]);
    template.resourceCountIs('Custom::OpenSearchAccessPolicy', 0);
    template.resourceCountIs('Custom::CloudwatchLogResourcePolicy', 0);
    const [logsPolicy] = Object.values(template.findResources('AWS::Logs::ResourcePolicy'));
    const logsPolicyText = JSON.stringify(logsPolicy.Properties.PolicyDocument);
    for (const part of ['es.amazonaws.com', 'logs:CreateLogStream', 'logs:PutLogEvents', 'aws:SourceAccount', 'SearchAuditLogs', 'SearchSlowSearchLogs']) {
      expect(logsPolicyText).toContain(part);
    }
  });

  test('two stacks get two domain names', () => {
    const app = new App();
    const stacks = ['Blue', 'Green'].map(id => addDomain({}, new Stack(app, id)).stack);
    const names = stacks.map(stack => Object.values(templateOf(stack).findResources('AWS::OpenSearchService::Domain'))[0].Properties.DomainName);
    expect(new Set(names).size).toBe(2);
    names.forEach(name => expect(name.length).toBeLessThanOrEqual(28));
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
    // The provider's framework function is sized, traced and capped like the library's own functions.
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('AWS CDK resource provider framework - onEvent'),
      MemorySize: 256,
      TracingConfig: { Mode: 'Active' },
      ReservedConcurrentExecutions: 1,
    });
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
    const arn = (role: iam.Role) => `${stack.getLogicalId(role.node.defaultChild as iam.CfnRole)}.Arn`;
    expect(configuration.roles).toEqual([
      {
        name: expect.stringMatching(/^index-writer-[0-9a-f]{12}$/),
        clusterPermissions: ['cluster_composite_ops', 'cluster_monitor'],
        indexPermissions: [{ indexPatterns: ['clicks*'], allowedActions: ['crud', 'create_index', 'indices:admin/mapping/put', 'indices:admin/mappings/get', 'indices:monitor/stats'] }],
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
  ])('%s: no unacknowledged finding but the provider function outside a VPC; no dedicated masters acknowledged only without them', (_name, size, extra) => {
    const [result] = synthesizeWithNagPacks(app => {
      const stack = new Stack(app, 'Search');
      new SearchDomain(stack, 'Search', { vpc: isolatedVpc(stack), size });
      return [stack];
    });
    expect(result.findings.filter(finding => finding.path.includes('/Search/')).map(finding => finding.rule).sort())
      .toEqual(['HIPAA.Security-LambdaInsideVPC', 'NIST.800.53.R5-LambdaInsideVPC', 'PCI.DSS.321-LambdaInsideVPC']);
    const domainAcknowledgements = result.acknowledgements.filter(ack => ack.path.endsWith('/Search/Domain')).map(ack => ack.rule).sort();
    expect(domainAcknowledgements).toEqual(['AwsSolutions-OS3', ...extra].sort());
  });
});
