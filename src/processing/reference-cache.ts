import { createHash } from 'crypto';
import { ArnFormat, Aws, Duration, Fn, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { pathInStack } from '../internal/describe';
import { encryptedLogGroup } from '../internal/encrypted-log-group';
import { givenOrNewKey } from '../internal/encryption-key';
import { validateIntegerInRange } from '../internal/validation';
import { DEFAULTS } from '../presets/defaults';

/**
 * The shape of a reference cache: shards (node groups) and replicas of each shard's primary.
 *
 * With more than one shard the cache runs in cluster mode: keys are spread over the shards, and clients connect to the
 * configuration endpoint. With replicas the cache is Multi-AZ: ElastiCache places replicas in other Availability Zones
 * than their primary and promotes one when the primary fails.
 */
export class ReferenceCacheSize {
  /**
   * One node without replica, for development: the cheapest size. Not Multi-AZ: when the node fails, the cache is
   * empty until ElastiCache replaces it, and lookups go to the reference table meanwhile.
   */
  public static readonly SINGLE_NODE = new ReferenceCacheSize(1, 0);

  /** A primary and one replica in another Availability Zone with automatic failover, for staging. */
  public static readonly STANDARD = new ReferenceCacheSize(1, 1);

  /**
   * Cluster mode with 2 shards, each a primary and one replica in another Availability Zone, with automatic failover,
   * for production: twice the memory and write throughput of `STANDARD`, and a shard's failure touches half the keys.
   */
  public static readonly CLUSTER = new ReferenceCacheSize(2, 1);

  /**
   * A size of your own. With more than one shard the cache runs in cluster mode; with replicas it is Multi-AZ.
   *
   * @param shards node groups, from 1 to 500
   * @param replicasPerShard replicas of each shard's primary, from 0 to 5; at most 500 nodes in all
   */
  public static custom(shards: number, replicasPerShard: number): ReferenceCacheSize {
    const { shardsRange, replicasPerShardRange, maxNodes } = DEFAULTS.referenceCache;
    for (const [name, value] of [['shards', shards], ['replicasPerShard', replicasPerShard]] as const) {
      if (Token.isUnresolved(value)) {
        throw new Error(`Invalid ReferenceCacheSize.custom(${name}): a token. Allowed: a number known at synth time.`);
      }
    }
    validateIntegerInRange('ReferenceCacheSize.custom(shards)', shards, shardsRange.min, shardsRange.max);
    validateIntegerInRange('ReferenceCacheSize.custom(replicasPerShard)', replicasPerShard, replicasPerShardRange.min, replicasPerShardRange.max);
    const nodes = shards * (1 + replicasPerShard);
    if (nodes > maxNodes) {
      throw new Error(`Invalid ReferenceCacheSize.custom(shards, replicasPerShard): ${shards} shards of ${1 + replicasPerShard} nodes `
        + `= ${nodes} nodes. Allowed: at most ${maxNodes} nodes in all (ElastiCache's limit; the default quota is 90).`);
    }
    return new ReferenceCacheSize(shards, replicasPerShard);
  }

  /** Node groups (shards) of the cache. */
  public readonly shards: number;
  /** Replicas of each shard's primary node. */
  public readonly replicasPerShard: number;

  private constructor(shards: number, replicasPerShard: number) {
    this.shards = shards;
    this.replicasPerShard = replicasPerShard;
  }

  /** Whether the cache runs in cluster mode, which it does with more than one shard. */
  public get clusterMode(): boolean {
    return this.shards > 1;
  }

  /** Whether the cache is Multi-AZ with automatic failover, which it is with replicas. */
  public get multiAz(): boolean {
    return this.replicasPerShard > 0;
  }

  /** Nodes of the cache: primaries and replicas. */
  public get nodeCount(): number {
    return this.shards * (1 + this.replicasPerShard);
  }
}

/**
 * Properties of a `ReferenceCache`.
 */
export interface ReferenceCacheProps {
  /** The VPC the cache runs in. */
  readonly vpc: ec2.IVpc;
  /**
   * The subnets of `vpc` the cache's nodes run in; never public subnets. A Multi-AZ size needs subnets in at least two
   * Availability Zones.
   *
   * @default - the VPC's private subnets with egress, or its isolated subnets if it has none
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Shards and replicas.
   *
   * @default ReferenceCacheSize.STANDARD
   */
  readonly size?: ReferenceCacheSize;
  /**
   * The node type of every node, e.g. `cache.r7g.xlarge`.
   *
   * @default - `cache.t4g.micro` for a single node, `cache.r7g.large` for more nodes
   */
  readonly nodeType?: string;
  /**
   * The Valkey version, major.minor, from 7.2 on. Minor versions upgrade automatically.
   *
   * @default '8.0'
   */
  readonly engineVersion?: string;
  /**
   * The port the nodes accept connections on, from 1 to 65,535.
   *
   * @default 6380
   */
  readonly port?: number;
  /**
   * The key prefix the cache's user may read and write (ACL key pattern `<prefix>*`): letters, digits and `:_.-{}`,
   * up to 100 characters, without `{` or `}` in cluster mode (a hash tag would put every key on one shard). The
   * processor must write its keys under it.
   *
   * @default ReferenceCache.DEFAULT_KEY_PREFIX ('profile:')
   */
  readonly keyPrefix?: string;
  /**
   * The customer-managed KMS key that encrypts the cache's data at rest (disk during sync and swap, backups) and its
   * log groups.
   *
   * @default - a new key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * How long automatic daily backups are kept, in whole days from 1 to 35. Below 15 days, the NIST 800-53 R5 and
   * HIPAA Security packs report `ElastiCacheRedisClusterAutomaticBackup`.
   *
   * @default Duration.days(15)
   */
  readonly snapshotRetention?: Duration;
  /**
   * How long the cache's slow log and engine log are kept.
   *
   * @default RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the cache when it leaves the stack. `RETAIN` keeps the cache with everything it depends on (users,
   * user group, subnet group, security group, key, log groups). `SNAPSHOT` deletes the cache after a final snapshot
   * and keeps a new key, which the snapshot is encrypted with; the rest is deleted. `DESTROY` deletes everything,
   * without a final snapshot (the cached data is a copy of the reference table).
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The shared cache tier for the enrichment processor's reference-data lookups: ElastiCache for Valkey in private
 * subnets, encrypted in transit (TLS required) and at rest (customer-managed KMS key), with IAM authentication only.
 *
 * Clients authenticate as one ElastiCache user with authentication mode IAM: they sign a short-lived token with
 * SigV4 (for `elasticache:Connect`, which `grantConnect` allows) and send it as the AUTH password of that user. The
 * user may run only the commands a cache-aside client needs on keys under `keyPrefix`. Connections that do not
 * authenticate are the user group's `default` user, which is disabled. Nothing reaches the nodes over the network until
 * `connections.allowDefaultPortFrom(...)` lets a client in.
 *
 * `environmentVariables()` gives the handler what it needs to connect.
 */
export class ReferenceCache extends Construct implements ec2.IConnectable {
  /** The key prefix the cache's user may use unless `keyPrefix` says otherwise; the handler writes its keys under it. */
  public static readonly DEFAULT_KEY_PREFIX: string = DEFAULTS.referenceCache.keyPrefix;

  /**
   * Network access to the cache: its security group, with the cache port as default port. It has no inbound rule
   * until you add one, e.g. `cache.connections.allowDefaultPortFrom(processor.function)`.
   */
  public readonly connections: ec2.Connections;
  /** The replication group. */
  public readonly replicationGroup: elasticache.CfnReplicationGroup;
  /** The replication group's id, which is also the name IAM authentication tokens are signed for. */
  public readonly replicationGroupId: string;
  /**
   * The address clients connect to: the configuration endpoint in cluster mode, the primary endpoint otherwise.
   */
  public readonly endpointAddress: string;
  /** The port of `endpointAddress`. */
  public readonly endpointPort: number;
  /** The id (and name, which IAM authentication requires to be the same) of the ElastiCache user clients log in as. */
  public readonly userId: string;
  /** The ARN of the ElastiCache user clients log in as. */
  public readonly userArn: string;
  /** The ACL access string of the ElastiCache user clients log in as. */
  public readonly accessString: string;
  /** The key prefix the user may read and write. */
  public readonly keyPrefix: string;
  /** Shards and replicas of the cache. */
  public readonly size: ReferenceCacheSize;
  /** The key that encrypts the cache, its backups and its log groups. */
  public readonly encryptionKey: kms.IKey;
  /** The log group of the cache's slow log (commands over the slow-log threshold). */
  public readonly slowLogGroup: logs.ILogGroup;
  /** The log group of the cache's engine log (node events, failovers, errors). */
  public readonly engineLogGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: ReferenceCacheProps) {
    super(scope, id);
    const options = resolveOptions(props);
    this.size = options.size;
    this.keyPrefix = options.keyPrefix;
    const policies = removalPolicies(options.removalPolicy, props.encryptionKey === undefined);

    const { subnetIds } = selectCacheSubnets(props.vpc, props.vpcSubnets, options.size);
    const subnetGroup = new elasticache.CfnSubnetGroup(this, 'SubnetGroup', {
      description: `Subnets of the reference cache ${pathInStack(this)}`,
      subnetIds,
    });

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `Reference cache ${pathInStack(this)}: inbound on the cache port from allowed clients only`,
      // Cache nodes open no connections of their own; replication and log delivery do not pass this group.
      allowAllOutbound: false,
    });
    this.connections = new ec2.Connections({ securityGroups: [securityGroup], defaultPort: ec2.Port.tcp(options.port) });

    this.encryptionKey = givenOrNewKey(this, props.encryptionKey, 'the reference cache, its backups and its logs', policies.key);
    this.slowLogGroup = encryptedLogGroup(this, 'SlowLog', {
      encryptionKey: this.encryptionKey, retention: options.logRetention, removalPolicy: policies.other,
    });
    this.engineLogGroup = encryptedLogGroup(this, 'EngineLog', {
      encryptionKey: this.encryptionKey, retention: options.logRetention, removalPolicy: policies.other,
    });

    // IAM authentication requires the user's name to equal its id.
    this.userId = elastiCacheId(this, 'processor');
    this.accessString = `on ~${options.keyPrefix}* -@all ${ALLOWED_COMMANDS.map(command => `+${command}`).join(' ')}`;
    const user = new elasticache.CfnUser(this, 'User', {
      engine: 'valkey',
      userId: this.userId,
      userName: this.userId,
      authenticationMode: { Type: 'iam' },
      accessString: this.accessString,
    });
    this.userArn = user.attrArn;
    // A user group must contain a user named "default", which is what connections are until they authenticate. The
    // account's built-in user of that name may run every command without a password, so the group gets its own,
    // disabled one. Valkey users cannot be password-less, and Valkey user groups cannot hold password-less users,
    // so this user and the group use the engine "redis", which Valkey caches accept and which may hold Valkey users.
    const defaultUser = new elasticache.CfnUser(this, 'DefaultUser', {
      engine: 'redis',
      userId: elastiCacheId(this, 'default'),
      userName: 'default',
      authenticationMode: { Type: 'no-password-required' },
      accessString: 'off -@all',
    });
    const userGroupId = elastiCacheId(this, 'users');
    const userGroup = new elasticache.CfnUserGroup(this, 'UserGroup', {
      engine: 'redis',
      userGroupId,
      userIds: [defaultUser.userId, user.userId],
    });
    // The group names its users by id, not by reference.
    userGroup.node.addDependency(defaultUser, user);

    const size = options.size;
    const cluster = new elasticache.CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupDescription: `Reference-data cache of ${pathInStack(this)}`,
      engine: 'valkey',
      engineVersion: options.engineVersion,
      cacheParameterGroupName: `default.valkey${options.engineMajor}${size.clusterMode ? '.cluster.on' : ''}`,
      cacheNodeType: options.nodeType,
      clusterMode: size.clusterMode ? 'enabled' : 'disabled',
      // Without cluster mode, NumCacheClusters sets the replicas, and changing it later needs no replacement
      // (ReplicasPerNodeGroup would).
      ...(size.clusterMode
        ? { numNodeGroups: size.shards, replicasPerNodeGroup: size.replicasPerShard }
        : { numCacheClusters: 1 + size.replicasPerShard }),
      // Cluster mode requires automatic failover, even without replicas.
      automaticFailoverEnabled: size.clusterMode || size.multiAz,
      multiAzEnabled: size.multiAz,
      port: options.port,
      cacheSubnetGroupName: subnetGroup.ref,
      securityGroupIds: [securityGroup.securityGroupId],
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      atRestEncryptionEnabled: true,
      kmsKeyId: this.encryptionKey.keyArn,
      userGroupIds: [userGroupId],
      snapshotRetentionLimit: options.snapshotRetentionDays,
      autoMinorVersionUpgrade: true,
      logDeliveryConfigurations: [
        logDelivery('slow-log', this.slowLogGroup),
        logDelivery('engine-log', this.engineLogGroup),
      ],
    });
    cluster.node.addDependency(userGroup);
    if (size.clusterMode) {
      // Changing the number of shards later reshards online instead of replacing the cache.
      cluster.cfnOptions.updatePolicy = { useOnlineResharding: true };
    }
    cluster.applyRemovalPolicy(policies.cache);
    for (const resource of [subnetGroup, securityGroup, user, defaultUser, userGroup]) {
      resource.applyRemovalPolicy(policies.other);
    }

    Validations.of(cluster).acknowledge({
      id: 'AwsSolutions-AEC6',
      reason: 'Clients authenticate with IAM: a short-lived SigV4 token (valid 15 minutes) for an ElastiCache user with '
        + 'authentication mode iam, granted per principal with elasticache:Connect, through the user group. An AUTH '
        + 'token would be one long-lived password shared by every client, and ElastiCache does not combine it with '
        + 'user groups. Connections that do not authenticate are the group\'s default user, which is disabled (off -@all).',
    });
    if (!size.multiAz) {
      Validations.of(cluster).acknowledge({
        id: 'AwsSolutions-AEC4',
        reason: 'This size has no replica, so there is no node in another Availability Zone to fail over to; it is '
          + 'meant for development. The cache holds copies of reference data that stays in the reference table: '
          + 'losing the node costs cache misses and latency, not data. Sizes with replicas are Multi-AZ.',
      });
    }

    this.replicationGroup = cluster;
    this.replicationGroupId = cluster.ref;
    this.endpointAddress = size.clusterMode ? cluster.attrConfigurationEndPointAddress : cluster.attrPrimaryEndPointAddress;
    this.endpointPort = options.port;
  }

  /**
   * Lets the grantee log in to the cache with IAM authentication: `elasticache:Connect` on this replication group and
   * its user, nothing else. The grantee also needs network access: `connections.allowDefaultPortFrom(grantee)`.
   */
  public grantConnect(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['elasticache:Connect'],
      resourceArns: [
        Stack.of(this).formatArn({
          service: 'elasticache',
          resource: 'replicationgroup',
          resourceName: this.replicationGroupId,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
        this.userArn,
      ],
    });
  }

  /**
   * The environment a handler connects with:
   *
   * - `REFERENCE_CACHE_ENDPOINT`: `host:port` of the configuration endpoint (cluster mode) or primary endpoint
   * - `REFERENCE_CACHE_TLS`: `true`; the cache accepts TLS connections only
   * - `REFERENCE_CACHE_CLUSTER_MODE`: `true` or `false`
   * - `REFERENCE_CACHE_USER`: the user to AUTH as, whose id and name are the same
   * - `REFERENCE_CACHE_IAM_AUTH_NAME`: the replication group id, the cache name that IAM authentication tokens are
   *   signed for
   * - `REFERENCE_CACHE_SERVERLESS`: `false`; tokens are signed without `ResourceType=ServerlessCache`
   * - `REFERENCE_CACHE_KEY_PREFIX`: the prefix every key must start with
   */
  public environmentVariables(): { [key: string]: string } {
    return {
      REFERENCE_CACHE_ENDPOINT: `${this.endpointAddress}:${this.endpointPort}`,
      REFERENCE_CACHE_TLS: 'true',
      REFERENCE_CACHE_CLUSTER_MODE: String(this.size.clusterMode),
      REFERENCE_CACHE_USER: this.userId,
      REFERENCE_CACHE_IAM_AUTH_NAME: this.replicationGroupId,
      REFERENCE_CACHE_SERVERLESS: 'false',
      REFERENCE_CACHE_KEY_PREFIX: this.keyPrefix,
    };
  }
}

