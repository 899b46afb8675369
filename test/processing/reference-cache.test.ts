import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ReferenceCache, ReferenceCacheProps, ReferenceCacheSize } from '../../src/processing/reference-cache';
import { synthesizeWithNagPacks } from '../support/compliance';
import { iamStatementsIn, newStack, templateOf } from '../support/stack';

const TWO_AZ_VPC: ec2.VpcProps = { maxAzs: 2, natGateways: 1 };

function cacheStack(props: Partial<ReferenceCacheProps> = {}, vpcProps: ec2.VpcProps = TWO_AZ_VPC, stack: Stack = newStack()) {
  const vpc = new ec2.Vpc(stack, 'Vpc', vpcProps);
  const cache = new ReferenceCache(stack, 'Cache', { vpc, ...props });
  return { stack, vpc, cache };
}

function replicationGroupOf(template: Template): { Properties: Record<string, unknown>; [key: string]: unknown } {
  const groups = Object.values(template.findResources('AWS::ElastiCache::ReplicationGroup'));
  expect(groups).toHaveLength(1);
  return groups[0] as { Properties: Record<string, unknown> };
}

/** The logical id of the only resource of a type in a template. */
function logicalIdOf(template: Template, type: string, properties: Record<string, unknown> = {}): string {
  const ids = Object.keys(template.findResources(type, { Properties: Match.objectLike(properties) }));
  expect(ids).toHaveLength(1);
  return ids[0];
}

/** Evaluates the intrinsics of a generated ElastiCache id as CloudFormation would in a stack with this id. */
const SAMPLE_STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/any-name/51af3dc0-da77-11e4-872e-1234567db123';
function deployed(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  const intrinsic = value as Record<string, any>;
  if (intrinsic.Ref === 'AWS::StackId') {
    return SAMPLE_STACK_ID;
  }
  if (intrinsic['Fn::Join']) {
    const [separator, parts] = intrinsic['Fn::Join'];
    return parts.map(deployed).join(separator);
  }
  if (intrinsic['Fn::Select']) {
    const [index, list] = intrinsic['Fn::Select'];
    const [separator, source] = list['Fn::Split'];
    return deployed(source).split(separator)[index];
  }
  throw new Error(`Unexpected intrinsic ${JSON.stringify(value)}`);
}

