import * as path from 'path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisConsumerEventSource, KinesisEventSource, KinesisEventSourceProps } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { QueueFailureDestination } from './dead-letter-destination';
import { GeoLocationOptions, geoLocationEnvironment } from './geo-location';
import { ProcessorMetric } from './processor-metric';
import { DeduplicationOptions, processorState, SessionizationOptions } from './processor-state';
import { ReferenceCache, ReferenceCacheSize } from './reference-cache';
import { grantStreamWrite } from '../ingest/stream-grants';
import { pathInStack } from '../internal/describe';
import { encryptedLogGroup, grantFunctionLogging } from '../internal/encrypted-log-group';
import { encryptedTable } from '../internal/encrypted-table';
import { givenOrNewKey } from '../internal/encryption-key';
import { placeFunctionInVpc } from '../internal/function-network';
import { ManagedPolicyRole } from '../internal/managed-policy-role';
import { dropRoleDependency } from '../internal/redundant-dependencies';
import { validateDurationInRange, validateIntegerInRange } from '../internal/validation';
import { ServiceEndpoints } from '../networking/service-endpoints';
import { DEFAULTS } from '../presets/defaults';
import { FieldType, RecordSchema, SchemaField } from '../schema/record-schema';

/** The handler bundle that `npx projen bundle` builds from lambda-src/ and the npm package ships. */
const HANDLER_ASSET = path.join(__dirname, '..', '..', 'assets', 'enrichment-processor');

/**
 * How the processor normalizes valid records. Timestamps are always rewritten in UTC
 * (`2024-01-15T11:30:00+01:00` becomes `2024-01-15T10:30:00Z`).
 */
export interface NormalizationOptions {
  /**
   * String or timestamp fields of the record schema whose surrounding whitespace is removed.
   *
   * @default - none
   */
  readonly trimFields?: string[];
  /**
   * String or timestamp fields of the record schema that are lower-cased, e.g. ids that producers spell
   * inconsistently.
   *
   * @default - none
   */
  readonly lowerCaseFields?: string[];
  /**
   * Whether fields that the record schema does not name are dropped instead of passed on.
   *
   * @default false
   */
  readonly dropUnknownFields?: boolean;
}

/**
 * Enrichment of each record with reference data (e.g. a user profile) read from a DynamoDB table, behind a cache
 * in the function's memory.
 */
export interface ReferenceDataOptions {
  /**
   * The table to read. Its partition key must be a string attribute named `keyAttribute`, without a sort key.
   *
   * @default - a new table: on-demand, point-in-time recovery, encrypted with the processor's key, deletion
   * protection unless `removalPolicy` is DESTROY
   */
  readonly table?: dynamodb.ITable;
  /**
   * The record field whose value is looked up. Must be a field of the record schema; records without a
   * non-empty string value get no profile.
   *
   * @default 'user_id'
   */
  readonly keyField?: string;
  /**
   * The table's partition key attribute.
   *
   * @default - the same name as `keyField`
   */
  readonly keyAttribute?: string;
  /**
   * The attributes of an item that go into the record.
   *
   * @default - every attribute of the item
   */
  readonly attributes?: string[];
  /**
   * The field the profile is written to: an object, or null when the table has no item for the key. Any
   * producer-supplied value is overwritten. Must not be a field of the record schema.
   *
   * @default 'user_profile'
   */
  readonly targetField?: string;
  /**
   * Profiles (and "not found" answers) each execution environment keeps, from 1 to 1,000,000. Size it to the
   * function's memory and the size of the items.
   *
   * @default 10000
   */
  readonly cacheSize?: number;
  /**
   * How long a cached answer is used, from 0 (no cache) to 86,400 seconds: the longest a table change takes to
   * reach records.
   *
   * @default Duration.seconds(300)
   */
  readonly cacheTtl?: Duration;
  /**
   * Turns on the shared cache tier with these options: ElastiCache for Valkey between each execution environment's
   * cache and the table, so that a cold start or a new instance finds the profiles other instances read. Needs the
   * processor in a VPC (`vpc`). A cache error never fails a record: the table answers instead.
   *
   * @default - no shared cache
   */
  readonly sharedCache?: SharedReferenceCacheOptions;
}

/**
 * The shared reference cache of an enrichment processor.
 */
