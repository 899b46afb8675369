import { RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import { CfnDeliveryStream } from 'aws-cdk-lib/aws-kinesisfirehose';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IDependable } from 'constructs';
import { FirehoseTransformer } from './firehose-transformer';
import { pathInStack } from '../internal/describe';
import { encryptedLogGroup } from '../internal/encrypted-log-group';
import { givenOrNewKey } from '../internal/encryption-key';
import { ManagedPolicyRole } from '../internal/managed-policy-role';
import { DEFAULTS } from '../presets/defaults';

/**
 * Properties every Firehose sink shares.
 */
export interface FirehoseSinkProps {
  /** The stream whose records the sink delivers. */
  readonly sourceStream: kinesis.IStream;
  /**
   * The customer-managed KMS key that encrypts what the sink stores: its error logs and the buckets it creates.
   *
   * @default - a new key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * What happens to the resources that hold data (buckets, log groups, keys) when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * How long Firehose error logs are kept.
   *
   * @default RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The CloudWatch metric names of a sink's destination, in the `AWS/Firehose` namespace.
 */
export interface FirehoseDestinationMetrics {
  /** Share of successful deliveries, e.g. `DeliveryToS3.Success`. */
  readonly success: string;
  /** Age of the oldest record not yet delivered, e.g. `DeliveryToS3.DataFreshness`. */
  readonly dataFreshness: string;
}

/**
 * What every sink of the pipeline has: a Firehose delivery stream reading a Kinesis stream, a delivery role that
 * may read that stream and write the sink's error log group (KMS-encrypted, with retention) and nothing else until
 * the sink adds its destination, and the metrics the dashboard needs. `S3DataLakeSink` is one.
 */
export abstract class FirehoseSink extends Construct {
  /** The role Firehose assumes to read the stream and write the destination. */
  public readonly role: iam.IRole;
  /** The log group of Firehose delivery errors. */
  public readonly logGroup: logs.ILogGroup;
  /** The key that encrypts the error logs and whatever the sink stores itself. */
  public readonly encryptionKey: kms.IKey;
  /** The name of the Firehose delivery stream. */
  public abstract readonly deliveryStreamName: string;

  /** The metric names of the destination. */
  protected abstract readonly destinationMetrics: FirehoseDestinationMetrics;
  /** What the delivery stream must wait for: the role's policy with the source and logging statements. */
  protected readonly deliveryPolicy: IDependable;
  /** What happens to the resources that hold data when they leave the stack. */
  protected readonly removalPolicy: RemovalPolicy;
  private readonly managedRole: ManagedPolicyRole;

  /**
   * @param stores what the sink's own key encrypts, for the key's description
   */
  protected constructor(scope: Construct, id: string, props: FirehoseSinkProps, stores: string) {
    super(scope, id);
    // Grant S3 log delivery through a bucket policy instead of the legacy ACL, so that the buckets a sink creates
    // can disable ACLs whatever the app's feature flags say; context must be set before the first child exists.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    this.removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.encryptionKey = givenOrNewKey(this, props.encryptionKey, stores, this.removalPolicy);
    this.logGroup = encryptedLogGroup(this, 'LogGroup', {
      encryptionKey: this.encryptionKey,
      retention: props.logRetention ?? DEFAULTS.logRetention,
      removalPolicy: this.removalPolicy,
    });
    this.managedRole = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com'),
      description: `Lets Firehose read the enriched stream and deliver it for ${pathInStack(this)}`,
    });
    this.role = this.managedRole;
    const source = props.sourceStream;
    this.deliveryPolicy = this.addToDeliveryPolicy(new iam.PolicyStatement({
      actions: ['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetShardIterator', 'kinesis:GetRecords', 'kinesis:ListShards'],
      resources: [source.streamArn],
    }));
    if (source.encryptionKey) {
      this.addToDeliveryPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [source.encryptionKey.keyArn] }));
    }
    this.addToDeliveryPolicy(new iam.PolicyStatement({ actions: ['logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }));
  }

  /**
   * Records the delivery stream read from the source stream, rereads after a failover included (sum over the
   * period). Firehose reports `IncomingRecords` only for direct puts; a stream source has
   * `DataReadFromKinesisStream.Records`.
   *
   * @default - sum over 5 minutes
   */
  public metricIncomingRecords(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('DataReadFromKinesisStream.Records', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  /**
   * How far the delivery stream's reading is behind the newest record of the source stream, in milliseconds
   * (maximum over the period): data freshness counts from when a record reaches Firehose, so only this shows a
   * delivery stream that cannot read its source.
   *
   * @default - maximum over 5 minutes
   */
  public metricSourceLag(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('KinesisMillisBehindLatest', { statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }

  /**
   * The sink's delivery lag in seconds: the larger of its data freshness and its source lag (maximum over the
   * period), so that it grows both when Firehose cannot deliver and when it cannot read.
   *
   * @default - over 5 minutes
   */
  public metricDeliveryLag(props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: 'MAX([freshness, sourceLag / 1000])',
      usingMetrics: {
        freshness: this.metricDataFreshness({ period: props?.period }),
        sourceLag: this.metricSourceLag({ period: props?.period }),
      },
      label: 'delivery lag (s)',
      ...props,
    });
  }

  /**
   * Share of successful deliveries to the destination (average over the period, 1 = all succeeded).
   *
   * @default - average over 5 minutes
   */
  public metricDeliverySuccess(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(this.destinationMetrics.success, { statistic: cloudwatch.Stats.AVERAGE, ...props });
  }

  /**
   * Age of the oldest record not yet delivered to the destination, in seconds (maximum over the period).
   *
   * @default - maximum over 5 minutes
   */
  public metricDataFreshness(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(this.destinationMetrics.dataFreshness, { statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }

  /**
   * A metric of the delivery stream in the `AWS/Firehose` namespace.
   *
   * @default - average over 5 minutes
   */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/Firehose',
      metricName,
      dimensionsMap: { DeliveryStreamName: this.deliveryStreamName },
      ...props,
    });
  }

  /**
   * The Lambda processing step of an L1 destination, with the delivery role allowed to invoke exactly that function.
   */
  protected processingConfiguration(transformer: FirehoseTransformer): CfnDeliveryStream.ProcessingConfigurationProperty {
    this.addToDeliveryPolicy(new iam.PolicyStatement({
      actions: ['lambda:InvokeFunction', 'lambda:GetFunctionConfiguration'],
      resources: [transformer.function.functionArn],
    }));
    const parameters = {
      LambdaArn: transformer.function.functionArn,
      BufferSizeInMBs: String(transformer.bufferingSize.toMebibytes()),
      BufferIntervalInSeconds: String(transformer.bufferingInterval.toSeconds()),
    };
    return {
      enabled: true,
      processors: [{
        type: 'Lambda',
        parameters: Object.entries(parameters).map(([parameterName, parameterValue]) => ({ parameterName, parameterValue })),
      }],
    };
  }

  /** Adds a statement to the one customer-managed policy of the delivery role. */
  protected addToDeliveryPolicy(statement: iam.PolicyStatement): IDependable {
    return this.managedRole.addToPrincipalPolicy(statement).policyDependable!;
  }

  /** The delivery role as Firehose L2 destinations get it: they may not widen its policy. */
  protected immutableRole(): iam.IRole {
    return this.managedRole.withoutPolicyUpdates();
  }
}
