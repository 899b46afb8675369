import { createHash } from 'crypto';
import * as path from 'path';
import { Arn, CustomResource, Fn, Lazy, RemovalPolicy, Size, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import { Construct, IDependable } from 'constructs';
import { pathInStack } from '../internal/describe';
import { encryptedLogGroup, grantFunctionLogging } from '../internal/encrypted-log-group';
import { givenOrNewKey } from '../internal/encryption-key';
import { defaultPrivateSubnets, grantNetworkInterfaces, rejectPublicSubnets } from '../internal/function-network';
import { ManagedPolicyRole } from '../internal/managed-policy-role';
import { nagResourceName } from '../internal/nag-finding';
import { dropRoleDependency } from '../internal/redundant-dependencies';
import { validateIntegerInRange } from '../internal/validation';
import { DEFAULTS } from '../presets/defaults';

const ACCESS_HANDLER_ASSET = path.join(__dirname, '..', '..', 'assets', 'search-domain-access');
const HTTPS_PORT = DEFAULTS.network.httpsPort;

/**
 * Nodes of a custom `SearchDomainSize`.
 */
export interface SearchDomainSizeProps {
  /** Data nodes, from 1 to 80, a multiple of `availabilityZones`. */
  readonly dataNodes: number;
  /** The instance type of the data nodes, e.g. `r6g.large.search`. */
  readonly dataNodeInstanceType: string;
  /**
   * Availability Zones the data nodes are spread over, from 1 to 3 (zone awareness with 2 or 3).
   *
   * @default 2
   */
  readonly availabilityZones?: number;
  /**
   * Dedicated master nodes: 0, 3 or 5.
   *
   * @default 0
   */
  readonly masterNodes?: number;
  /**
   * The instance type of the dedicated master nodes. Only with `masterNodes`.
   *
   * @default 'm6g.large.search' when there are dedicated masters
   */
  readonly masterNodeInstanceType?: string;
  /**
   * The gp3 volume of each data node, from 10 GiB to 24 TiB (the largest instance types' limit; smaller types allow
   * less).
   *
   * @default Size.gibibytes(100)
   */
  readonly volumeSize?: Size;
}

/**
 * The nodes of a search domain: data nodes over Availability Zones, dedicated masters, storage.
 */
export class SearchDomainSize {
  /** Two `r6g.large.search` data nodes in two Availability Zones, 100 GiB each, no dedicated masters: dev and staging. */
  public static readonly STANDARD = SearchDomainSize.fromDefaults(DEFAULTS.searchDomain.standard);

  /**
   * Three `r6g.xlarge.search` data nodes in three Availability Zones, 500 GiB each, with three `m6g.large.search`
   * dedicated masters: prod. The domain keeps serving, and electing a master, when one Availability Zone fails.
   */
  public static readonly PRODUCTION = SearchDomainSize.fromDefaults(DEFAULTS.searchDomain.production);

  /**
   * A size of your own.
   */
  public static custom(props: SearchDomainSizeProps): SearchDomainSize {
    const limits = DEFAULTS.searchDomain;
    const name = (prop: string) => `SearchDomainSize.custom(${prop})`;
    for (const [prop, value] of [['dataNodes', props.dataNodes], ['availabilityZones', props.availabilityZones],
      ['masterNodes', props.masterNodes], ['volumeSize', props.volumeSize?.toGibibytes()]] as const) {
      if (value !== undefined && Token.isUnresolved(value)) {
        throw new Error(`Invalid ${name(prop)}: a token. Allowed: a number known at synth time.`);
      }
    }
    const availabilityZones = props.availabilityZones ?? limits.standard.availabilityZones;
    const masterNodes = props.masterNodes ?? 0;
    const volumeSizeGiB = props.volumeSize?.toGibibytes() ?? limits.standard.volumeSizeGiB;
    validateIntegerInRange(name('dataNodes'), props.dataNodes, limits.dataNodesRange.min, limits.dataNodesRange.max);
    validateIntegerInRange(name('availabilityZones'), availabilityZones, limits.availabilityZonesRange.min, limits.availabilityZonesRange.max);
    validateIntegerInRange(name('volumeSize (GiB)'), volumeSizeGiB, limits.volumeSizeGiBRange.min, limits.volumeSizeGiBRange.max);
    if (props.dataNodes % availabilityZones !== 0) {
      throw new Error(`Invalid ${name('dataNodes')}: ${props.dataNodes} over ${availabilityZones} Availability Zones. `
        + 'Allowed: a multiple of availabilityZones, so that every zone holds the same share of shards.');
    }
    if (!(limits.masterNodeCounts as readonly number[]).includes(masterNodes)) {
      throw new Error(`Invalid ${name('masterNodes')}: ${masterNodes}. Allowed: ${limits.masterNodeCounts.join(', ')}.`);
    }
    if (masterNodes === 0 && props.masterNodeInstanceType !== undefined) {
      throw new Error(`Invalid ${name('masterNodeInstanceType')}: given without masterNodes. Allowed: only with masterNodes 3 or 5.`);
    }
    for (const [prop, type] of [['dataNodeInstanceType', props.dataNodeInstanceType], ['masterNodeInstanceType', props.masterNodeInstanceType]]) {
      if (type !== undefined && !/^[a-z0-9]+\.[a-z0-9]+\.search$/.test(type)) {
        throw new Error(`Invalid ${name(prop!)}: "${type}". Allowed: an OpenSearch Service instance type such as "r6g.large.search".`);
      }
    }
    return new SearchDomainSize(props.dataNodes, props.dataNodeInstanceType, availabilityZones, masterNodes,
      masterNodes > 0 ? props.masterNodeInstanceType ?? limits.production.masterNodeInstanceType : undefined, Size.gibibytes(volumeSizeGiB));
  }

  private static fromDefaults(values: {
    dataNodes: number;
    dataNodeInstanceType: string;
    availabilityZones: number;
    masterNodes: number;
    masterNodeInstanceType?: string;
    volumeSizeGiB: number;
  }): SearchDomainSize {
    return new SearchDomainSize(values.dataNodes, values.dataNodeInstanceType, values.availabilityZones, values.masterNodes,
      values.masterNodeInstanceType, Size.gibibytes(values.volumeSizeGiB));
  }

  /** Data nodes. */
  public readonly dataNodes: number;
  /** The instance type of the data nodes. */
  public readonly dataNodeInstanceType: string;
  /** Availability Zones the data nodes are spread over. */
  public readonly availabilityZones: number;
  /** Dedicated master nodes; 0 for none. */
  public readonly masterNodes: number;
  /**
   * The instance type of the dedicated master nodes.
   *
   * @default - none without dedicated masters
   */
  public readonly masterNodeInstanceType?: string;
  /** The gp3 volume of each data node. */
  public readonly volumeSize: Size;

  private constructor(dataNodes: number, dataNodeInstanceType: string, availabilityZones: number, masterNodes: number,
    masterNodeInstanceType: string | undefined, volumeSize: Size) {
    this.dataNodes = dataNodes;
    this.dataNodeInstanceType = dataNodeInstanceType;
    this.availabilityZones = availabilityZones;
    this.masterNodes = masterNodes;
    this.masterNodeInstanceType = masterNodeInstanceType;
    this.volumeSize = volumeSize;
  }
}

/**
 * What a new search domain looks like, shared by `SearchDomainProps` and the OpenSearch sink's options.
 */
export interface SearchDomainOptions {
  /**
   * The nodes.
   *
   * @default SearchDomainSize.STANDARD
   */
  readonly size?: SearchDomainSize;
  /**
   * The OpenSearch version: OpenSearch only, as Elasticsearch versions lack the security API the access configuration
   * uses.
   *
   * @default EngineVersion.OPENSEARCH_2_19
   */
  readonly engineVersion?: opensearch.EngineVersion;
  /**
   * IAM roles that administer the domain: mapped to the `all_access` and `security_manager` OpenSearch roles, for the
   * people and tools that manage indices, dashboards and access. Whoever may assume one of them has full access. Each
   * role also needs an IAM policy of its own that allows `es:ESHttp*` on the domain, e.g. `domain.grantReadWrite(role)`.
   *
   * @default - none: only the domain's security configuration function is an administrator
   */
  readonly adminRoles?: iam.IRole[];
}

/**
 * Properties of a `SearchDomain`.
 */
export interface SearchDomainProps extends SearchDomainOptions {
  /**
   * The VPC the domain runs in. The access configuration function answers CloudFormation through an S3 URL, so the
   * domain's subnets need a route to S3: a gateway endpoint (a `PipelineNetwork` has one) or a NAT gateway.
   */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of `vpc` to place the domain in: the first subnet of each Availability Zone is used, in as many zones as
   * the size asks for. Never public subnets.
   *
   * @default - the VPC's private subnets with egress, or its isolated subnets if it has none
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * The customer-managed KMS key that encrypts the domain's data at rest, its log groups and its security
   * configuration function's environment.
   *
   * @default - a new key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * What happens to the domain, its logs and its fine-grained access configuration when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * How long the domain's logs (application, audit, slow search, slow indexing) and its configuration function's logs
   * are kept.
   *
   * @default RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * An OpenSearch Service domain for the pipeline's search sink, secure by default: in private subnets behind a security
 * group with no inbound rule until a client is allowed, encryption at rest with the KMS key and between nodes, HTTPS
 * only with TLS 1.2 and perfect forward secrecy, fine-grained access control with IAM roles, and application, audit,
 * slow search and slow indexing logs in encrypted log groups.
 *
 * Fine-grained access control is configured through the domain's security REST API by a function in the domain's
 * subnets, which is the domain's master user: `mapWriterRole` maps a writer's IAM role to an OpenSearch role that may
 * write an index pattern, and `adminRoles` are mapped to `all_access` and `security_manager`.
 */
export class SearchDomain extends Construct implements ec2.IConnectable {
  /** The domain. */
  public readonly domain: opensearch.Domain;
  /** The domain's nodes. */
  public readonly size: SearchDomainSize;
  /** The domain's VPC. */
  public readonly vpc: ec2.IVpc;
  /** The domain's subnets, one per Availability Zone it uses. */
  public readonly vpcSubnets: ec2.SubnetSelection;
  /** The domain's security group: allow HTTPS from its clients with `connections.allowDefaultPortFrom(client)`. */
  public readonly connections: ec2.Connections;
  /**
   * The function that applies the fine-grained access configuration, invoked by CloudFormation as the custom
   * resource's handler; its role is the domain's master user.
   */
  public readonly accessFunction: lambda.IFunction;
  /** The custom resource that holds the fine-grained access configuration. */
  public readonly accessConfiguration: CustomResource;

  private readonly writerRoles = new Map<string, iam.IRole[]>();

  constructor(scope: Construct, id: string, props: SearchDomainProps) {
    super(scope, id);
    this.size = props.size ?? SearchDomainSize.STANDARD;
    this.vpc = props.vpc;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const encryptionKey = givenOrNewKey(this, props.encryptionKey, 'the search domain', removalPolicy);
    const retention = props.logRetention ?? DEFAULTS.logRetention;
    const newLogGroup = (logId: string) => encryptedLogGroup(this, logId, { encryptionKey, retention, removalPolicy });

    const engineVersion = props.engineVersion ?? opensearch.EngineVersion.openSearch(DEFAULTS.searchDomain.engineVersion);
    if (!engineVersion.version.startsWith('OpenSearch_')) {
      throw new Error(`Invalid SearchDomainOptions.engineVersion: "${engineVersion.version}". Allowed: an OpenSearch version `
        + '(EngineVersion.openSearch or an OPENSEARCH_ constant): the access configuration uses the OpenSearch security API, '
        + 'which Elasticsearch domains do not have.');
    }
    this.vpcSubnets = { subnets: this.domainSubnets(props) };
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `OpenSearch domain ${pathInStack(this)}: HTTPS from allowed clients only`,
      allowAllOutbound: false,
    });
    this.connections = new ec2.Connections({ securityGroups: [securityGroup], defaultPort: ec2.Port.tcp(HTTPS_PORT) });

    const accessRole = new ManagedPolicyRole(this, 'AccessRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Master user of the OpenSearch domain ${pathInStack(this)}, used by its access configuration function`,
    });
    const domainLogs = {
      slowSearchLogGroup: newLogGroup('SlowSearchLogs'),
      slowIndexLogGroup: newLogGroup('SlowIndexLogs'),
      appLogGroup: newLogGroup('ApplicationLogs'),
      auditLogGroup: newLogGroup('AuditLogs'),
    };
    const domainName = this.uniqueDomainName();
    const stack = Stack.of(this);
    // Our own resource policy instead of the domain's, which aws-cdk-lib writes through a Lambda-backed custom resource.
    const logsPolicy = new logs.ResourcePolicy(this, 'LogsResourcePolicy', {
      policyStatements: [new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('es.amazonaws.com')],
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: Object.values(domainLogs).map(group => group.logGroupArn),
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'es', resource: 'domain', resourceName: domainName }) },
        },
      })],
    });
    const size = this.size;
    this.domain = new opensearch.Domain(this, 'Domain', {
      domainName,
      version: engineVersion,
      vpc: props.vpc,
      vpcSubnets: [this.vpcSubnets],
      securityGroups: [securityGroup],
      capacity: {
        dataNodes: size.dataNodes,
        dataNodeInstanceType: size.dataNodeInstanceType,
        ...(size.masterNodes > 0 ? { masterNodes: size.masterNodes, masterNodeInstanceType: size.masterNodeInstanceType } : {}),
        // Standby would leave a third of the data nodes idle; zone awareness already spreads replicas over the zones.
        multiAzWithStandbyEnabled: false,
      },
      zoneAwareness: size.availabilityZones > 1
        ? { enabled: true, availabilityZoneCount: size.availabilityZones }
        : { enabled: false },
      ebs: { volumeSize: size.volumeSize.toGibibytes(), volumeType: ec2.EbsDeviceVolumeType.GP3 },
      encryptionAtRest: { enabled: true, kmsKey: encryptionKey },
      nodeToNodeEncryption: true,
      enforceHttps: true,
      tlsSecurityPolicy: opensearch.TLSSecurityPolicy.TLS_1_2_PFS,
      fineGrainedAccessControl: { masterUserArn: accessRole.roleArn },
      logging: {
        slowSearchLogEnabled: true,
        slowIndexLogEnabled: true,
        appLogEnabled: true,
        auditLogEnabled: true,
        ...domainLogs,
      },
      suppressLogsResourcePolicy: true,
      enableVersionUpgrade: true,
      enableAutoSoftwareUpdate: true,
      offPeakWindowEnabled: true,
      removalPolicy,
    });
    this.domain.node.addDependency(logsPolicy);
    // On the L1: aws-cdk-lib's accessPolicies would write it through a Lambda-backed custom resource. Requests must be
    // signed by a principal of this account that its IAM policies allow; fine-grained access control decides the rest.
    (this.domain.node.defaultChild as opensearch.CfnDomain).accessPolicies = new iam.PolicyDocument({
      statements: [new iam.PolicyStatement({
        principals: [new iam.AccountRootPrincipal()],
        actions: ['es:ESHttp*'],
        resources: [stack.formatArn({ service: 'es', resource: 'domain', resourceName: `${domainName}/*` })],
      })],
    }).toJSON();
    Validations.of(this.domain).acknowledge({
      id: 'AwsSolutions-OS3',
      reason: 'The domain runs in a VPC, where OpenSearch Service does not support IP-based access policies; only clients its security group admits reach it, and each request must be signed by an IAM principal of this account.',
    });
    if (size.masterNodes === 0) {
      Validations.of(this.domain).acknowledge({
        id: 'AwsSolutions-OS4',
        reason: 'This size has no dedicated master nodes: its data nodes elect the master among themselves, which suits a domain of a few nodes (the dev and staging sizing); SearchDomainSize.PRODUCTION has three dedicated masters.',
      });
    }

    const { fn, configuration } = this.accessConfigurationResource(accessRole, encryptionKey, removalPolicy, retention, props.adminRoles ?? []);
    this.accessFunction = fn;
    this.accessConfiguration = configuration;
  }

  /**
   * Maps an IAM role to an OpenSearch role that may write to indices matching a pattern: bulk requests, creating
   * indices and their mappings, and the cluster and index statistics a writer such as Firehose reads. The IAM
   * permissions to call the domain are the writer's own.
   *
   * @param role the writer's IAM role
   * @param indexPattern the indices it writes, e.g. `enriched-events*`
   * @returns the configuration resource, for writers that must only start once the mapping is in place
   */
  public mapWriterRole(role: iam.IRole, indexPattern: string): IDependable {
    if (indexPattern.trim() === '' || /[\s,]/.test(indexPattern)) {
      throw new Error(`Invalid SearchDomain.mapWriterRole(indexPattern): "${indexPattern}". Allowed: one index name or pattern, without spaces or commas.`);
    }
    const roles = this.writerRoles.get(indexPattern) ?? [];
    this.writerRoles.set(indexPattern, [...roles, role]);
    return this.accessConfiguration;
  }

  /**
   * A name of its own lets the domain's access policy and its logs' resource policy name the domain without referring
   * to the domain itself, which CloudFormation rejects as a circular dependency. The construct path, readable in front
   * and hashed, makes it unique in the stack; the first block of the stack's id makes it unique per deployment, because
   * a retained domain keeps its name after its stack is deleted, and a stack deployed again must not collide with it.
   */
  private uniqueDomainName(): string {
    const { maxDomainNameLength, stackIdBlockLength, pathHashLength } = DEFAULTS.searchDomain;
    const constructPath = pathInStack(this);
    const pathHash = createHash('sha256').update(constructPath).digest('hex').slice(0, pathHashLength);
    // Domain names start with a lowercase letter and hold lowercase letters, digits and hyphens.
    const readable = constructPath.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^[^a-z]+/, '')
      .slice(0, maxDomainNameLength - pathHashLength - stackIdBlockLength - 2).replace(/-+$/, '');
    const stackIdBlock = Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Stack.of(this).stackId))));
    return `${readable || 'search'}-${pathHash}-${stackIdBlock}`;
  }

  /** The first subnet of each of the first Availability Zones of the selection, as many as the size spreads over. */
  private domainSubnets(props: SearchDomainProps): ec2.ISubnet[] {
    const selection = props.vpcSubnets ?? defaultPrivateSubnets(props.vpc, 'SearchDomainProps.vpc');
    const subnets = props.vpc.selectSubnets({ ...selection, onePerAz: true }).subnets;
    const zones = this.size.availabilityZones;
    if (subnets.length < zones) {
      throw new Error(`Invalid SearchDomainProps.vpcSubnets: subnets in ${subnets.length} Availability Zones. `
        + `Allowed: subnets in at least ${zones} Availability Zones, as the domain's size spreads its nodes over ${zones}.`);
    }
    rejectPublicSubnets(props.vpc, subnets, 'SearchDomainProps.vpcSubnets');
    return subnets.slice(0, zones);
  }

  /**
   * The function (in the domain's subnets, the domain's master user) and the custom resource through which it writes
   * roles and role mappings; its configuration is rendered at synthesis, after every `mapWriterRole`.
   */
  private accessConfigurationResource(accessRole: ManagedPolicyRole, encryptionKey: kms.IKey, removalPolicy: RemovalPolicy,
    retention: logs.RetentionDays, adminRoles: iam.IRole[]) {
    const functionGroup = new ec2.SecurityGroup(this, 'AccessFunctionSecurityGroup', {
      vpc: this.vpc,
      description: `Access configuration function of the OpenSearch domain ${pathInStack(this)}: HTTPS to the domain and to S3`,
      allowAllOutbound: false,
    });
    // CloudFormation's response URL is in S3, whose addresses (through a gateway endpoint or NAT) have no group to name.
    functionGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(HTTPS_PORT), 'HTTPS to CloudFormation\'s response URL in S3');
    this.connections.allowDefaultPortFrom(functionGroup, 'Access configuration function');
    const network = { vpc: this.vpc, vpcSubnets: this.vpcSubnets, securityGroups: [functionGroup] };
    grantNetworkInterfaces(this, accessRole, network);
    const securityApi = `${this.domain.domainArn}/_plugins/_security/api`;
    accessRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['es:ESHttpGet', 'es:ESHttpPut', 'es:ESHttpDelete'],
      resources: [`${securityApi}/roles/*`, `${securityApi}/rolesmapping/*`],
    }));
    const logGroup = encryptedLogGroup(this, 'AccessFunctionLogs', { encryptionKey, retention, removalPolicy });
    grantFunctionLogging(accessRole, logGroup);
    const fn = new lambda.Function(this, 'AccessFunction', {
      description: `Writes the fine-grained access roles and mappings of the OpenSearch domain ${pathInStack(this)}`,
      code: lambda.Code.fromAsset(ACCESS_HANDLER_ASSET),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      environment: { NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: 'search-domain-access' },
      environmentEncryption: encryptionKey,
      role: accessRole,
      memorySize: 256,
      timeout: DEFAULTS.searchDomain.accessFunctionTimeout,
      // One configuration resource calls it, one event at a time.
      reservedConcurrentExecutions: 1,
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      ...network,
    });
    dropRoleDependency(fn);
    Validations.of(accessRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Active X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) and the network interface lookups Lambda makes with this role (ec2:DescribeNetworkInterfaces, ec2:DescribeSubnets) support no resource-level permissions.',
    });
    for (const resource of [`${securityApi}/roles/*`, `${securityApi}/rolesmapping/*`]) {
      Validations.of(accessRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagResourceName(this, resource)}]`,
        reason: 'The function reads and writes OpenSearch roles and role mappings of this domain only, by name under the security API; the names are rendered at synthesis.',
      });
    }
    for (const rule of ['Serverless-LambdaDLQ', 'NIST.800.53.R5-LambdaDLQ', 'HIPAA.Security-LambdaDLQ']) {
      Validations.of(fn).acknowledge({
        id: rule,
        reason: 'CloudFormation invokes the function for one stack operation, and the function always answers it, with a failure when the configuration could not be applied, which rolls the stack back; an event in a DLQ would come after CloudFormation stopped waiting, with nothing left to replay it for.',
      });
    }

    const configuration = new CustomResource(this, 'AccessConfiguration', {
      // CloudFormation invokes the function itself, which answers through the response URL (in S3, through the gateway
      // endpoint): every function of the pipeline runs in the VPC, and aws-cdk-lib's provider framework function would
      // not. A function that cannot answer (no route to S3) fails the operation after serviceTimeout, not after an hour.
      serviceToken: fn.functionArn,
      serviceTimeout: DEFAULTS.searchDomain.accessConfigurationTimeout,
      resourceType: 'Custom::SearchDomainAccess',
      // A retained domain keeps its mappings: deleting them would lock its administrators out of a domain that stays.
      removalPolicy: removalPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      properties: {
        Endpoint: this.domain.domainEndpoint,
        Configuration: Lazy.string({ produce: () => Stack.of(this).toJsonString(this.renderAccessConfiguration(adminRoles)) }),
      },
    });
    // The function reaches the domain only once both ends of the HTTPS rule exist.
    configuration.node.addDependency(functionGroup, this.connections.securityGroups[0]);
    return { fn, configuration };
  }

  private renderAccessConfiguration(adminRoles: iam.IRole[]) {
    const writer = DEFAULTS.searchDomain;
    return {
      roles: [...this.writerRoles.entries()].map(([indexPattern, roles]) => ({
        name: `index-writer-${createHash('sha256').update(indexPattern).digest('hex').slice(0, 12)}`,
        clusterPermissions: writer.writerClusterPermissions,
        indexPermissions: [{ indexPatterns: [indexPattern], allowedActions: writer.writerIndexPermissions }],
        backendRoles: roles.map(backendRole),
      })),
      builtInMappings: adminRoles.length === 0 ? [] : ['all_access', 'security_manager'].map(role => ({
        role,
        backendRoles: adminRoles.map(backendRole),
      })),
    };
  }
}

/**
 * A role as fine-grained access control sees it: OpenSearch Service matches the role of a signed request by its ARN
 * without the role's path, so a role with a path mapped by its `roleArn` would never match.
 */
function backendRole(role: iam.IRole): string {
  return Arn.format({ service: 'iam', region: '', account: role.env.account, resource: 'role', resourceName: role.roleName }, Stack.of(role));
}