export interface SharedReferenceCacheOptions {
  /**
   * An existing cache to use; the processor gets access to it (`grantConnect`, its security group) and writes under
   * its key prefix. `size` and `nodeType` must not be given with it.
   *
   * @default - a new `ReferenceCache` in the processor's VPC and subnets, encrypted with the processor's key
   */
  readonly cache?: ReferenceCache;
  /**
   * Shards and replicas of a new cache.
   *
   * @default - the pipeline preset's size (single node in dev, primary and replica in staging, a two-shard cluster
   * in prod); ReferenceCacheSize.STANDARD for a processor outside a pipeline
   */
  readonly size?: ReferenceCacheSize;
  /**
   * Node type of a new cache.
   *
   * @default - cache.t4g.micro for a single node, cache.r7g.large otherwise
   */
  readonly nodeType?: string;
  /**
   * How long a profile stays in the shared cache, from 1 second to 24 hours: the longest a table change takes to
   * reach records, together with `cacheTtl`.
   *
   * @default Duration.minutes(15)
   */
  readonly ttl?: Duration;
}

/**
 * Your own handler in place of the bundled one, in any Lambda runtime. The function keeps everything else: its event
 * source mapping, role, log group, dead-letter queue, concurrency, memory, timeout, tracing, arm64 and the processor's
 * environment.
 *
 * The contract: the event is a Kinesis stream event (`Records[].kinesis.data` base64, `Records[].kinesis.sequenceNumber`),
 * at most `batchSize` records of one shard in order. The response is `{ "batchItemFailures": [{ "itemIdentifier":
 * "<sequence number>" }] }`: report the earliest record not yet finished (invalid, or not written to the
 * destination stream) and Kinesis retries the batch from there; an empty list checkpoints the whole batch, and a
 * thrown error retries all of it. After `retryAttempts` the batch's position goes to the dead-letter queue. The
 * environment carries the processor's configuration: `OUTPUT_STREAM_NAME` (the destination stream, which the role
 * may write to), `RECORD_SCHEMA` (the record schema as JSON), `PARTITION_KEY_FIELD`, `DEAD_LETTER_QUEUE_URL` (where
 * invalid records go; the role may send to it), `REFERENCE_*` with `referenceData`, `NORMALIZE_*` and
 * `UNKNOWN_FIELDS` with `normalization`, `STATE_TABLE_NAME`, `SESSION_*` and `DEDUP_*` with `sessionization` and
 * `deduplication`, `GEO_*` with `geoLocation` (the README's "Handler environment" lists them all). Your handler is
 * responsible for honouring them; the construct only sets them.
 */