describe('ReferenceCache', () => {
  describe.each([
    ['SINGLE_NODE', ReferenceCacheSize.SINGLE_NODE, {
      nodeType: 'cache.t4g.micro',
      clusterMode: 'disabled',
      parameterGroup: 'default.valkey8',
      shape: { NumCacheClusters: 1, NumNodeGroups: Match.absent(), ReplicasPerNodeGroup: Match.absent() },
      failover: false,
      multiAz: false,
      endpoint: 'PrimaryEndPoint.Address',
    }],
    ['STANDARD', ReferenceCacheSize.STANDARD, {
      nodeType: 'cache.r7g.large',
      clusterMode: 'disabled',
      parameterGroup: 'default.valkey8',
      shape: { NumCacheClusters: 2, NumNodeGroups: Match.absent(), ReplicasPerNodeGroup: Match.absent() },
      failover: true,
      multiAz: true,
      endpoint: 'PrimaryEndPoint.Address',
    }],
    ['CLUSTER', ReferenceCacheSize.CLUSTER, {
      nodeType: 'cache.r7g.large',
      clusterMode: 'enabled',
      parameterGroup: 'default.valkey8.cluster.on',
      shape: { NumCacheClusters: Match.absent(), NumNodeGroups: 2, ReplicasPerNodeGroup: 1 },
      failover: true,
      multiAz: true,
      endpoint: 'ConfigurationEndPoint.Address',
    }],
    ['custom(3, 0)', ReferenceCacheSize.custom(3, 0), {
      nodeType: 'cache.r7g.large',
      clusterMode: 'enabled',
      parameterGroup: 'default.valkey8.cluster.on',
      shape: { NumCacheClusters: Match.absent(), NumNodeGroups: 3, ReplicasPerNodeGroup: 0 },
      failover: true,
      multiAz: false,
      endpoint: 'ConfigurationEndPoint.Address',
    }],
  ])('size %s', (_name, size, expected) => {
    test('replication group: shards, replicas, failover, Multi-AZ, cluster mode, node type', () => {
      const { stack } = cacheStack({ size });
      const template = templateOf(stack);
      template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
        ...expected.shape,
        AutomaticFailoverEnabled: expected.failover,
        MultiAZEnabled: expected.multiAz,
        ClusterMode: expected.clusterMode,
        CacheParameterGroupName: expected.parameterGroup,
        CacheNodeType: expected.nodeType,
      });
      // Cluster mode reshards online when the shard count changes instead of replacing the cache.
      expect(replicationGroupOf(template).UpdatePolicy).toEqual(
        expected.clusterMode === 'enabled' ? { UseOnlineResharding: true } : undefined);
    });

    test('environmentVariables(): the endpoint clients connect to, TLS, cluster mode, user, auth name', () => {
      const { stack, cache } = cacheStack({ size });
      const template = templateOf(stack);
      const cluster = logicalIdOf(template, 'AWS::ElastiCache::ReplicationGroup');
      const user = template.findResources('AWS::ElastiCache::User', { Properties: { AuthenticationMode: { Type: 'iam' } } });
      expect(stack.resolve(cache.environmentVariables())).toEqual({
        REFERENCE_CACHE_ENDPOINT: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [cluster, expected.endpoint] }, ':6380']] },
        REFERENCE_CACHE_TLS: 'true',
        REFERENCE_CACHE_CLUSTER_MODE: String(expected.clusterMode === 'enabled'),
        REFERENCE_CACHE_USER: Object.values(user)[0].Properties.UserId,
        REFERENCE_CACHE_IAM_AUTH_NAME: { Ref: cluster },
        REFERENCE_CACHE_SERVERLESS: 'false',
        REFERENCE_CACHE_KEY_PREFIX: 'profile:',
      });
      expect(stack.resolve(cache.endpointAddress)).toEqual({ 'Fn::GetAtt': [cluster, expected.endpoint] });
      expect(cache.endpointPort).toBe(6380);
    });
  });

  test('the default size is STANDARD; the size factories describe themselves', () => {
    const { cache } = cacheStack();
    expect(cache.size).toBe(ReferenceCacheSize.STANDARD);
    expect([ReferenceCacheSize.SINGLE_NODE, ReferenceCacheSize.STANDARD, ReferenceCacheSize.CLUSTER, ReferenceCacheSize.custom(4, 2)]
      .map(size => [size.shards, size.replicasPerShard, size.nodeCount, size.clusterMode, size.multiAz]))
      .toEqual([[1, 0, 1, false, false], [1, 1, 2, false, true], [2, 1, 4, true, true], [4, 2, 12, true, true]]);
  });

  test('Valkey 8.0 on a non-default port, TLS required, encrypted at rest with a new rotating key, 15 days of backups', () => {
    const { stack } = cacheStack();
    const template = templateOf(stack);
    const key = logicalIdOf(template, 'AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'valkey',
      EngineVersion: '8.0',
      Port: 6380,
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
      AtRestEncryptionEnabled: true,
      KmsKeyId: { 'Fn::GetAtt': [key, 'Arn'] },
      SnapshotRetentionLimit: 15,
      AutoMinorVersionUpgrade: true,
      AuthToken: Match.absent(),
      CacheSubnetGroupName: { Ref: logicalIdOf(template, 'AWS::ElastiCache::SubnetGroup') },
      SecurityGroupIds: [{ 'Fn::GetAtt': [logicalIdOf(template, 'AWS::EC2::SecurityGroup', { GroupDescription: Match.stringLikeRegexp('^Reference cache') }), 'GroupId'] }],
    });
  });

  test('subnets: the VPC\'s private subnets by default, isolated ones when it has no private subnet', () => {
    const { stack, vpc } = cacheStack();
    templateOf(stack).hasResourceProperties('AWS::ElastiCache::SubnetGroup', {
      SubnetIds: stack.resolve(vpc.privateSubnets.map(subnet => subnet.subnetId)),
    });
    const isolatedOnly = cacheStack({}, { maxAzs: 2, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    templateOf(isolatedOnly.stack).hasResourceProperties('AWS::ElastiCache::SubnetGroup', {
      SubnetIds: isolatedOnly.stack.resolve(isolatedOnly.vpc.isolatedSubnets.map(subnet => subnet.subnetId)),
    });
  });

  test('slow log and engine log go as JSON to their own log groups, encrypted with the key, kept a year', () => {
    const { stack } = cacheStack();
    const template = templateOf(stack);
    const key = logicalIdOf(template, 'AWS::KMS::Key', { EnableKeyRotation: true });
    const logGroups = template.findResources('AWS::Logs::LogGroup', {
      Properties: { KmsKeyId: { 'Fn::GetAtt': [key, 'Arn'] }, RetentionInDays: 365 },
    });
    const [slowLog, engineLog] = ['SlowLog', 'EngineLog'].map(name => Object.keys(logGroups).find(id => id.startsWith(`Cache${name}`)));
    expect(slowLog).toBeDefined();
    expect(engineLog).toBeDefined();
    expect(replicationGroupOf(template).Properties.LogDeliveryConfigurations).toEqual([
      { LogType: 'slow-log', LogFormat: 'json', DestinationType: 'cloudwatch-logs', DestinationDetails: { CloudWatchLogsDetails: { LogGroup: { Ref: slowLog } } } },
      { LogType: 'engine-log', LogFormat: 'json', DestinationType: 'cloudwatch-logs', DestinationDetails: { CloudWatchLogsDetails: { LogGroup: { Ref: engineLog } } } },
    ]);
    // CloudWatch Logs may use the key for this account's log groups.
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
        })]),
      },
    });
  });

  test('users: an IAM-authenticated user limited to the key prefix, and a disabled default user, in one user group', () => {
    const { stack, cache } = cacheStack();
    const template = templateOf(stack);
    const users = template.findResources('AWS::ElastiCache::User');
    const iamUser = Object.entries(users).find(([, user]) => user.Properties.AuthenticationMode.Type === 'iam')!;
    const defaultUser = Object.entries(users).find(([, user]) => user.Properties.UserName === 'default')!;
    expect(Object.keys(users)).toHaveLength(2);

    expect(iamUser[1].Properties).toEqual({
      Engine: 'valkey',
      UserId: iamUser[1].Properties.UserName,
      UserName: iamUser[1].Properties.UserId,
      AuthenticationMode: { Type: 'iam' },
      AccessString: 'on ~profile:* -@all +get +mget +set +auth +hello +ping +quit +info +cluster|info +cluster|slots +cluster|shards',
    });
    expect(cache.accessString).toBe(iamUser[1].Properties.AccessString);
    expect(stack.resolve(cache.userId)).toEqual(iamUser[1].Properties.UserId);
    expect(stack.resolve(cache.userArn)).toEqual({ 'Fn::GetAtt': [iamUser[0], 'Arn'] });
    // Connections are the default user until they authenticate: this one may do nothing.
    expect(defaultUser[1].Properties).toEqual({
      Engine: 'redis',
      UserId: expect.anything(),
      UserName: 'default',
      AuthenticationMode: { Type: 'no-password-required' },
      AccessString: 'off -@all',
    });
    expect(deployed(defaultUser[1].Properties.UserId)).not.toBe('default');

    const groups = template.findResources('AWS::ElastiCache::UserGroup');
    const [groupId, group] = Object.entries(groups)[0];
    expect(Object.keys(groups)).toHaveLength(1);
    expect(group.Properties).toEqual({
      Engine: 'redis',
      UserGroupId: expect.anything(),
      UserIds: [defaultUser[1].Properties.UserId, iamUser[1].Properties.UserId],
    });
    // The ids are plain strings, so the order of creation is explicit.
    expect(group.DependsOn.sort()).toEqual([defaultUser[0], iamUser[0]].sort());
    const cluster = replicationGroupOf(template);
    expect(cluster.Properties.UserGroupIds).toEqual([group.Properties.UserGroupId]);
    expect(cluster.DependsOn).toEqual([groupId]);
  });

  test('ElastiCache ids: lower case, at most 40 characters, unique per cache and per deployed stack; templates stay identical across stacks', () => {
    const app = new App();
    const stacks = ['first-stack', 'SecondStack'].map(name => {
      const stack = new Stack(app, name);
      const vpc = new ec2.Vpc(stack, 'Vpc', TWO_AZ_VPC);
      new ReferenceCache(stack, 'Cache', { vpc });
      new ReferenceCache(stack, 'OtherCache', { vpc });
      return stack;
    });
    const [first, second] = stacks.map(stack => Template.fromStack(stack));
    const ids = (template: Template) => [
      ...Object.values(template.findResources('AWS::ElastiCache::User')).map(user => user.Properties.UserId),
      ...Object.values(template.findResources('AWS::ElastiCache::UserGroup')).map(group => group.Properties.UserGroupId),
    ].map(deployed);
    const deployedIds = ids(first);
    expect(deployedIds).toHaveLength(6);
    expect(new Set(deployedIds).size).toBe(6);
    for (const id of deployedIds) {
      expect(id).toMatch(/^[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]$/);
      expect(id.length).toBeLessThanOrEqual(40);
      expect(id).toContain('-51af3dc0-');
    }
    const cacheResources = (template: Template) => Object.fromEntries(Object.entries(template.toJSON().Resources)
      .filter(([id]) => id.startsWith('Cache') || id.startsWith('OtherCache')));
    expect(cacheResources(second)).toEqual(cacheResources(first));
  });

  test('network: a security group without inbound rules; allowDefaultPortFrom opens the cache port to that client only', () => {
    const before = templateOf(cacheStack().stack);
    before.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    before.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Reference cache'),
      SecurityGroupIngress: Match.absent(),
      // Nothing outbound: CDK's placeholder rule that matches no traffic.
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })],
    });

    const { stack, vpc, cache } = cacheStack();
    cache.connections.allowDefaultPortFrom(new ec2.SecurityGroup(stack, 'Client', { vpc }));
    const template = templateOf(stack);
    const cacheGroup = logicalIdOf(template, 'AWS::EC2::SecurityGroup', { GroupDescription: Match.stringLikeRegexp('^Reference cache') });
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'));
    expect(ingress.map(rule => rule.Properties)).toEqual([expect.objectContaining({
      GroupId: { 'Fn::GetAtt': [cacheGroup, 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::EC2::SecurityGroup', { GroupDescription: 'TestStack/Client' }), 'GroupId'] },
      IpProtocol: 'tcp',
      FromPort: 6380,
      ToPort: 6380,
    })]);
  });

  test('grantConnect: exactly elasticache:Connect on the replication group and its user', () => {
    const { stack, cache } = cacheStack();
    const role = new iam.Role(stack, 'Client', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    cache.grantConnect(role);
    const template = templateOf(stack);
    const cluster = logicalIdOf(template, 'AWS::ElastiCache::ReplicationGroup');
    const user = logicalIdOf(template, 'AWS::ElastiCache::User', { AuthenticationMode: { Type: 'iam' } });
    expect(iamStatementsIn(template)).toEqual([{
      Action: 'elasticache:Connect',
      Effect: 'Allow',
      Resource: [
        {
          'Fn::Join': ['', [
            'arn:', { Ref: 'AWS::Partition' }, ':elasticache:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' },
            ':replicationgroup:', { Ref: cluster },
          ]],
        },
        { 'Fn::GetAtt': [user, 'Arn'] },
      ],
    }]);
  });

  test('explicit options win over defaults', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'MyKey', { enableKeyRotation: true });
    const { cache } = cacheStack({
      size: ReferenceCacheSize.SINGLE_NODE,
      nodeType: 'cache.m7g.large',
      engineVersion: '7.2',
      port: 7000,
      keyPrefix: 'ref:{profiles}:',
      encryptionKey: key,
      snapshotRetention: Duration.days(35),
      logRetention: logs.RetentionDays.THREE_MONTHS,
    }, TWO_AZ_VPC, stack);
    const template = templateOf(stack);
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      CacheNodeType: 'cache.m7g.large',
      EngineVersion: '7.2',
      CacheParameterGroupName: 'default.valkey7',
      Port: 7000,
      KmsKeyId: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::KMS::Key'), 'Arn'] },
      SnapshotRetentionLimit: 35,
    });
    expect(logicalIdOf(template, 'AWS::KMS::Key')).toMatch(/^MyKey/);
    expect(cache.encryptionKey).toBe(key);
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 90 }, 2);
    template.hasResourceProperties('AWS::ElastiCache::User', { AccessString: Match.stringLikeRegexp('^on ~ref:\\{profiles\\}:\\* -@all ') });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', { GroupDescription: Match.stringLikeRegexp('^Reference cache') });
    expect(stack.resolve(cache.environmentVariables())).toEqual(expect.objectContaining({
      REFERENCE_CACHE_ENDPOINT: { 'Fn::Join': ['', [expect.anything(), ':7000']] },
      REFERENCE_CACHE_KEY_PREFIX: 'ref:{profiles}:',
    }));
    expect(cache.connections.defaultPort?.toString()).toBe('7000');
  });

  describe('removal policy', () => {
    const policiesOf = (template: Template) => Object.fromEntries(Object.entries(template.toJSON().Resources as Record<string, any>)
      .filter(([id]) => id.startsWith('Cache') && !id.includes('Ingress'))
      .map(([, resource]) => [resource.Type, `${resource.DeletionPolicy}/${resource.UpdateReplacePolicy}`]));

    test('RETAIN by default: the cache and everything it depends on stay', () => {
      const policies = policiesOf(templateOf(cacheStack().stack));
      expect(policies).toEqual({
        'AWS::ElastiCache::SubnetGroup': 'Retain/Retain',
        'AWS::EC2::SecurityGroup': 'Retain/Retain',
        'AWS::KMS::Key': 'Retain/Retain',
        'AWS::Logs::LogGroup': 'Retain/Retain',
        'AWS::ElastiCache::User': 'Retain/Retain',
        'AWS::ElastiCache::UserGroup': 'Retain/Retain',
        'AWS::ElastiCache::ReplicationGroup': 'Retain/Retain',
      });
    });

    test('SNAPSHOT: a final snapshot of the cache, whose key stays; the rest is deleted', () => {
      const policies = policiesOf(templateOf(cacheStack({ removalPolicy: RemovalPolicy.SNAPSHOT }).stack));
      expect(policies).toEqual(expect.objectContaining({
        'AWS::ElastiCache::ReplicationGroup': 'Snapshot/Snapshot',
        'AWS::KMS::Key': 'Retain/Retain',
        'AWS::Logs::LogGroup': 'Delete/Delete',
        'AWS::ElastiCache::UserGroup': 'Delete/Delete',
        'AWS::EC2::SecurityGroup': 'Delete/Delete',
      }));
    });

    test('DESTROY: everything is deleted, without a final snapshot', () => {
      const policies = policiesOf(templateOf(cacheStack({ removalPolicy: RemovalPolicy.DESTROY }).stack));
      expect(new Set(Object.values(policies))).toEqual(new Set(['Delete/Delete']));
    });
  });

  describe('invalid props fail at synth time, naming the prop, the value and what is allowed', () => {
    test.each([
      [() => ReferenceCacheSize.custom(0, 1), 'Invalid ReferenceCacheSize.custom(shards): 0. Allowed: an integer from 1 to 500.'],
      [() => ReferenceCacheSize.custom(501, 0), 'Invalid ReferenceCacheSize.custom(shards): 501. Allowed: an integer from 1 to 500.'],
      [() => ReferenceCacheSize.custom(1.5, 1), 'Invalid ReferenceCacheSize.custom(shards): 1.5. Allowed: an integer from 1 to 500.'],
      [() => ReferenceCacheSize.custom(2, 6), 'Invalid ReferenceCacheSize.custom(replicasPerShard): 6. Allowed: an integer from 0 to 5.'],
      [() => ReferenceCacheSize.custom(2, -1), 'Invalid ReferenceCacheSize.custom(replicasPerShard): -1. Allowed: an integer from 0 to 5.'],
      [() => ReferenceCacheSize.custom(100, 5), 'Invalid ReferenceCacheSize.custom(shards, replicasPerShard): 100 shards of 6 nodes = 600 nodes. '
        + 'Allowed: at most 500 nodes in all'],
    ])('%#: sizes', (build, message) => {
      expect(build).toThrow(message);
    });

    test.each([
      [{ engineVersion: '7.1' }, 'Invalid ReferenceCacheProps.engineVersion: "7.1". Allowed: a Valkey version as major.minor from 7.2 on, e.g. 8.0.'],
      [{ engineVersion: '8' }, 'Invalid ReferenceCacheProps.engineVersion: "8". Allowed: a Valkey version as major.minor from 7.2 on'],
      [{ nodeType: 'r7g.large' }, 'Invalid ReferenceCacheProps.nodeType: "r7g.large". Allowed: an ElastiCache node type such as cache.r7g.large.'],
      [{ port: 0 }, 'Invalid ReferenceCacheProps.port: 0. Allowed: an integer from 1 to 65535.'],
      [{ port: 65_536 }, 'Invalid ReferenceCacheProps.port: 65536. Allowed: an integer from 1 to 65535.'],
      [{ keyPrefix: '' }, 'Invalid ReferenceCacheProps.keyPrefix: "". Allowed: 1 to 100 letters, digits and the characters : _ . - { }.'],
      [{ keyPrefix: 'profile:*' }, 'Invalid ReferenceCacheProps.keyPrefix: "profile:*". Allowed: 1 to 100 letters'],
      [{ keyPrefix: 'a b' }, 'Invalid ReferenceCacheProps.keyPrefix: "a b". Allowed: 1 to 100 letters'],
      [{ keyPrefix: 'profile:{tag}:', size: ReferenceCacheSize.CLUSTER }, 'Invalid ReferenceCacheProps.keyPrefix: "profile:{tag}:". '
        + 'Allowed: in cluster mode, a prefix without { or }: a hash tag would put every key on one shard.'],
      [{ snapshotRetention: Duration.days(0) }, 'Invalid ReferenceCacheProps.snapshotRetention: 0 days. Allowed: a whole number of days from 1 to 35.'],
      [{ snapshotRetention: Duration.days(36) }, 'Invalid ReferenceCacheProps.snapshotRetention: 36 days. Allowed: a whole number of days from 1 to 35.'],
      [{ snapshotRetention: Duration.hours(36) }, 'Invalid ReferenceCacheProps.snapshotRetention: 1.5 days. Allowed: a whole number of days from 1 to 35.'],
    ])('%j', (props, message) => {
      expect(() => cacheStack(props)).toThrow(message);
    });

    test('subnets: never public, and in two Availability Zones for a Multi-AZ size', () => {
      const publicOnly = { maxAzs: 2, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] };
      expect(() => cacheStack({}, publicOnly)).toThrow('Invalid ReferenceCacheProps.vpc: it has neither private nor isolated subnets. '
        + 'Allowed: a VPC with private subnets (with egress) or isolated subnets.');
      expect(() => cacheStack({ vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } })).toThrow(
        'Invalid ReferenceCacheProps.vpcSubnets: it selects public subnets. Allowed: private subnets (with egress) or isolated subnets of vpc.');
      const stack = newStack();
      const vpc = new ec2.Vpc(stack, 'Vpc', TWO_AZ_VPC);
      expect(() => new ReferenceCache(stack, 'Cache', { vpc, vpcSubnets: { subnets: [vpc.privateSubnets[0], vpc.publicSubnets[0]] } }))
        .toThrow('Invalid ReferenceCacheProps.vpcSubnets: it selects public subnets.');
      expect(() => new ReferenceCache(stack, 'OneZone', { vpc, vpcSubnets: { subnets: [vpc.privateSubnets[0]] } })).toThrow(
        'Invalid ReferenceCacheProps.vpcSubnets: subnets in 1 Availability Zone. Allowed: subnets in at least 2 Availability Zones '
        + 'for a size with replicas (Multi-AZ), or ReferenceCacheSize.SINGLE_NODE.');
      // One Availability Zone is enough for a single node.
      new ReferenceCache(stack, 'Single', { vpc, vpcSubnets: { subnets: [vpc.privateSubnets[0]] }, size: ReferenceCacheSize.SINGLE_NODE });
    });
  });

  test('cdk-nag: no unacknowledged finding under the cache in any size; Redis AUTH acknowledged always, Multi-AZ for one node only', () => {
    const sizes: Array<[string, ReferenceCacheSize]> = [
      ['single-node', ReferenceCacheSize.SINGLE_NODE], ['standard', ReferenceCacheSize.STANDARD], ['cluster', ReferenceCacheSize.CLUSTER],
    ];
    const results = synthesizeWithNagPacks((app: App) => [
      ...sizes.map(([name, size]) => {
        const stack = new Stack(app, `cache-${name}`);
        const { vpc, cache } = cacheStack({ size }, TWO_AZ_VPC, stack);
        const client = new iam.Role(stack, 'Client', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
        cache.grantConnect(client);
        cache.connections.allowDefaultPortFrom(new ec2.SecurityGroup(stack, 'ClientGroup', { vpc }));
        return stack;
      }),
      cacheStack({ snapshotRetention: Duration.days(7) }, TWO_AZ_VPC, new Stack(app, 'cache-short-backups')).stack,
    ]);
    // The test's own VPC has findings of its own (flow logs, public subnets): only the cache's count here.
    const underCache = (result: typeof results[number]) => result.findings
      .filter(finding => finding.path.startsWith(`${result.stackName}/Cache/`))
      .map(finding => finding.rule);
    const acknowledged = (result: typeof results[number]) => result.acknowledgements
      .filter(ack => ack.path.startsWith(`${result.stackName}/Cache/`))
      .map(ack => `${ack.path.slice(result.stackName.length + 1)} ${ack.rule}`);
    const [single, standard, cluster, shortBackups] = results;
    for (const result of [single, standard, cluster]) {
      expect(underCache(result)).toEqual([]);
    }
    expect(acknowledged(single).sort()).toEqual(['Cache/ReplicationGroup AwsSolutions-AEC4', 'Cache/ReplicationGroup AwsSolutions-AEC6']);
    expect(acknowledged(standard)).toEqual(['Cache/ReplicationGroup AwsSolutions-AEC6']);
    expect(acknowledged(cluster)).toEqual(['Cache/ReplicationGroup AwsSolutions-AEC6']);
    // Fewer than 15 days of backups is the user's choice, and the NIST and HIPAA packs say so.
    expect(underCache(shortBackups).sort()).toEqual([
      'HIPAA.Security-ElastiCacheRedisClusterAutomaticBackup', 'NIST.800.53.R5-ElastiCacheRedisClusterAutomaticBackup',
    ]);
  });
});
