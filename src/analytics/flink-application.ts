import * as fs from 'fs';
import { ArnFormat, Duration, Fn, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kinesisanalytics from 'aws-cdk-lib/aws-kinesisanalyticsv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { pathInStack } from '../internal/describe';
import { encryptedLogGroup } from '../internal/encrypted-log-group';
import { givenOrNewKey } from '../internal/encryption-key';
import { placeFunctionInVpc } from '../internal/function-network';
import { ManagedPolicyRole } from '../internal/managed-policy-role';
import { nagResourceName } from '../internal/nag-finding';
import { validateDurationInRange, validateIntegerInRange } from '../internal/validation';
import { DEFAULTS } from '../presets/defaults';


/**
 * Where the application's JAR is, as the application configuration names it.
 */
export interface FlinkApplicationCodeConfig {
  /** The ARN of the bucket that holds the JAR. */
  readonly bucketArn: string;
  /** The key of the JAR in the bucket. */
  readonly fileKey: string;
  /**
   * The version of the JAR object.
   *
   * @default - the object's latest version
   */
  readonly objectVersion?: string;
}

/**
 * The JAR a `FlinkApplication` runs.
 */
export abstract class FlinkApplicationCode {
  /**
   * A JAR file on this machine, uploaded as an asset when the stack is deployed.
   *
   * @param path the JAR file, e.g. `target/aggregations-1.0.jar`; it must exist at synthesis
   */
  public static fromAsset(path: string): FlinkApplicationCode {
    const prop = 'FlinkApplicationCode.fromAsset(path)';
    if (!path.toLowerCase().endsWith('.jar')) {
      throw new Error(`Invalid ${prop}: "${path}" is not a .jar file. Allowed: the path of the application's JAR file, e.g. target/app.jar.`);
    }
    if (!fs.existsSync(path) || !fs.statSync(path).isFile()) {
      throw new Error(`Invalid ${prop}: "${path}" does not exist or is not a file. `
        + 'Allowed: the path of a JAR file that exists at synthesis; build the application (e.g. mvn package) first.');
    }
    return new AssetCode(path);
  }

  /**
   * A JAR already in S3. The application's role may read this object only; if the bucket is encrypted with a
   * customer-managed key that `bucket.encryptionKey` does not name (e.g. an imported bucket), grant `kms:Decrypt` on
   * it to `FlinkApplication.grantPrincipal`.
   *
   * @param bucket the bucket that holds the JAR
   * @param fileKey the key of the JAR in the bucket
   * @param objectVersion the version of the JAR object, for a versioned bucket; pins the application to it
   */
  public static fromBucket(bucket: s3.IBucket, fileKey: string, objectVersion?: string): FlinkApplicationCode {
    for (const [prop, value] of [['fileKey', fileKey], ['objectVersion', objectVersion]] as const) {
      if (value !== undefined && !Token.isUnresolved(value) && value.trim() === '') {
        throw new Error(`Invalid FlinkApplicationCode.fromBucket(${prop}): "${value}". Allowed: a non-blank ${prop === 'fileKey' ? 'object key' : 'version id'}.`);
      }
    }
    return new BucketCode(bucket, fileKey, objectVersion);
  }

  /**
   * Makes the code available in the scope and lets the grantee read exactly the JAR object.
   *
   * @param scope the application that runs the code
   * @param grantee the application's role
   */
  public abstract bind(scope: Construct, grantee: iam.IGrantable): FlinkApplicationCodeConfig;
}

class BucketCode extends FlinkApplicationCode {
  constructor(private readonly bucket: s3.IBucket, private readonly fileKey: string, private readonly objectVersion?: string) {
    super();
  }

  public bind(_scope: Construct, grantee: iam.IGrantable): FlinkApplicationCodeConfig {
    return readObject(this.bucket, this.fileKey, this.objectVersion, grantee);
  }
}

class AssetCode extends FlinkApplicationCode {
  constructor(private readonly path: string) {
    super();
  }

  public bind(scope: Construct, grantee: iam.IGrantable): FlinkApplicationCodeConfig {
    const asset = new s3assets.Asset(scope, 'Code', { path: this.path });
    return readObject(asset.bucket, asset.s3ObjectKey, undefined, grantee);
  }
}

/**
 * Lets the grantee read one object, one version of it when a version is named, instead of `bucket.grantRead`, which
 * allows the whole bucket and listing it.
 */
function readObject(bucket: s3.IBucket, fileKey: string, objectVersion: string | undefined, grantee: iam.IGrantable): FlinkApplicationCodeConfig {
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: objectVersion === undefined ? ['s3:GetObject'] : ['s3:GetObject', 's3:GetObjectVersion'],
    resources: [bucket.arnForObjects(fileKey)],
  }));
  bucket.encryptionKey?.grantDecrypt(grantee);
  return { bucketArn: bucket.bucketArn, fileKey, objectVersion };
}