export interface CustomHandlerOptions {
  /**
   * The handler's code, e.g. `Code.fromAsset(...)`, `Code.fromInline(...)` or, with `Runtime.FROM_IMAGE` and
   * `Handler.FROM_IMAGE`, a container image built for arm64.
   */
  readonly code: lambda.Code;
  /** The handler's entry point in the runtime's notation, e.g. `index.handler` or `app.handler`. */
  readonly handler: string;
  /** The runtime of `code`; it must support arm64. */
  readonly runtime: lambda.Runtime;
  /**
   * Variables of your own, added to the processor's. A key the processor sets is rejected.
   *
   * @default - the processor's variables only
   */
  readonly environment?: { [key: string]: string };
}

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
   * The age after which a failing batch's records are given up on (their positions go to the dead-letter queue),
   * from 60 seconds to 7 days.
   *
   * @default Duration.hours(24)
   */
  readonly maxRecordAge?: Duration;
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
  /**
   * Turns on enrichment with reference data from DynamoDB with these options. A record whose lookup still fails
   * after retries is reported like an undeliverable record, so it is retried, never forwarded unenriched.
   *
   * @default - no reference enrichment
   */
  readonly referenceData?: ReferenceDataOptions;
  /**
   * How valid records are normalized before they are enriched.
   *
   * @default - timestamps in UTC; no trimming, no lower-casing, unknown fields kept
   */
  readonly normalization?: NormalizationOptions;
  /**
   * Runs your own handler instead of the bundled one, with the same wiring and environment.
   *
   * @default - the bundled Node.js handler
   */
  readonly customHandler?: CustomHandlerOptions;
  /**
   * Turns on sessionization (`session_id` on every record) with these options.
   *
   * @default - no sessionization
   */
  readonly sessionization?: SessionizationOptions;
  /**
   * Turns on deduplication by event id with these options. The `PROD` preset turns it on with the defaults.
   *
   * @default - no deduplication
   */
  readonly deduplication?: DeduplicationOptions;
  /**
   * The table that holds sessionization and deduplication state. Its partition key must be a string named `pk` and
   * its TTL attribute `expires_at`.
   *
   * @default - a new table (on-demand, TTL, point-in-time recovery, encrypted with the processor's key) when
   * sessionization or deduplication is on
   */
  readonly stateTable?: dynamodb.ITable;
  /**
   * Turns on `geo_location` with these sources.
   *
   * @default - no geo_location
   */
  readonly geoLocation?: GeoLocationOptions;
  /**
   * The VPC to run the function in. Its role then gets the network interface permissions Lambda needs: creating
   * interfaces only in the chosen subnets with the function's security groups, describing, deleting and
   * re-addressing network interfaces of this account and region.
   *
   * @default - outside any VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * The subnets of `vpc` the function (and the interface endpoints) run in. Only with `vpc`.
   *
   * @default - the VPC's private subnets with egress, or its isolated subnets if it has none
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * The function's security groups, at least one. They must allow outbound HTTPS to the AWS APIs the handler calls.
   * Only with `vpc`.
   *
   * @default - a new security group: no inbound rule, outbound HTTPS (443) only
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * Whether the construct creates the endpoints the processor's network path needs in `vpc`: gateway endpoints for
   * DynamoDB and S3 on the route tables of `vpcSubnets`, and interface endpoints with private DNS for Kinesis Data
   * Streams and SQS in `vpcSubnets`, reachable on 443 from the function's security groups only. (Lambda itself
   * delivers the function's logs and traces.)
   * With them, isolated subnets work and this traffic does not pass (and pay for) NAT.
   *
   * Set it to false when the VPC already has endpoints for any of these services (interface endpoints with private
   * DNS, or gateway endpoints on the same route tables), e.g. a second processor in the same VPC: two such
   * endpoints clash and the deployment fails; a `StreamingPipeline` uses its `PipelineNetwork`'s endpoints instead.
   * Private DNS applies to the whole VPC, so other clients in it that call Kinesis or SQS go through these endpoints too and must be allowed in with
   * `vpcEndpointConnections.allowDefaultPortFrom(...)`. Only with `vpc`.
   *
   * @default - true when `vpc` is given
   */
  readonly vpcEndpoints?: boolean;
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
 * The Lambda function that validates and normalizes records from the source stream, optionally drops duplicates,
 * derives `session_id` and `geo_location`, adds reference data, stamps `processed_at`, and forwards them to the
 * destination stream.
 *
 * No record is dropped: an invalid record goes to the encrypted dead-letter queue with its data and the reasons; a
 * record that cannot be finished now (a throttled write, an unavailable table) is reported as the partial batch
 * failure, so Kinesis retries from there, and after `retryAttempts` or `maxRecordAge` the batch's position (shard,
 * sequence numbers) goes to the same queue.
 */
export class EnrichmentProcessor extends Construct implements ec2.IConnectable {
  /** The processor function. */
  public readonly function: lambda.IFunction;
  /** The on-failure destination of the Kinesis event source: one message per batch given up on. */
  public readonly deadLetterQueue: sqs.IQueue;
  /** The stream the processor reads. */
  public readonly sourceStream: kinesis.IStream;
  /**
   * The enhanced fan-out consumer the processor reads `sourceStream` through.
   *
   * @default - none: the processor shares the stream's read throughput
   */
  public readonly sourceConsumer?: kinesis.IStreamConsumer;
  /** The function's log group. */
  public readonly logGroup: logs.ILogGroup;
  /**
   * The table records are enriched from.
   *
   * @default - none unless `referenceData` is given
   */
  public readonly referenceTable?: dynamodb.ITable;
  /**
   * The table of sessionization and deduplication state.
   *
   * @default - none unless `sessionization` or `deduplication` is on
   */
  public readonly stateTable?: dynamodb.ITable;
  /**
   * The shape of the records on the destination stream: the record schema plus the fields the bundled handler adds
   * (the reference profile, `session_id`, `geo_location` when those are on, and `processed_at`). The data lake
   * table is generated from it. A custom handler that adds other fields should pass its own schema to the sinks.
   */
  public readonly outputSchema: RecordSchema;
  /**
   * The shared reference cache.
   *
   * @default - none unless `referenceData.sharedCache` is given
   */
  public readonly referenceCache?: ReferenceCache;
  /**
   * The VPC endpoints the construct created: DynamoDB and S3 (gateway), Kinesis Data Streams and SQS (interface).
   *
   * @default - none unless `vpc` is given and `vpcEndpoints` is not false
   */
  public readonly vpcEndpoints?: ec2.IVpcEndpoint[];
  /**
   * Network access to the interface endpoints: HTTPS from the function's security groups. Allow other clients of the
   * VPC with `allowDefaultPortFrom(...)`.
   *
   * @default - none unless `vpc` is given and `vpcEndpoints` is not false
   */
  public readonly vpcEndpointConnections?: ec2.Connections;
  /** The function's security groups in a VPC (none outside one): allow it into what it calls over the network. */
  public readonly connections: ec2.Connections;