/**
 * What the cache's user may run, besides nothing else (`-@all`): the processor's cache-aside reads and writes (GET,
 * MGET, SET with expiry), the connection handshake (AUTH to log in and to renew the IAM token on an open connection,
 * HELLO, PING, QUIT), the ready checks of the bundled handler's client (INFO, and CLUSTER INFO in cluster mode, without
 * which it drops the connection) and the slot map in cluster mode (CLUSTER SLOTS, CLUSTER SHARDS). No key deletion, no
 * administrative, scripting, scanning or pub/sub command.
 */
const ALLOWED_COMMANDS = [
  'get', 'mget', 'set',
  'auth', 'hello', 'ping', 'quit', 'info',
  'cluster|info', 'cluster|slots', 'cluster|shards',
];

/**
 * An ElastiCache id unique to this construct in its deployed stack, of the form
 * `refcache-<hash of the construct's path in the stack>-<first block of the stack's UUID>-<suffix>` (at most 40
 * lower-case characters, as ElastiCache ids must be). The stack's UUID tells deployments apart, so that templates of
 * one definition deployed as several stacks (or in several accounts and regions) stay identical.
 */
function elastiCacheId(scope: Construct, suffix: string): string {
  const pathHash = createHash('sha256').update(pathInStack(scope)).digest('hex').slice(0, 8);
  const stackUuidBlock = Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID))));
  return Fn.join('-', ['refcache', pathHash, stackUuidBlock, suffix]);
}

