import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { grantStreamWrite } from './stream-grants';
import { givenOrNewKey } from '../internal/encryption-key';
import { validateDurationInRange, validateIntegerInRange } from '../internal/validation';
import { DEFAULTS } from '../presets/defaults';

/**
 * Options of a pipeline stream, shared by the ingest and the enriched stream.
 */
export interface IngestStreamOptions {
  /**
   * Capacity mode.
   *
   * @default StreamMode.ON_DEMAND
   */
  readonly streamMode?: kinesis.StreamMode;
  /**
   * Number of shards of a PROVISIONED stream (1 MB/s or 1,000 records/s of writes and 2 MB/s of reads each).
   * Not allowed with ON_DEMAND.
   *
   * @default 1 for PROVISIONED
   */
  readonly shardCount?: number;
  /**
   * How long the stream keeps records, from 24 to 8,760 hours.
   *
   * @default Duration.hours(24)
   */
  readonly retentionPeriod?: Duration;
  /**
   * What happens to the stream when it leaves the stack. Records in a deleted stream are gone.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Properties of an `IngestStream`.
 */
export interface IngestStreamProps extends IngestStreamOptions {
  /**
   * The customer-managed KMS key that encrypts the stream at rest.
   *
   * @default - a new key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * A KMS-encrypted Kinesis data stream of the pipeline, with least-privilege grants and the metrics the
 * dashboard and alarms read.
 */
export class IngestStream extends Construct {
  /** The Kinesis stream. */
  public readonly stream: kinesis.IStream;
  /** The key that encrypts the stream. */
  public readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: IngestStreamProps = {}) {
    super(scope, id);
    const streamMode = props.streamMode ?? DEFAULTS.stream.mode;
    const retention = props.retentionPeriod ?? DEFAULTS.stream.retention;
    const { min: minHours, max: maxHours } = DEFAULTS.stream.retentionHoursRange;
    validateDurationInRange('IngestStreamProps.retentionPeriod', retention, minHours, maxHours, 'hours');

    let shardCount: number | undefined;
    if (streamMode === kinesis.StreamMode.PROVISIONED) {
      shardCount = props.shardCount ?? DEFAULTS.stream.provisionedShardCount;
      const { min, max } = DEFAULTS.stream.shardCountRange;
      validateIntegerInRange('IngestStreamProps.shardCount', shardCount, min, max);
    } else if (props.shardCount !== undefined) {
      throw new Error(`Invalid IngestStreamProps.shardCount: ${props.shardCount} with streamMode ON_DEMAND. Allowed: omit shardCount, or use streamMode PROVISIONED.`);
    }

    this.encryptionKey = givenOrNewKey(this, props.encryptionKey, 'the Kinesis stream', props.removalPolicy);

    this.stream = new kinesis.Stream(this, 'Stream', {
      streamMode,
      shardCount,
      retentionPeriod: retention,
      encryption: kinesis.StreamEncryption.KMS,
      encryptionKey: this.encryptionKey,
      shardLevelMetrics: [...DEFAULTS.stream.shardLevelMetrics],
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    Validations.of(this.stream).acknowledge({
      id: 'AwsSolutions-KDS3',
      reason: 'A customer-managed key is deliberate: its key policy limits which principals can decrypt records, its rotation is auditable, and NIST 800-53, HIPAA and PCI DSS checks require it. The extra KMS request cost is listed in the cost estimate.',
    });
  }

  /**
   * Lets the grantee put records: PutRecord, PutRecords, ListShards, DescribeStreamSummary on this stream, and
   * `kms:GenerateDataKey` on its key.
   */
  public grantWrite(grantee: iam.IGrantable): iam.Grant {
    return grantStreamWrite(this.stream, grantee);
  }

  /**
   * Lets the grantee read records, including `kms:Decrypt` on the stream's key.
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.stream.grantRead(grantee);
  }

  /**
   * Age of the oldest record read by GetRecords, the processing lag (maximum over the period).
   *
   * @default - maximum over 5 minutes
   */
  public metricIteratorAge(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stream.metricGetRecordsIteratorAgeMilliseconds({ statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }

  /**
   * Records successfully put into the stream (sum over the period).
   *
   * @default - sum over 5 minutes
   */
  public metricIncomingRecords(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stream.metricIncomingRecords({ statistic: cloudwatch.Stats.SUM, ...props });
  }

  /**
   * Bytes successfully put into the stream (sum over the period).
   *
   * @default - sum over 5 minutes
   */
  public metricIncomingBytes(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stream.metricIncomingBytes({ statistic: cloudwatch.Stats.SUM, ...props });
  }

  /**
   * Puts rejected because the stream's write throughput was exceeded (sum over the period).
   *
   * @default - sum over 5 minutes
   */
  public metricWriteThrottled(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stream.metricWriteProvisionedThroughputExceeded({ statistic: cloudwatch.Stats.SUM, ...props });
  }
}