  constructor(scope: Construct, id: string, props: EnrichmentProcessorProps) {
    super(scope, id);
    const options = resolveOptions(props);
    const schema = props.recordSchema ?? RecordSchema.seedEvent();
    if (!schema.hasField(options.partitionKeyField)) {
      throw new Error(`Invalid EnrichmentProcessorProps.partitionKeyField: "${options.partitionKeyField}". `
        + `Allowed: a field of the record schema (${schema.fields.map(field => field.name).join(', ')}).`);
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const createsTable = (props.referenceData !== undefined && props.referenceData.table === undefined)
      || ((props.sessionization !== undefined || (props.deduplication !== undefined && props.deduplication.enabled !== false))
        && props.stateTable === undefined);
    const encryptionKey = givenOrNewKey(this, props.encryptionKey,
      createsTable ? 'the dead-letter queue and the processor tables' : 'the dead-letter queue', removalPolicy);

    const deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: encryptionKey,
      enforceSSL: true,
      retentionPeriod: DEFAULTS.processor.deadLetterRetention,
      maxMessageSizeBytes: DEFAULTS.processor.deadLetterMaxMessageBytes,
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
    grantFunctionLogging(role, this.logGroup);

    let referenceEnvironment: Record<string, string> = {};
    let referenceField: SchemaField | undefined;
    if (props.referenceData) {
      const referenceOptions = resolveReferenceData(props.referenceData, schema);
      referenceField = {
        name: referenceOptions.targetField,
        type: FieldType.OBJECT,
        description: `Reference profile looked up by ${referenceOptions.keyField}; null when there is none`,
      };
      this.referenceTable = props.referenceData.table ?? encryptedTable(this, 'ReferenceTable', {
        partitionKey: referenceOptions.keyAttribute,
        encryptionKey,
        removalPolicy,
        backupPlanReason: 'Point-in-time recovery (restore to any second of the last 35 days) and deletion protection are on; '
          + 'the pipeline only reads this table. Long-term copies in an AWS Backup vault (vault, retention, copy to '
          + 'another region or account) are the data owner\'s organisation-wide choice, made by selecting the table in their plan.',
      });
      referenceEnvironment = readReferenceData(this.referenceTable, referenceOptions, role);
    }

    const state = processorState(this, {
      sessionization: props.sessionization,
      deduplication: props.deduplication,
      table: props.stateTable,
      schema,
      encryptionKey,
      removalPolicy,
      grantee: role,
      invocationTimeout: options.timeout,
    });
    this.stateTable = state.table;
    this.outputSchema = enrichedSchema(schema, [
      ...(referenceField ? [referenceField] : []),
      ...(props.sessionization ? [{ name: SESSION_ID_FIELD, type: FieldType.STRING, description: 'Session of the user, derived by the processor' }] : []),
      ...(props.geoLocation ? [{ name: GEO_LOCATION_FIELD, type: FieldType.OBJECT, description: 'Location from the profile or the client IP; null when unknown' }] : []),
      { name: PROCESSED_AT_FIELD, type: FieldType.TIMESTAMP, description: 'When the processor handled the record (UTC)' },
    ]);

    const observability = DEFAULTS.processorObservability;
    const environment: Record<string, string> = {
      OUTPUT_STREAM_NAME: props.destinationStream.streamName,
      RECORD_SCHEMA: schema.toJson(),
      PARTITION_KEY_FIELD: options.partitionKeyField,
      DEAD_LETTER_QUEUE_URL: deadLetterQueue.queueUrl,
      POWERTOOLS_SERVICE_NAME: PROCESSOR_SERVICE_NAME,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      POWERTOOLS_LOGGER_SAMPLE_RATE: String(observability.debugLogSampleRate),
      POWERTOOLS_METRICS_NAMESPACE: observability.metricsNamespace,
      ...referenceEnvironment,
      ...normalizationEnvironment(options.normalization, schema),
      ...state.environment,
      ...geoLocationEnvironment(props.geoLocation ?? {}, schema, props.referenceData !== undefined),
    };
    const network = options.vpc && placeFunctionInVpc(this, role, options.vpc, {
      ...options,
      vpcProp: 'EnrichmentProcessorProps.vpc',
      groupDescription: `Enrichment processor ${pathInStack(this)}: no inbound, HTTPS outbound`,
      // The handler only calls AWS APIs, through the VPC endpoints or NAT; nothing calls the function over the network.
      httpsEgressReason: 'HTTPS to AWS APIs through VPC endpoints or NAT',
    });
    this.connections = new ec2.Connections({ securityGroups: network?.securityGroups });
    const sharedCache = props.referenceData?.sharedCache;
    if (sharedCache !== undefined) {
      if (network === undefined) {
        throw new Error('Invalid EnrichmentProcessorProps.referenceData.sharedCache: given without vpc. '
          + 'Allowed: only together with EnrichmentProcessorProps.vpc, since ElastiCache runs in a VPC.');
      }
      this.referenceCache = this.sharedReferenceCache(sharedCache, network, encryptionKey, removalPolicy);
      this.referenceCache.grantConnect(role);
      Object.assign(environment, this.referenceCache.environmentVariables(), {
        REFERENCE_SHARED_CACHE_TTL_SECONDS: String(resolveSharedCacheTtl(sharedCache).toSeconds()),
      });
    }

    const fn = new lambda.Function(this, 'Function', {
      description: `Validates and enriches records of the streaming pipeline ${pathInStack(this)}`,
      ...(props.customHandler ? customHandlerProps(props.customHandler, environment) : bundledHandlerProps(environment)),
      architecture: lambda.Architecture.ARM_64,
      role,
      memorySize: options.memorySize,
      timeout: options.timeout,
      reservedConcurrentExecutions: options.reservedConcurrentExecutions,
      // The environment (table and stream names, the record schema) is encrypted with the pipeline key like everything else.
      environmentEncryption: encryptionKey,
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      ...network,
    });
    dropRoleDependency(fn);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Active X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.'
        + (network ? ' In a VPC, the same holds for ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets, which Lambda calls with this role to manage the function\'s network interfaces.' : ''),
    });
    if (network && options.vpcEndpoints) {
      const endpoints = new ServiceEndpoints(this, 'Endpoints', { ...network, servedBy: 'the enrichment processor' });
      // The event source mapping (a child of the function) starts reading once the network path exists: in isolated
      // subnets, batches read earlier would fail and use up their retries.
      fn.node.addDependency(...endpoints.allow(this, DEFAULTS.network.clientEndpoints.processor));
      this.vpcEndpoints = endpoints.endpoints;
      this.vpcEndpointConnections = endpoints.connections;
    }
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
      maxRecordAge: options.maxRecordAge,
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
    this.sourceStream = props.sourceStream;
    this.sourceConsumer = props.sourceConsumer;
    grantStreamWrite(props.destinationStream, fn);
    this.function = fn;
    this.referenceCache?.connections.allowDefaultPortFrom(fn, 'Enrichment processor');
  }

  private sharedReferenceCache(
    options: SharedReferenceCacheOptions,
    network: { vpc: ec2.IVpc; vpcSubnets: ec2.SubnetSelection },
    encryptionKey: kms.IKey,
    removalPolicy: RemovalPolicy,
  ): ReferenceCache {
    if (options.cache !== undefined) {
      if (options.size !== undefined || options.nodeType !== undefined) {
        throw new Error('Invalid EnrichmentProcessorProps.referenceData.sharedCache: size or nodeType given with cache. '
          + 'Allowed: either an existing cache, or the size and node type of a new one.');
      }
      return options.cache;
    }
    return new ReferenceCache(this, 'ReferenceCache', {
      vpc: network.vpc,
      vpcSubnets: network.vpcSubnets,
      size: options.size,
      nodeType: options.nodeType,
      encryptionKey,
      removalPolicy,
    });
  }

  /**
   * The processor's lag: the age of the oldest record of `sourceStream` it has not read yet (maximum over the period).
   * Kinesis reports it per enhanced fan-out consumer (`SubscribeToShardEvent.MillisBehindLatest`) or, for readers that
   * share the stream, per stream (`GetRecords.IteratorAgeMilliseconds`); the stream-wide metric has no data for a
   * consumer, so an alarm on it would never fire.
   *
   * @default - maximum over 5 minutes, in milliseconds
   */
  public metricIteratorAge(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (this.sourceConsumer === undefined) {
      return this.sourceStream.metricGetRecordsIteratorAgeMilliseconds({ statistic: cloudwatch.Stats.MAXIMUM, ...props });
    }
    return new cloudwatch.Metric({
      namespace: 'AWS/Kinesis',
      metricName: 'SubscribeToShardEvent.MillisBehindLatest',
      dimensionsMap: { StreamName: this.sourceStream.streamName, ConsumerName: this.sourceConsumer.streamConsumerName },
      statistic: cloudwatch.Stats.MAXIMUM,
      ...props,
    });
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

  /**
   * One of the metrics the bundled handler publishes per batch (a custom handler publishes none unless it uses the
   * same namespace and dimensions).
   *
   * @default - sum over 5 minutes (average for the ratio and the latency)
   */
  public metric(metricName: ProcessorMetric, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    const averaged = metricName === ProcessorMetric.REFERENCE_CACHE_HIT_RATIO || metricName === ProcessorMetric.REFERENCE_LOOKUP_LATENCY;
    return new cloudwatch.Metric({
      namespace: DEFAULTS.processorObservability.metricsNamespace,
      metricName,
      dimensionsMap: { service: PROCESSOR_SERVICE_NAME, FunctionName: this.function.functionName },
      statistic: averaged ? cloudwatch.Stats.AVERAGE : cloudwatch.Stats.SUM,
      ...props,
    });
  }
}