function logDelivery(logType: 'slow-log' | 'engine-log', logGroup: logs.ILogGroup): elasticache.CfnReplicationGroup.LogDeliveryConfigurationRequestProperty {
  return {
    logType,
    logFormat: 'json',
    destinationType: 'cloudwatch-logs',
    destinationDetails: { cloudWatchLogsDetails: { logGroup: logGroup.logGroupName } },
  };
}

/**
 * Removal policies per resource. Only the replication group takes snapshots; its final snapshot is encrypted with the
 * key, so a key of ours outlives it.
 */
function removalPolicies(policy: RemovalPolicy, ownKey: boolean) {
  if (policy === RemovalPolicy.SNAPSHOT) {
    return { cache: RemovalPolicy.SNAPSHOT, key: ownKey ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY, other: RemovalPolicy.DESTROY };
  }
  return { cache: policy, key: policy, other: policy };
}

/**
 * The chosen subnets: private with egress by default, else isolated; never public, and in two Availability Zones or
 * more for a Multi-AZ size.
 */
function selectCacheSubnets(vpc: ec2.IVpc, given: ec2.SubnetSelection | undefined, size: ReferenceCacheSize): ec2.SelectedSubnets {
  if (given === undefined && vpc.privateSubnets.length === 0 && vpc.isolatedSubnets.length === 0) {
    throw new Error('Invalid ReferenceCacheProps.vpc: it has neither private nor isolated subnets. '
      + 'Allowed: a VPC with private subnets (with egress) or isolated subnets.');
  }
  const selection = given ?? { subnetType: vpc.privateSubnets.length > 0 ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED };
  const selected = vpc.selectSubnets(selection);
  const publicIds = new Set(vpc.publicSubnets.map(subnet => subnet.subnetId));
  const publicChosen = selected.subnets.filter(subnet => publicIds.has(subnet.subnetId));
  if (selection.subnetType === ec2.SubnetType.PUBLIC || publicChosen.length > 0) {
    throw new Error('Invalid ReferenceCacheProps.vpcSubnets: it selects public subnets. '
      + 'Allowed: private subnets (with egress) or isolated subnets of vpc.');
  }
  if (selected.subnetIds.length === 0) {
    throw new Error('Invalid ReferenceCacheProps.vpcSubnets: it selects no subnet. Allowed: private or isolated subnets of vpc.');
  }
  const zones = new Set(selected.subnets.map(subnet => subnet.availabilityZone));
  if (size.multiAz && zones.size < 2) {
    throw new Error(`Invalid ReferenceCacheProps.vpcSubnets: subnets in ${zones.size} Availability Zone. `
      + 'Allowed: subnets in at least 2 Availability Zones for a size with replicas (Multi-AZ), or ReferenceCacheSize.SINGLE_NODE.');
  }
  return selected;
}

