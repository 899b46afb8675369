import * as path from 'path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisConsumerEventSource, KinesisEventSource, KinesisEventSourceProps } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { QueueFailureDestination } from './dead-letter-destination';
import { grantStreamWrite } from '../ingest/stream-grants';
import { pathInStack } from '../internal/describe';
import { encryptedLogGroup } from '../internal/encrypted-log-group';
import { givenOrNewKey } from '../internal/encryption-key';
import { ManagedPolicyRole } from '../internal/managed-policy-role';
import { validateDurationInRange, validateIntegerInRange } from '../internal/validation';
import { DEFAULTS } from '../presets/defaults';
import { RecordSchema } from '../schema/record-schema';

/** The handler bundle that `npx projen bundle` builds from lambda-src/ and the npm package ships. */
const HANDLER_ASSET = path.join(__dirname, '..', '..', 'assets', 'enrichment-processor');

/**
 * Tuning of the enrichment processor, shared by `EnrichmentProcessorProps` and the pipeline's props.
 */
export interface EnrichmentProcessorOptions {
  /**
   * The field whose value becomes the partition key of enriched records, so that one user's records stay in
   * order on one shard. Must be a field of the record schema.
   *
   * @default 'user_id'
   */
  readonly partitionKeyField?: string;
  /**
   * Records per invocation, from 1 to 10,000.
   *
   * @default 100
   */
  readonly batchSize?: number;
  /**
   * How long to gather records before invoking, from 0 to 300 seconds.
   *
   * @default Duration.seconds(5)
   */
  readonly maxBatchingWindow?: Duration;
  /**
   * Concurrent batches per shard, from 1 to 10. Records of one partition key stay in order.
   *
   * @default 4
   */
  readonly parallelizationFactor?: number;
  /**
   * Reserved concurrency of the function, which both guarantees and caps its scale.
   *
   * @default 100
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Retries of a failing batch before its position is sent to the dead-letter queue, from 0 to 10,000.
   *
   * @default 5
   */
  readonly retryAttempts?: number;
  /**
   * Memory of the function in MiB, from 128 to 10,240.
   *
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Timeout of one invocation, from 1 to 900 seconds.
   *
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;
  /**
   * How long the function's logs are kept.
   *
   * @default RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Properties of an `EnrichmentProcessor`.
 */
export interface EnrichmentProcessorProps extends EnrichmentProcessorOptions {
  /** The stream the processor reads. */
  readonly sourceStream: kinesis.IStream;
  /**
   * An enhanced fan-out consumer of `sourceStream` to read through, for throughput of its own and lower latency.
   *
   * @default - read the stream directly, sharing its read throughput
   */
  readonly sourceConsumer?: kinesis.IStreamConsumer;
  /** The stream the processor writes enriched records to. */
  readonly destinationStream: kinesis.IStream;
  /**
   * The schema records are validated against.
   *
   * @default RecordSchema.seedEvent()
   */
  readonly recordSchema?: RecordSchema;
  /**
   * The customer-managed KMS key that encrypts the dead-letter queue.
   *
   * @default - a new key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * What happens to the dead-letter queue and log group when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The Lambda function that validates records from the source stream, stamps them with `processed_at`, and
 * forwards them to the destination stream.
 *
 * Invalid records and records that cannot be delivered are never dropped: the function reports the earliest
 * of them as a partial batch failure, so Kinesis retries from there, and after `retryAttempts` the batch's
 * position (shard, sequence numbers) goes to the encrypted dead-letter queue.
 */
export class EnrichmentProcessor extends Construct {
  /** The processor function. */
  public readonly function: lambda.IFunction;
  /** The on-failure destination of the Kinesis event source: one message per batch given up on. */
  public readonly deadLetterQueue: sqs.IQueue;
  /** The function's log group. */
  public readonly logGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: EnrichmentProcessorProps) {
    super(scope, id);
    const options = resolveOptions(props);
    const schema = props.recordSchema ?? RecordSchema.seedEvent();
    if (!schema.hasField(options.partitionKeyField)) {
      throw new Error(`Invalid EnrichmentProcessorProps.partitionKeyField: "${options.partitionKeyField}". `
        + `Allowed: a field of the record schema (${schema.fields.map(field => field.name).join(', ')}).`);
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const encryptionKey = givenOrNewKey(this, props.encryptionKey, 'the dead-letter queue', removalPolicy);

    const deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: encryptionKey,
      enforceSSL: true,
      retentionPeriod: DEFAULTS.processor.deadLetterRetention,
      removalPolicy,
    });
    for (const rule of ['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy']) {
      Validations.of(deadLetterQueue).acknowledge({
        id: rule,
        reason: 'This queue is itself the dead-letter queue (on-failure destination) of the Kinesis event source mapping; a queue behind it would only move the same messages again.',
      });
    }
    this.deadLetterQueue = deadLetterQueue;

    this.logGroup = encryptedLogGroup(this, 'LogGroup', { encryptionKey, retention: options.logRetention, removalPolicy });