/** The handler's Powertools service name: a dimension of its metrics and a key of its logs. */
const PROCESSOR_SERVICE_NAME = 'enrichment-processor';

/** The fields the handler adds (lambda-src/enrichment-processor/enrich.ts and geo.ts). */
const PROCESSED_AT_FIELD = 'processed_at';
const SESSION_ID_FIELD = 'session_id';
const GEO_LOCATION_FIELD = 'geo_location';

/** The record schema with the derived fields, which replace record fields of the same name as the handler does. */
function enrichedSchema(schema: RecordSchema, derived: SchemaField[]): RecordSchema {
  const derivedNames = new Set(derived.map(field => field.name));
  return RecordSchema.fromFields([...schema.fields.filter(field => !derivedNames.has(field.name)), ...derived]);
}

/** The bundled Node.js handler. */
function bundledHandlerProps(environment: Record<string, string>) {
  return {
    code: lambda.Code.fromAsset(HANDLER_ASSET),
    handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_24_X,
    // Stack traces point into lambda-src/ through the bundle's source map; a custom handler sets its own NODE_OPTIONS.
    environment: { ...environment, NODE_OPTIONS: '--enable-source-maps' },
  };
}

/** A custom handler, after checking that its code, runtime and handler fit together and its variables are its own. */
function customHandlerProps(custom: CustomHandlerOptions, environment: Record<string, string>) {
  const prop = (name: string) => `EnrichmentProcessorProps.customHandler.${name}`;
  const imageCode = custom.code instanceof lambda.EcrImageCode || custom.code instanceof lambda.AssetImageCode;
  const codeKind = imageCode ? 'code is a container image' : 'code is not a container image';
  if ((custom.runtime === lambda.Runtime.FROM_IMAGE) !== imageCode) {
    throw new Error(`Invalid ${prop('runtime')}: ${custom.runtime.name}. `
      + `Allowed: ${imageCode ? 'Runtime.FROM_IMAGE' : 'a runtime other than Runtime.FROM_IMAGE'}, because ${codeKind}.`);
  }
  if (custom.handler.trim() === '' || (custom.handler === lambda.Handler.FROM_IMAGE) !== imageCode) {
    throw new Error(`Invalid ${prop('handler')}: "${custom.handler}". `
      + `Allowed: ${imageCode ? 'Handler.FROM_IMAGE' : 'an entry point such as index.handler'}, because ${codeKind}.`);
  }
  const taken = Object.keys(custom.environment ?? {}).find(key => Object.keys(environment).includes(key));
  if (taken !== undefined) {
    throw new Error(`Invalid ${prop('environment')}: "${taken}". `
      + `Allowed: variables the processor does not set (it sets ${Object.keys(environment).join(', ')}).`);
  }
  return {
    code: custom.code,
    handler: custom.handler,
    runtime: custom.runtime,
    environment: { ...environment, ...custom.environment },
  };
}