function resolveOptions(props: ReferenceCacheProps) {
  const prop = (name: string) => `ReferenceCacheProps.${name}`;
  const size = props.size ?? ReferenceCacheSize.STANDARD;
  const engineVersion = props.engineVersion ?? DEFAULTS.referenceCache.engineVersion;
  const { major, minor } = DEFAULTS.referenceCache.minimumEngineVersion;
  const version = /^(\d+)\.(\d+)$/.exec(engineVersion);
  if (version === null || Number(version[1]) < major || (Number(version[1]) === major && Number(version[2]) < minor)) {
    throw new Error(`Invalid ${prop('engineVersion')}: "${engineVersion}". `
      + `Allowed: a Valkey version as major.minor from ${major}.${minor} on, e.g. ${DEFAULTS.referenceCache.engineVersion}.`);
  }
  const nodeTypes = DEFAULTS.referenceCache.nodeType;
  const nodeType = props.nodeType ?? (size.nodeCount === 1 ? nodeTypes.singleNode : nodeTypes.replicated);
  if (!Token.isUnresolved(nodeType) && !/^cache\.[a-z0-9-]+\.[a-z0-9]+$/.test(nodeType)) {
    throw new Error(`Invalid ${prop('nodeType')}: "${nodeType}". Allowed: an ElastiCache node type such as cache.r7g.large.`);
  }
  const port = props.port ?? DEFAULTS.referenceCache.port;
  if (Token.isUnresolved(port)) {
    throw new Error(`Invalid ${prop('port')}: a token. Allowed: a number known at synth time.`);
  }
  validateIntegerInRange(prop('port'), port, DEFAULTS.referenceCache.portRange.min, DEFAULTS.referenceCache.portRange.max);
  const keyPrefix = props.keyPrefix ?? DEFAULTS.referenceCache.keyPrefix;
  if (!/^[A-Za-z0-9:_.{}-]{1,100}$/.test(keyPrefix)) {
    throw new Error(`Invalid ${prop('keyPrefix')}: "${keyPrefix}". Allowed: 1 to 100 letters, digits and the characters : _ . - { }.`);
  }
  if (size.clusterMode && /[{}]/.test(keyPrefix)) {
    throw new Error(`Invalid ${prop('keyPrefix')}: "${keyPrefix}". `
      + 'Allowed: in cluster mode, a prefix without { or }: a hash tag would put every key on one shard.');
  }
  const snapshotRetention = props.snapshotRetention ?? DEFAULTS.referenceCache.snapshotRetention;
  if (snapshotRetention.isUnresolved()) {
    throw new Error(`Invalid ${prop('snapshotRetention')}: a token. Allowed: a duration known at synth time.`);
  }
  const snapshotRetentionDays = snapshotRetention.toDays({ integral: false });
  const { min, max } = DEFAULTS.referenceCache.snapshotRetentionDaysRange;
  if (!Number.isInteger(snapshotRetentionDays) || snapshotRetentionDays < min || snapshotRetentionDays > max) {
    throw new Error(`Invalid ${prop('snapshotRetention')}: ${snapshotRetentionDays} days. Allowed: a whole number of days from ${min} to ${max}.`);
  }
  return {
    size,
    engineVersion,
    engineMajor: Number(version[1]),
    nodeType,
    port,
    keyPrefix,
    snapshotRetentionDays,
    logRetention: props.logRetention ?? DEFAULTS.logRetention,
    removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
  };
}