    const role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the enrichment processor ${pathInStack(this)}`,
    });
    // Instead of the AWSLambdaBasicExecutionRole managed policy, which allows writing to any log group.
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [this.logGroup.logGroupArn],
    }));

    const fn = new lambda.Function(this, 'Function', {
      description: `Validates and enriches records of the streaming pipeline ${pathInStack(this)}`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(HANDLER_ASSET),
      role,
      memorySize: options.memorySize,
      timeout: options.timeout,
      reservedConcurrentExecutions: options.reservedConcurrentExecutions,
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        OUTPUT_STREAM_NAME: props.destinationStream.streamName,
        RECORD_SCHEMA: schema.toJson(),
        PARTITION_KEY_FIELD: options.partitionKeyField,
        POWERTOOLS_SERVICE_NAME: 'enrichment-processor',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Active X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
    });
    for (const rule of ['Serverless-LambdaDLQ', 'NIST.800.53.R5-LambdaDLQ', 'HIPAA.Security-LambdaDLQ']) {
      Validations.of(fn).acknowledge({
        id: rule,
        reason: 'The function is invoked synchronously by the Kinesis event source mapping, whose on-failure destination is this construct\'s dead-letter queue; a function-level DLQ only applies to asynchronous invocations.',
      });
    }

    const eventSourceProps: KinesisEventSourceProps = {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: options.batchSize,
      maxBatchingWindow: options.maxBatchingWindow,
      parallelizationFactor: options.parallelizationFactor,
      retryAttempts: options.retryAttempts,
      bisectBatchOnError: true,
      reportBatchItemFailures: true,
      onFailure: new QueueFailureDestination(deadLetterQueue),
    };
    if (props.sourceConsumer && props.sourceConsumer.stream.streamArn !== props.sourceStream.streamArn) {
      throw new Error('Invalid EnrichmentProcessorProps.sourceConsumer: it consumes another stream than sourceStream. Allowed: a consumer of sourceStream.');
    }
    fn.addEventSource(props.sourceConsumer
      ? new KinesisConsumerEventSource(props.sourceConsumer, eventSourceProps)
      : new KinesisEventSource(props.sourceStream, eventSourceProps));
    grantStreamWrite(props.destinationStream, fn);
    this.function = fn;
  }

  /**
   * Errors of the processor function (sum over the period).
   *
   * @default - sum over 5 minutes
   */
  public metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.function.metricErrors({ statistic: cloudwatch.Stats.SUM, ...props });
  }

  /**
   * Invocations of the processor function (sum over the period).
   *
   * @default - sum over 5 minutes
   */
  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.function.metricInvocations({ statistic: cloudwatch.Stats.SUM, ...props });
  }

  /**
   * Messages waiting in the dead-letter queue (maximum over the period).
   *
   * @default - maximum over 5 minutes
   */
  public metricDeadLetterMessages(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }
}

function resolveOptions(props: EnrichmentProcessorOptions) {
  const defaults = DEFAULTS.processor;
  const resolved = {
    partitionKeyField: props.partitionKeyField ?? defaults.partitionKeyField,
    batchSize: props.batchSize ?? defaults.batchSize,
    maxBatchingWindow: props.maxBatchingWindow ?? defaults.maxBatchingWindow,
    parallelizationFactor: props.parallelizationFactor ?? defaults.parallelizationFactor,
    reservedConcurrentExecutions: props.reservedConcurrentExecutions ?? defaults.reservedConcurrentExecutions,
    retryAttempts: props.retryAttempts ?? defaults.retryAttempts,
    memorySize: props.memorySize ?? defaults.memorySizeMiB,
    timeout: props.timeout ?? defaults.timeout,
    logRetention: props.logRetention ?? DEFAULTS.logRetention,
  };
  const prop = (name: string) => `EnrichmentProcessorProps.${name}`;
  validateIntegerInRange(prop('batchSize'), resolved.batchSize, defaults.batchSizeRange.min, defaults.batchSizeRange.max);
  validateDurationInRange(prop('maxBatchingWindow'), resolved.maxBatchingWindow,
    defaults.maxBatchingWindowSecondsRange.min, defaults.maxBatchingWindowSecondsRange.max, 'seconds');
  validateIntegerInRange(prop('parallelizationFactor'), resolved.parallelizationFactor,
    defaults.parallelizationFactorRange.min, defaults.parallelizationFactorRange.max);
  validateIntegerInRange(prop('reservedConcurrentExecutions'), resolved.reservedConcurrentExecutions, 1, 1_000_000);
  validateIntegerInRange(prop('retryAttempts'), resolved.retryAttempts, defaults.retryAttemptsRange.min, defaults.retryAttemptsRange.max);
  validateIntegerInRange(prop('memorySize'), resolved.memorySize, defaults.memorySizeMiBRange.min, defaults.memorySizeMiBRange.max);
  validateDurationInRange(prop('timeout'), resolved.timeout, defaults.timeoutSecondsRange.min, defaults.timeoutSecondsRange.max, 'seconds');
  return resolved;
}