/** Lets the role read the table and returns the handler's environment for it. */
function readReferenceData(table: dynamodb.ITable, options: ReturnType<typeof resolveReferenceData>, role: iam.IRole): Record<string, string> {
  // Read actions only, on this table only: grantReadData would add Scan, ConditionCheckItem and DescribeTable.
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
    resources: [table.tableArn],
  }));
  if (table.encryptionKey) {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [table.encryptionKey.keyArn] }));
  }
  return {
    REFERENCE_TABLE_NAME: table.tableName,
    REFERENCE_KEY_FIELD: options.keyField,
    REFERENCE_KEY_ATTRIBUTE: options.keyAttribute,
    ...(options.attributes ? { REFERENCE_ATTRIBUTES: options.attributes.join(',') } : {}),
    REFERENCE_TARGET_FIELD: options.targetField,
    REFERENCE_CACHE_SIZE: String(options.cacheSize),
    REFERENCE_CACHE_TTL_SECONDS: String(options.cacheTtl.toSeconds()),
  };
}

function resolveSharedCacheTtl(options: SharedReferenceCacheOptions): Duration {
  const { sharedCacheTtl, sharedCacheTtlSecondsRange: range } = DEFAULTS.reference;
  const ttl = options.ttl ?? sharedCacheTtl;
  validateDurationInRange('EnrichmentProcessorProps.referenceData.sharedCache.ttl', ttl, range.min, range.max, 'seconds');
  return ttl;
}