/**
 * How much the application logs to CloudWatch Logs.
 */
export enum FlinkLogLevel {
  /** Everything, for troubleshooting only: the volume grows with the records processed. */
  DEBUG = 'DEBUG',
  /** Lifecycle events, warnings and errors. */
  INFO = 'INFO',
  /** Warnings and errors. */
  WARN = 'WARN',
  /** Errors only. */
  ERROR = 'ERROR',
}

/**
 * At which level Managed Flink publishes the application's metrics to CloudWatch.
 */
export enum FlinkMetricsLevel {
  /** One series per metric for the whole application. */
  APPLICATION = 'APPLICATION',
  /** Also per task. */
  TASK = 'TASK',
  /** Also per operator. */
  OPERATOR = 'OPERATOR',
  /** Also per parallel subtask; costly above a parallelism of 64, as every subtask is a metric series of its own. */
  PARALLELISM = 'PARALLELISM',
}

/**
 * How a Flink application runs, shared by `FlinkApplicationProps` and the pipeline's `analytics` options.
 */
export interface FlinkApplicationOptions {
  /**
   * The Flink runtime: `FLINK-1_15`, `FLINK-1_18`, `FLINK-1_19` or `FLINK-1_20`. Only `FLINK-1_20` encrypts the
   * application state with `encryptionKey`; older runtimes encrypt it with an AWS-owned key.
   *
   * @default 'FLINK-1_20'
   */
  readonly runtime?: string;
  /**
   * Parallel tasks the application starts with, from 1 to 256; with `autoScaling`, the least it scales in to.
   *
   * @default 1
   */
  readonly parallelism?: number;
  /**
   * Parallel tasks per KPU (1 vCPU, 4 GiB), from 1 to 8: more for applications that wait on I/O.
   *
   * @default 1
   */
  readonly parallelismPerKpu?: number;
  /**
   * Whether Managed Flink raises the parallelism under load, and lowers it back to `parallelism` afterwards.
   *
   * @default true
   */
  readonly autoScaling?: boolean;
  /**
   * How often Flink checkpoints the application's state, from 1 second to 24 hours, in whole seconds. Checkpointing is
   * always on: after a failure, the application resumes from the last checkpoint.
   *
   * @default Duration.seconds(60)
   */
  readonly checkpointInterval?: Duration;
  /**
   * The least time between the end of one checkpoint and the start of the next, from 0 to 24 hours, in whole
   * seconds, so that slow checkpoints leave time for processing.
   *
   * @default Duration.seconds(5)
   */
  readonly minPauseBetweenCheckpoints?: Duration;
  /**
   * How much the application logs.
   *
   * @default FlinkLogLevel.INFO
   */
  readonly logLevel?: FlinkLogLevel;
  /**
   * At which level the application's metrics are published.
   *
   * @default FlinkMetricsLevel.APPLICATION
   */
  readonly metricsLevel?: FlinkMetricsLevel;
  /**
   * Runtime properties of your own, by property group id (1 to 50 letters, digits, `_`, `.` or `-`), at most 49 groups
   * of at most 50 properties. The group `FlinkApplicationProperties` is the construct's and is rejected.
   *
   * @default - only the construct's group
   */
  readonly propertyGroups?: { [groupId: string]: { [key: string]: string } };
  /**
   * The VPC to run the application in, for sources and sinks that only a VPC reaches. The application then reaches
   * Kinesis and every other AWS API through this VPC only: the subnets need a NAT gateway or interface endpoints.
   * The role gets the network interface permissions Managed Flink needs: creating interfaces in `vpcSubnets` with
   * `securityGroups`, deleting and sharing interfaces of this account and region, and describing the network.
   *
   * @default - outside any VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * The subnets of `vpc` for the application's network interfaces, at most 16. Only with `vpc`.
   *
   * @default - the VPC's private subnets with egress, or its isolated subnets if it has none
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * The application's security groups, 1 to 5. They must allow outbound traffic to what the application calls. Only
   * with `vpc`.
   *
   * @default - a new security group: no inbound rule, outbound HTTPS (443) only
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * How long the application's logs are kept.
   *
   * @default RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Whether Managed Flink takes a snapshot when the application stops or is updated, and restores it on start.
   *
   * @default true
   */
  readonly snapshotsEnabled?: boolean;
}

