import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ShardCalculator, ShardEstimate, ThroughputRequirements } from './shard-calculator';
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
   * Expected traffic, from which `ShardCalculator` sizes a PROVISIONED stream when `shardCount` is not given.
   *
   * @default - no sizing; 1 shard for PROVISIONED
   */
  readonly throughput?: ThroughputRequirements;
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
   * An existing stream to use instead of creating one. Its capacity, retention and encryption stay as they
   * are, so `streamMode`, `shardCount`, `throughput`, `retentionPeriod`, `encryptionKey` and `removalPolicy`
   * must not be given with it.
   *
   * @default - a new stream
   */
  readonly stream?: kinesis.IStream;
  /**
   * The customer-managed KMS key that encrypts the stream at rest.
   *
   * @default - a new key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * A KMS-encrypted Kinesis data stream of the pipeline, or an existing stream, with least-privilege grants,
 * enhanced fan-out consumers, and the metrics the dashboard and alarms read.
 */
export class IngestStream extends Construct {
  /** The Kinesis stream. */
  public readonly stream: kinesis.IStream;
  /**
   * The key that encrypts the stream.
   *
   * @default - none when an existing stream without a key was given
   */
  public readonly encryptionKey?: kms.IKey;
  /**
   * How the shard count was computed from `throughput`.
   *
   * @default - none when the shard count was not computed
   */
  public readonly shardEstimate?: ShardEstimate;

  constructor(scope: Construct, id: string, props: IngestStreamProps = {}) {
    super(scope, id);
    if (props.stream) {
      const conflicting = (['streamMode', 'shardCount', 'throughput', 'retentionPeriod', 'encryptionKey', 'removalPolicy'] as const)
        .filter(prop => props[prop] !== undefined);
      if (conflicting.length > 0) {
        throw new Error(`Invalid IngestStreamProps.${conflicting[0]} with an existing stream. Allowed: omit ${conflicting.join(', ')} when IngestStreamProps.stream is given; they are properties of that stream.`);
      }
      this.stream = props.stream;
      this.encryptionKey = props.stream.encryptionKey;
      return;
    }

    const streamMode = props.streamMode ?? DEFAULTS.stream.mode;
    const retention = props.retentionPeriod ?? DEFAULTS.stream.retention;
    const { min: minHours, max: maxHours } = DEFAULTS.stream.retentionHoursRange;
    validateDurationInRange('IngestStreamProps.retentionPeriod', retention, minHours, maxHours, 'hours');
    this.shardEstimate = this.sizeFromThroughput(streamMode, props);
    const shardCount = this.resolveShardCount(streamMode, props.shardCount ?? this.shardEstimate?.shardCount);

    const encryptionKey = givenOrNewKey(this, props.encryptionKey, 'the Kinesis stream', props.removalPolicy);
    this.encryptionKey = encryptionKey;
    this.stream = new kinesis.Stream(this, 'Stream', {
      streamMode,
      shardCount,
      retentionPeriod: retention,
      encryption: kinesis.StreamEncryption.KMS,
      encryptionKey,
      shardLevelMetrics: [...DEFAULTS.stream.shardLevelMetrics],
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    Validations.of(this.stream).acknowledge({
      id: 'AwsSolutions-KDS3',
      reason: 'A customer-managed key is deliberate: its key policy limits which principals can decrypt records, its rotation is auditable, and NIST 800-53, HIPAA and PCI DSS checks require it. The extra KMS request cost is listed in the cost estimate.',
    });
  }

  /**
   * Adds an enhanced fan-out consumer: a reader with 2 MB/s per shard of its own, pushed over HTTP/2 instead of
   * polling, so it neither shares nor slows the standard consumers.
   *
   * @param name the consumer name, unique for this stream: 1 to 128 letters, digits, `_`, `.` or `-`
   */
  public addConsumer(name: string): kinesis.StreamConsumer {
    if (!/^[a-zA-Z0-9_.-]{1,128}$/.test(name)) {
      throw new Error(`Invalid IngestStream consumer name: "${name}". Allowed: 1 to 128 letters, digits, "_", "." or "-".`);
    }
    return new kinesis.StreamConsumer(this, `Consumer-${name}`, { stream: this.stream, streamConsumerName: name });
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

  /**
   * GetRecords calls throttled because the stream's read throughput (2 MB/s or five calls a second per shard, shared
   * by every reader without a consumer of its own) was exceeded (sum over the period).
   *
   * @default - sum over 5 minutes
   */
  public metricReadThrottled(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stream.metricReadProvisionedThroughputExceeded({ statistic: cloudwatch.Stats.SUM, ...props });
  }

  private sizeFromThroughput(streamMode: kinesis.StreamMode, props: IngestStreamOptions): ShardEstimate | undefined {
    if (props.throughput === undefined) {
      return undefined;
    }
    if (streamMode !== kinesis.StreamMode.PROVISIONED) {
      throw new Error('Invalid IngestStreamProps.throughput with streamMode ON_DEMAND. Allowed: throughput only with streamMode PROVISIONED; on-demand streams size themselves.');
    }
    if (props.shardCount !== undefined) {
      throw new Error(`Invalid IngestStreamProps.throughput together with shardCount ${props.shardCount}. Allowed: one of the two.`);
    }
    return ShardCalculator.estimate(props.throughput);
  }

  private resolveShardCount(streamMode: kinesis.StreamMode, shardCount: number | undefined): number | undefined {
    if (streamMode !== kinesis.StreamMode.PROVISIONED) {
      if (shardCount !== undefined) {
        throw new Error(`Invalid IngestStreamProps.shardCount: ${shardCount} with streamMode ON_DEMAND. Allowed: omit shardCount, or use streamMode PROVISIONED.`);
      }
      return undefined;
    }
    const resolved = shardCount ?? DEFAULTS.stream.provisionedShardCount;
    const { min, max } = DEFAULTS.stream.shardCountRange;
    validateIntegerInRange('IngestStreamProps.shardCount', resolved, min, max);
    return resolved;
  }
}