function resolveReferenceData(options: ReferenceDataOptions, schema: RecordSchema) {
  const defaults = DEFAULTS.reference;
  const keyField = options.keyField ?? defaults.keyField;
  const resolved = {
    keyField,
    keyAttribute: options.keyAttribute ?? keyField,
    attributes: options.attributes,
    targetField: options.targetField ?? defaults.targetField,
    cacheSize: options.cacheSize ?? defaults.cacheSize,
    cacheTtl: options.cacheTtl ?? defaults.cacheTtl,
  };
  const prop = (name: string) => `EnrichmentProcessorProps.referenceData.${name}`;
  const fields = schema.fields.map(field => field.name);
  if (!schema.hasField(resolved.keyField)) {
    throw new Error(`Invalid ${prop('keyField')}: "${resolved.keyField}". Allowed: a field of the record schema (${fields.join(', ')}).`);
  }
  if (resolved.keyAttribute === '') {
    throw new Error(`Invalid ${prop('keyAttribute')}: "". Allowed: the name of the table's string partition key.`);
  }
  if (schema.hasField(resolved.targetField) || resolved.targetField === PROCESSED_AT_FIELD || resolved.targetField === '') {
    throw new Error(`Invalid ${prop('targetField')}: "${resolved.targetField}". `
      + `Allowed: a non-empty field name that is neither a field of the record schema (${fields.join(', ')}) nor ${PROCESSED_AT_FIELD}.`);
  }
  if (resolved.attributes !== undefined) {
    const attributes = resolved.attributes;
    const bad = attributes.find((a, i) => a.trim() === '' || a !== a.trim() || a.includes(',') || attributes.indexOf(a) !== i);
    if (attributes.length === 0 || bad !== undefined) {
      throw new Error(`Invalid ${prop('attributes')}: ${JSON.stringify(attributes)}. `
        + 'Allowed: at least one attribute name, each non-empty, without commas or surrounding spaces, and none twice.');
    }
  }
  validateIntegerInRange(prop('cacheSize'), resolved.cacheSize, defaults.cacheSizeRange.min, defaults.cacheSizeRange.max);
  validateDurationInRange(prop('cacheTtl'), resolved.cacheTtl, defaults.cacheTtlSecondsRange.min, defaults.cacheTtlSecondsRange.max, 'seconds');
  return resolved;
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
    maxRecordAge: props.maxRecordAge ?? defaults.maxRecordAge,
    memorySize: props.memorySize ?? defaults.memorySizeMiB,
    timeout: props.timeout ?? defaults.timeout,
    logRetention: props.logRetention ?? DEFAULTS.logRetention,
    normalization: props.normalization ?? {},
    vpc: props.vpc,
    vpcSubnets: props.vpcSubnets,
    securityGroups: props.securityGroups,
    vpcEndpoints: props.vpcEndpoints ?? DEFAULTS.processor.vpcEndpoints,
  };
  const prop = (name: string) => `EnrichmentProcessorProps.${name}`;
  const networkOptions = { vpcSubnets: props.vpcSubnets, securityGroups: props.securityGroups, vpcEndpoints: props.vpcEndpoints };
  for (const [name, value] of Object.entries(networkOptions)) {
    if (value !== undefined && props.vpc === undefined) {
      throw new Error(`Invalid ${prop(name)}: set without vpc. Allowed: only together with EnrichmentProcessorProps.vpc.`);
    }
  }
  if (props.securityGroups?.length === 0) {
    throw new Error(`Invalid ${prop('securityGroups')}: []. Allowed: at least one security group, or none given for a new one.`);
  }
  validateIntegerInRange(prop('batchSize'), resolved.batchSize, defaults.batchSizeRange.min, defaults.batchSizeRange.max);
  validateDurationInRange(prop('maxBatchingWindow'), resolved.maxBatchingWindow,
    defaults.maxBatchingWindowSecondsRange.min, defaults.maxBatchingWindowSecondsRange.max, 'seconds');
  validateIntegerInRange(prop('parallelizationFactor'), resolved.parallelizationFactor,
    defaults.parallelizationFactorRange.min, defaults.parallelizationFactorRange.max);
  validateIntegerInRange(prop('reservedConcurrentExecutions'), resolved.reservedConcurrentExecutions, 1, 1_000_000);
  validateIntegerInRange(prop('retryAttempts'), resolved.retryAttempts, defaults.retryAttemptsRange.min, defaults.retryAttemptsRange.max);
  validateDurationInRange(prop('maxRecordAge'), resolved.maxRecordAge,
    defaults.maxRecordAgeSecondsRange.min, defaults.maxRecordAgeSecondsRange.max, 'seconds');
  validateIntegerInRange(prop('memorySize'), resolved.memorySize, defaults.memorySizeMiBRange.min, defaults.memorySizeMiBRange.max);
  validateDurationInRange(prop('timeout'), resolved.timeout, defaults.timeoutSecondsRange.min, defaults.timeoutSecondsRange.max, 'seconds');
  return resolved;
}