/**
 * Properties of a `FlinkApplication`.
 */
export interface FlinkApplicationProps extends FlinkApplicationOptions {
  /**
   * The stream the application reads. Its name, ARN and region are passed to the application in the property group
   * `FlinkApplicationProperties` (`source.stream.name`, `source.stream.arn`, `aws.region`); the role may read it
   * (polling, and `SubscribeToShard` through an existing enhanced fan-out consumer) and decrypt it with its key.
   */
  readonly sourceStream: kinesis.IStream;
  /** The application's JAR: `FlinkApplicationCode.fromAsset(...)` or `FlinkApplicationCode.fromBucket(...)`. */
  readonly code: FlinkApplicationCode;
  /**
   * The customer-managed KMS key that encrypts the application's state (checkpoints, snapshots and running state,
   * with `FLINK-1_20`) and its log group. Its key policy must allow Managed Flink's service principals, which this
   * construct adds to a key of this stack; the owner of an imported key adds them (see the AWS documentation "Key
   * management in Amazon Managed Service for Apache Flink"). Managed Flink uses rotated key material after its next
   * restart.
   *
   * @default - a new key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * What happens to the application, its log group and its new key when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A Managed Service for Apache Flink application that reads the pipeline's source stream, for real-time aggregations
 * and windowing in Flink code of your own. Checkpointing is always on; the state and the logs are encrypted with a
 * customer-managed key; the logs go to an encrypted log group; the role may read the source stream, the JAR and its
 * own log stream, and nothing else until you grant more through `grantPrincipal`.
 */
export class FlinkApplication extends Construct implements ec2.IConnectable, iam.IGrantable {
  /** The application. */
  public readonly application: kinesisanalytics.CfnApplication;
  /** The application's name, which CloudFormation generates. */
  public readonly applicationName: string;
  /** The application's ARN. */
  public readonly applicationArn: string;
  /** The application's service execution role. */
  public readonly role: iam.IRole;
  /** The log group of the application's log stream. */
  public readonly logGroup: logs.ILogGroup;
  /** The application's security groups in its VPC; none outside a VPC. */
  public readonly connections: ec2.Connections;
  /** The role: grant it access to the application's sinks. */
  public readonly grantPrincipal: iam.IPrincipal;

  private readonly sourceStreamName: string;

  constructor(scope: Construct, id: string, props: FlinkApplicationProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const settings = resolveSettings(props);
    this.sourceStreamName = props.sourceStream.streamName;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const encryptsState = (DEFAULTS.flink.customerManagedKeyRuntimes as readonly string[]).includes(settings.runtime);
    const encryptionKey = givenOrNewKey(this, props.encryptionKey,
      encryptsState ? 'the Flink application state and logs' : 'the Flink application logs', removalPolicy);

    const role = new ManagedPolicyRole(this, 'Role', {
      // Only Managed Flink applications of this account may use the role (the confused deputy).
      assumedBy: new iam.ServicePrincipal('kinesisanalytics.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: `Service execution role of the Flink application ${pathInStack(this)}`,
    });
    this.role = role;
    this.grantPrincipal = role;
    // Polling reads and SubscribeToShard through a consumer, and kms:Decrypt on the stream's key.
    props.sourceStream.grantRead(role);
    const code = props.code.bind(this, role);

    const logGroup = encryptedLogGroup(this, 'LogGroup', { encryptionKey, retention: settings.logRetention, removalPolicy });
    this.logGroup = logGroup;
    const logStream = new logs.LogStream(this, 'LogStream', { logGroup, removalPolicy });
    const logStreamArn = this.logGroupArn(logGroup, `log-stream:${logStream.logStreamName}`);
    this.allowLogging(role, logGroup, logStreamArn);

    const network = props.vpc ? this.placeInVpc(props.vpc, props, role) : undefined;
    this.connections = new ec2.Connections({ securityGroups: network?.securityGroups });

    if (encryptsState) {
      allowManagedFlinkToUseKey(encryptionKey, stack);
    }

    this.application = new kinesisanalytics.CfnApplication(this, 'Resource', {
      applicationDescription: `Flink application ${pathInStack(this)}, reading its source stream`,
      runtimeEnvironment: settings.runtime,
      serviceExecutionRole: role.roleArn,
      applicationConfiguration: {
        applicationCodeConfiguration: {
          // A JAR is a zip archive: Managed Flink reads JAR and zip code from S3 as ZIPFILE; PLAINTEXT is for SQL.
          codeContentType: 'ZIPFILE',
          codeContent: { s3ContentLocation: code },
        },
        flinkApplicationConfiguration: {
          checkpointConfiguration: {
            configurationType: 'CUSTOM',
            checkpointingEnabled: true,
            checkpointInterval: settings.checkpointInterval.toMilliseconds(),
            minPauseBetweenCheckpoints: settings.minPauseBetweenCheckpoints.toMilliseconds(),
          },
          monitoringConfiguration: {
            configurationType: 'CUSTOM',
            logLevel: props.logLevel ?? DEFAULTS.flink.logLevel,
            metricsLevel: props.metricsLevel ?? DEFAULTS.flink.metricsLevel,
          },
          parallelismConfiguration: {
            configurationType: 'CUSTOM',
            parallelism: settings.parallelism,
            parallelismPerKpu: settings.parallelismPerKpu,
            autoScalingEnabled: props.autoScaling ?? DEFAULTS.flink.autoScaling,
          },
        },
        applicationSnapshotConfiguration: { snapshotsEnabled: props.snapshotsEnabled ?? DEFAULTS.flink.snapshotsEnabled },
        applicationEncryptionConfiguration: encryptsState
          ? { keyType: 'CUSTOMER_MANAGED_KEY', keyId: encryptionKey.keyArn }
          : { keyType: 'AWS_OWNED_KEY' },
        environmentProperties: { propertyGroups: propertyGroups(props) },
        vpcConfigurations: network && [{
          subnetIds: network.subnetIds,
          securityGroupIds: network.securityGroups.map(group => group.securityGroupId),
        }],
      },
    });
    this.application.applyRemovalPolicy(removalPolicy);
    // Managed Flink checks with the role that it can read the JAR when the application is created, and runs it with
    // whatever the role allows at that moment: the role's managed policy must exist first. (The role itself is
    // referenced already.)
    this.application.node.addDependency(role.managedPolicy!);
    this.applicationName = this.application.ref;
    this.applicationArn = stack.formatArn({ service: 'kinesisanalytics', resource: 'application', resourceName: this.applicationName });

    new kinesisanalytics.CfnApplicationCloudWatchLoggingOption(this, 'Logging', {
      applicationName: this.applicationName,
      cloudWatchLoggingOption: { logStreamArn },
    });
  }

  /**
   * How long the job has been running without interruption, in milliseconds; -1 once the job has completed. A drop
   * is a restart, which the minimum shows.
   *
   * @default - minimum over 5 minutes
   */
  public metricUptime(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('uptime', { statistic: cloudwatch.Stats.MINIMUM, ...props });
  }

  /**
   * How long the job has been failing or recovering, in milliseconds; 0 while it runs, -1 once it has completed.
   *
   * @default - maximum over 5 minutes
   */
  public metricDowntime(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('downtime', { statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }

  /**
   * Full restarts of the job since it was submitted, a counter that only grows: a rise between periods is a restart
   * (Managed Flink's maintenance restarts it too).
   *
   * @default - maximum over 5 minutes
   */
  public metricFullRestarts(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('fullRestarts', { statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }

  /**
   * Failed checkpoints, a counter that only grows: a rise between periods is a failed checkpoint.
   *
   * @default - maximum over 5 minutes
   */
  public metricNumberOfFailedCheckpoints(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('numberOfFailedCheckpoints', { statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }

  /**
   * How long the last checkpoint took, in milliseconds; approaching `checkpointInterval` means checkpoints fall
   * behind.
   *
   * @default - maximum over 5 minutes
   */
  public metricLastCheckpointDuration(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('lastCheckpointDuration', { statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }

  /**
   * How far the Kinesis source is behind the tip of the source stream, in milliseconds: the records lag. Managed
   * Flink publishes the Kinesis connector's `millisBehindLatest` per stream with the dimensions `Application`, `Flow`
   * (`Input`) and `Id` (the stream name, hyphens written as underscores), as AWS's dashboards for `FlinkKinesisConsumer` use them. For another source
   * connector, pass the dimensions it is published with as `dimensionsMap`.
   *
   * @default - maximum over 5 minutes
   */
  public metricMillisBehindLatest(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('millisBehindLatest', {
      statistic: cloudwatch.Stats.MAXIMUM,
      // Managed Flink writes the stream name with underscores for hyphens in this dimension.
      dimensionsMap: { Application: this.applicationName, Flow: 'Input', Id: Fn.join('_', Fn.split('-', this.sourceStreamName)) },
      ...props,
    });
  }

  /**
   * A metric Managed Flink publishes for this application in `AWS/KinesisAnalytics`, with the dimension `Application`.
   *
   * @param metricName e.g. `cpuUtilization`, `heapMemoryUtilization`, `numRecordsInPerSecond`
   * @default - average over 5 minutes
   */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: DEFAULTS.flink.metricsNamespace,
      metricName,
      dimensionsMap: { Application: this.applicationName },
      ...props,
    }).attachTo(this);
  }

  /** A log group's ARN without aws-cdk-lib's trailing `:*`, followed by a part below it, e.g. `log-stream:*`. */
  private logGroupArn(logGroup: logs.ILogGroup, below: string): string {
    return Stack.of(this).formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: `${logGroup.logGroupName}:${below}`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  /** The CloudWatch Logs permissions Managed Flink documents for an application's role, for this log stream. */
  private allowLogging(role: iam.IRole, logGroup: logs.ILogGroup, logStreamArn: string): void {
    const stack = Stack.of(this);
    // DescribeLogGroups lists log groups, so IAM matches it against a pattern of log groups, never one group: AWS
    // documents the account's log groups in this region for it. It reads names and settings, no log events.
    const logGroups = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const logStreams = this.logGroupArn(logGroup, 'log-stream:*');
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:DescribeLogGroups'], resources: [logGroups] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:DescribeLogStreams'], resources: [logStreams] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:PutLogEvents'], resources: [logStreamArn] }));
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagResourceName(this, logGroups)}]`,
      reason: 'Managed Flink checks the application\'s log group with logs:DescribeLogGroups, a list action that IAM matches '
        + 'against a log group pattern only: AWS documents the account\'s log groups in this region for it. It reads log '
        + 'group names and settings, no log events; writing is limited to the application\'s own log stream.',
    });
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagResourceName(this, logStreams)}]`,
      reason: 'Managed Flink finds the application\'s log stream with logs:DescribeLogStreams, which lists the streams of '
        + 'one log group: the pattern is the streams of this application\'s own log group. It reads stream names, no '
        + 'log events.',
    });
  }

  /** The application's network placement, and the network interface permissions Managed Flink needs with the role. */
  private placeInVpc(vpc: ec2.IVpc, props: FlinkApplicationProps, role: iam.IRole) {
    const prop = (name: string) => `FlinkApplicationProps.${name}`;
    const limits = DEFAULTS.flink.vpcConfiguration;
    const network = placeFunctionInVpc(this, role, vpc, {
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroups,
      vpcProp: prop('vpc'),
      groupDescription: `Flink application ${pathInStack(this)}: no inbound, HTTPS outbound`,
      // Nothing connects to a Flink application; it calls Kinesis, CloudWatch and the other AWS APIs over HTTPS, through
      // interface endpoints or NAT, whose addresses are not fixed: any address, but port 443 only. Sinks on other ports
      // (e.g. a database) are opened through `connections`.
      httpsEgressReason: 'HTTPS to AWS APIs through VPC endpoints or NAT',
      user: {
        service: 'Managed Flink',
        subject: 'application',
        // Managed Flink shares the interfaces it creates with its own account (the permission), and deletes them on stop.
        interfaceActions: ['ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface'],
        describeActions: ['ec2:DescribeDhcpOptions', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs'],
      },
    });
    const subnetIds = vpc.selectSubnets(network.vpcSubnets).subnetIds;
    validateIntegerInRange(`${prop('vpcSubnets')} (subnets)`, subnetIds.length, 1, limits.maxSubnets);
    validateIntegerInRange(`${prop('securityGroups')} (security groups)`, network.securityGroups.length, 1, limits.maxSecurityGroups);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Managed Flink checks the application\'s network with ec2:DescribeVpcs, DescribeSubnets, DescribeSecurityGroups, '
        + 'DescribeDhcpOptions and DescribeNetworkInterfaces, which support no resource-level permissions. They read the '
        + 'network configuration only.',
    });
    return { subnetIds, securityGroups: network.securityGroups };
  }
}

/** The keys of the construct's property group, which application code reads. */
const SOURCE_STREAM_NAME = 'source.stream.name';
const SOURCE_STREAM_ARN = 'source.stream.arn';
const AWS_REGION = 'aws.region';

/**
 * Lets Managed Flink use the key for the state of this account's applications, as AWS documents for a customer-managed
 * key: `kinesisanalytics` for durable state (checkpoints, snapshots), `infrastructure.kinesisanalytics` for running
 * state. AWS names the application's ARN in the conditions; here every application of this account and region is
 * named, because the application refers to the key and CloudFormation names the application, so the key policy
 * cannot refer back to it. The stack's deployment role configures the application with the key through the key
 * policy's account statement and its IAM permissions.
 */
function allowManagedFlinkToUseKey(key: kms.IKey, stack: Stack): void {
  const applicationArns = stack.formatArn({ service: 'kinesisanalytics', resource: 'application', resourceName: '*' });
  const service = new iam.ServicePrincipal('kinesisanalytics.amazonaws.com');
  const infrastructure = new iam.ServicePrincipal('infrastructure.kinesisanalytics.amazonaws.com');
  const fromApplications = { StringEquals: { 'aws:SourceAccount': stack.account }, ArnLike: { 'aws:SourceArn': applicationArns } };
  const forApplications = { 'kms:EncryptionContext:aws:kinesisanalytics:arn': applicationArns };
  const statements = [
    { principals: [service, infrastructure], actions: ['kms:DescribeKey'], conditions: fromApplications },
    { principals: [service], actions: ['kms:GenerateDataKey'], conditions: { ...fromApplications, StringLike: forApplications } },
    { principals: [service], actions: ['kms:Decrypt'], conditions: { StringLike: forApplications } },
    { principals: [infrastructure], actions: ['kms:Decrypt', 'kms:GenerateDataKeyWithoutPlaintext'], conditions: { StringLike: forApplications } },
    {
      principals: [infrastructure],
      actions: ['kms:CreateGrant'],
      conditions: {
        'StringLike': forApplications,
        'StringEquals': { 'kms:GrantConstraintType': 'EncryptionContextSubset' },
        'ForAllValues:StringEquals': { 'kms:GrantOperations': 'Decrypt' },
      },
    },
  ];
  for (const statement of statements) {
    key.addToResourcePolicy(new iam.PolicyStatement({ ...statement, resources: ['*'] }));
  }
}

/** The construct's property group, then the user's groups, after checking them against Managed Flink's limits. */
function propertyGroups(props: FlinkApplicationProps): kinesisanalytics.CfnApplication.PropertyGroupProperty[] {
  const limits = DEFAULTS.flink;
  const prop = 'FlinkApplicationProps.propertyGroups';
  const own = limits.applicationPropertiesGroupId;
  const userGroups = Object.entries(props.propertyGroups ?? {});
  validateIntegerInRange(`${prop} (groups)`, userGroups.length, 0, limits.maxPropertyGroups - 1, `${own} is the construct's`);
  for (const [groupId, properties] of userGroups) {
    if (groupId === own) {
      throw new Error(`Invalid ${prop}: "${own}". Allowed: group ids other than ${own}, the construct's group of `
        + `${SOURCE_STREAM_NAME}, ${SOURCE_STREAM_ARN} and ${AWS_REGION}.`);
    }
    if (!limits.propertyGroupIdPattern.test(groupId)) {
      throw new Error(`Invalid ${prop}: "${groupId}". Allowed: group ids of 1 to 50 letters, digits, "_", "." or "-".`);
    }
    validateIntegerInRange(`${prop}.${groupId} (properties)`, Object.keys(properties).length, 1, limits.maxPropertiesPerGroup);
  }
  const stream = props.sourceStream;
  return [
    {
      propertyGroupId: own,
      propertyMap: { [SOURCE_STREAM_NAME]: stream.streamName, [SOURCE_STREAM_ARN]: stream.streamArn, [AWS_REGION]: stream.env.region },
    },
    ...userGroups.map(([propertyGroupId, propertyMap]) => ({ propertyGroupId, propertyMap })),
  ];
}

/** The props that have defaults and limits, resolved and validated. */
function resolveSettings(props: FlinkApplicationProps) {
  const defaults = DEFAULTS.flink;
  const prop = (name: string) => `FlinkApplicationProps.${name}`;
  const runtime = props.runtime ?? defaults.runtime;
  if (!(defaults.runtimes as readonly string[]).includes(runtime)) {
    throw new Error(`Invalid ${prop('runtime')}: "${runtime}". Allowed: ${defaults.runtimes.join(', ')}.`);
  }
  const settings = {
    runtime,
    parallelism: props.parallelism ?? defaults.parallelism,
    parallelismPerKpu: props.parallelismPerKpu ?? defaults.parallelismPerKpu,
    checkpointInterval: props.checkpointInterval ?? defaults.checkpointInterval,
    minPauseBetweenCheckpoints: props.minPauseBetweenCheckpoints ?? defaults.minPauseBetweenCheckpoints,
    logRetention: props.logRetention ?? DEFAULTS.logRetention,
  };
  validateIntegerInRange(prop('parallelism'), settings.parallelism, defaults.parallelismRange.min, defaults.parallelismRange.max);
  validateIntegerInRange(prop('parallelismPerKpu'), settings.parallelismPerKpu, defaults.parallelismPerKpuRange.min,
    defaults.parallelismPerKpuRange.max);
  const interval = defaults.checkpointIntervalSecondsRange;
  validateDurationInRange(prop('checkpointInterval'), settings.checkpointInterval, interval.min, interval.max, 'seconds');
  const pause = defaults.minPauseBetweenCheckpointsSecondsRange;
  validateDurationInRange(prop('minPauseBetweenCheckpoints'), settings.minPauseBetweenCheckpoints, pause.min, pause.max, 'seconds');
  for (const name of ['vpcSubnets', 'securityGroups'] as const) {
    if (props[name] !== undefined && props.vpc === undefined) {
      throw new Error(`Invalid ${prop(name)}: set without vpc. Allowed: only together with ${prop('vpc')}.`);
    }
  }
  return settings;
}