/** The handler's normalization variables, after checking every named field against the schema. */
function normalizationEnvironment(options: NormalizationOptions, schema: RecordSchema): Record<string, string> {
  const textFields = schema.fields
    .filter(field => field.type === FieldType.STRING || field.type === FieldType.TIMESTAMP)
    .map(field => field.name);
  const listed = (name: 'trimFields' | 'lowerCaseFields'): string[] => {
    const fields = options[name] ?? [];
    const wrong = fields.find(field => !textFields.includes(field));
    if (wrong !== undefined) {
      throw new Error(`Invalid NormalizationOptions.${name}: "${wrong}". Allowed: string or timestamp fields of the record schema (${textFields.join(', ')}).`);
    }
    return fields;
  };
  const environment: Record<string, string> = {};
  const trimFields = listed('trimFields');
  const lowerCaseFields = listed('lowerCaseFields');
  if (trimFields.length > 0) {
    environment.NORMALIZE_TRIM_FIELDS = trimFields.join(',');
  }
  if (lowerCaseFields.length > 0) {
    environment.NORMALIZE_LOWERCASE_FIELDS = lowerCaseFields.join(',');
  }
  if (options.dropUnknownFields) {
    environment.UNKNOWN_FIELDS = 'drop';
  }
  return environment;
}
