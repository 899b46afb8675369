import { Duration, Size } from 'aws-cdk-lib';
import { GatewayVpcEndpointAwsService, InterfaceVpcEndpointAwsService } from 'aws-cdk-lib/aws-ec2';
import { ShardLevelMetrics, StreamMode } from 'aws-cdk-lib/aws-kinesis';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DATA_QUALITY_DEFAULTS } from './data-quality-defaults';

/** The seed event's user, whose records must stay in order on one shard; one default for every producer path. */
const SEED_PARTITION_KEY_FIELD = 'user_id';

/**
 * Every default the constructs use, in one place, so that a change of default is one edit and one test.
 * Values come from the streaming-pipelines pattern unless a comment says otherwise.
 */
export const DEFAULTS = {
  stream: {
    mode: StreamMode.ON_DEMAND,
    provisionedShardCount: 1,
    retention: Duration.hours(24),
    /** Kinesis allows 24 hours to 365 days. */
    retentionHoursRange: { min: 24, max: 8760 },
    /** Per-stream shard quota of a provisioned stream in most regions; higher limits need a quota raise. */
    shardCountRange: { min: 1, max: 10_000 },
    shardLevelMetrics: [
      ShardLevelMetrics.INCOMING_BYTES,
      ShardLevelMetrics.INCOMING_RECORDS,
      ShardLevelMetrics.ITERATOR_AGE_MILLISECONDS,
    ],
  },
  network: {
    httpsPort: 443,
    /** Lambda functions stay available when one zone is not; a new search domain may need more (its size says). */
    availabilityZones: 2,
    availabilityZonesRange: { min: 2, max: 6 },
    /** One /20 per zone: room for every function's network interfaces at full concurrency. */
    subnetCidrMask: 20,
    /** Free, and on every route table of the pipeline's subnets: DynamoDB for reference data and state, S3 for CloudFormation's custom resource responses. */
    gatewayEndpoints: [GatewayVpcEndpointAwsService.DYNAMODB, GatewayVpcEndpointAwsService.S3],
    /** The interface endpoints each client in the VPC calls; anything else it calls goes through a gateway endpoint. */
    clientEndpoints: {
      /** The destination stream and the dead-letter queue (reference data and state are in DynamoDB). */
      processor: [InterfaceVpcEndpointAwsService.KINESIS_STREAMS, InterfaceVpcEndpointAwsService.SQS],
      /** The source stream; Managed Flink itself writes the logs, metrics and checkpoints. */
      flink: [InterfaceVpcEndpointAwsService.KINESIS_STREAMS],
    },
  },
  processor: {
    batchSize: 100,
    batchSizeRange: { min: 1, max: 10_000 },
    maxBatchingWindow: Duration.seconds(5),
    maxBatchingWindowSecondsRange: { min: 0, max: 300 },
    parallelizationFactor: 4,
    parallelizationFactorRange: { min: 1, max: 10 },
    reservedConcurrentExecutions: 100,
    /** Bounded, so that a poison batch ends in the DLQ instead of blocking its shard for the retention period. */
    retryAttempts: 5,
    retryAttemptsRange: { min: 0, max: 10_000 },
    /**
     * Our choice: a batch still failing after a day goes to the DLQ (as positions), so that a shard that fell that far
     * behind catches up instead of working through stale data; the records stay readable for the stream's retention.
     */
    maxRecordAge: Duration.hours(24),
    /** Lambda's limits for stream event sources. */
    maxRecordAgeSecondsRange: { min: 60, max: 604_800 },
    /**
     * Our choice for a processor outside a pipeline preset: JSON work and PutRecords are CPU- and network-bound, and
     * Lambda's CPU share grows with memory (a full vCPU at 1,769 MiB); 512 MiB is a middle ground at low cost.
     */
    memorySizeMiB: 512,
    memorySizeMiBRange: { min: 128, max: 10_240 },
    /** Our choice: well above one batch of 100 records including PutRecords retries with backoff. */
    timeout: Duration.seconds(60),
    timeoutSecondsRange: { min: 1, max: 900 },
    partitionKeyField: SEED_PARTITION_KEY_FIELD,
    /** Name of the enhanced fan-out consumer the processor reads through, unique per stream. */
    consumerName: 'enrichment-processor',
    /** SQS maximum, so failed-batch pointers survive long enough to be replayed. */
    deadLetterRetention: Duration.days(14),
    /** SQS maximum: invalid records travel with their data, and a Kinesis record can be 1 MiB. */
    deadLetterMaxMessageBytes: 1_048_576,
    /** A processor placed in a VPC brings the endpoints it needs, so that isolated subnets work and NAT is not paid per GB. */
    vpcEndpoints: true,
  },
  reference: {
    /** The seed event's user: profiles are per user. */
    keyField: SEED_PARTITION_KEY_FIELD,
    targetField: 'user_profile',
    /** Our choice: a few MiB of typical profiles per execution environment, far above a batch's distinct users. */
    cacheSize: 10_000,
    cacheSizeRange: { min: 1, max: 1_000_000 },
    /** Our choice: a profile change reaches the stream within 5 minutes; 0 turns caching off. */
    cacheTtl: Duration.seconds(300),
    cacheTtlSecondsRange: { min: 0, max: 86_400 },
    /** Our choice: three times the in-process TTL, since the shared tier serves cold starts and new instances. */
    sharedCacheTtl: Duration.minutes(15),
    sharedCacheTtlSecondsRange: { min: 1, max: 86_400 },
  },
  state: {
    /** The seed: a user's session ends after 30 minutes without events. */
    sessionGap: Duration.minutes(30),
    sessionGapSecondsRange: { min: 60, max: 86_400 },
    sessionKeyField: SEED_PARTITION_KEY_FIELD,
    /** The seed event's time field. */
    sessionTimestampField: 'timestamp',
    /** The seed event's id, documented as the deduplication key. */
    dedupIdField: 'event_id',
    /** Our choice: longer than a batch can be retried (retry attempts, record age) and than producers' retries. */
    dedupWindow: Duration.hours(24),
    dedupWindowSecondsRange: { min: 60, max: 7 * 86_400 },
  },
  processorObservability: {
    /** The CloudWatch namespace of the processor's embedded metrics. */
    metricsNamespace: 'StreamingPipeline',
    /** Our choice: debug logs (one line per record) for 1 % of invocations, enough to follow records at little cost. */
    debugLogSampleRate: 0.01,
  },
  /** The shared reference cache (ElastiCache for Valkey). */
  referenceCache: {
    /** A current Valkey version on ElastiCache. */
    engineVersion: '8.0',
    /** The first Valkey version on ElastiCache; every Valkey version supports IAM authentication. */
    minimumEngineVersion: { major: 7, minor: 2 },
    /**
     * Not Valkey's well-known 6379 (AwsSolutions-AEC5): scans of the well-known port find nothing. Security groups, not
     * the port, keep clients out.
     */
    port: 6380,
    portRange: { min: 1, max: 65_535 },
    nodeType: {
      /**
       * One node (dev): the smallest Graviton node, burstable. A dev cache holds a few MiB of profiles, and CPU credits
       * cover dev traffic, TLS included.
       */
      singleNode: 'cache.t4g.micro',
      /**
       * Replicated and sharded caches (staging, prod): memory-optimized Graviton3 with 13 GiB per node and steady CPU
       * without credits, so TLS handshakes and lookups keep their latency under sustained load.
       */
      replicated: 'cache.r7g.large',
    },
    /**
     * NIST 800-53 R5 and HIPAA Security (cdk-nag ElastiCacheRedisClusterAutomaticBackup) want at least 15 days of
     * automatic backups, so every size keeps them that long by default.
     */
    snapshotRetention: Duration.days(15),
    /** ElastiCache keeps automatic backups for up to 35 days. */
    snapshotRetentionDaysRange: { min: 1, max: 35 },
    /** The processor caches user profiles (DEFAULTS.reference) under this prefix, and may touch nothing else. */
    keyPrefix: 'profile:',
    /** ElastiCache: up to 500 shards and 5 replicas per shard, 500 nodes in all (90 under the default quota). */
    shardsRange: { min: 1, max: 500 },
    replicasPerShardRange: { min: 0, max: 5 },
    maxNodes: 500,
  },
  dataLake: {
    dataOutputPrefix: 'data/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/',
    errorOutputPrefix: 'errors/!{firehose:error-output-type}/',
    bufferingSize: Size.mebibytes(128),
    /** Firehose: 1 to 128 MiB, and at least 64 MiB when it converts records to Parquet, as this sink always does. */
    bufferingSizeMiBRange: { min: 64, max: 128 },
    /** The pattern's choice; Snappy decompresses faster, GZIP stores less. */
    compression: 'GZIP',
    /** Glue table of the enriched records; the database is named after the sink. */
    tableName: 'enriched_events',
    /**
     * Partition projection's years: Firehose partitions by arrival time, so nothing lands before the library
     * existed; queries should filter on year, month and day, as the projection enumerates every hour in the range.
     */
    projectionYears: { first: 2024, last: 2099 },
    bufferingInterval: Duration.seconds(300),
    bufferingIntervalSecondsRange: { min: 0, max: 900 },
    /** Firehose's floor for the buffering interval when dynamic partitioning is on (a `partitionField`). */
    partitionedBufferingIntervalMinSeconds: 60,
  },
  dataQuality: {
    ...DATA_QUALITY_DEFAULTS,
    /** Each evaluation reads the partitions of the last full day (UTC): older objects may be in archive tiers. */
    evaluatedDays: 1,
    /** At most a month: an evaluation reads every object of the days it covers. */
    evaluatedDaysRange: { min: 1, max: 31 },
    /** The crawler registers partitions at the top of this hour (UTC), the evaluation starts later in the hour. */
    scheduleHourUtc: 1,
    /** The crawler's head start: it lists the table's prefix and registers new partitions, minutes for a day's data. */
    evaluationMinute: 45,
    /** G.1X workers of an evaluation run: Glue's minimum of 2, plenty for a day of a pipeline's Parquet files. */
    workers: 2,
    workersRange: { min: 2, max: 100 },
    /** Glue's default is 48 hours of billed workers; a day's evaluation takes minutes. */
    timeout: Duration.hours(1),
    /** An evaluation that could not start within the hour is skipped rather than overlapping the next one. */
    startRetries: 3,
    startMaxAge: Duration.hours(1),
  },
  transformer: {
    /** The transformer parses and re-encodes JSON: a small working set, so memory only buys CPU. */
    memorySizeMiB: 256,
    /** Firehose waits at most 5 minutes for a transformation; a batch of up to 3 MiB takes well under a minute. */
    timeout: Duration.seconds(60),
    /**
     * Firehose invokes once per buffer and delivery stream, a few invocations at a time; the cap keeps a
     * misbehaving stream from taking the account's concurrency.
     */
    reservedConcurrentExecutions: 10,
    /** Firehose's Lambda processor buffers: 0.2 to 3 MiB (default 1 MiB) and 0 to 900 seconds (default 60). */
    bufferingSize: Size.mebibytes(1),
    bufferingSizeMiBRange: { min: 1, max: 3 },
    bufferingInterval: Duration.seconds(60),
    bufferingIntervalSecondsRange: { min: 0, max: 900 },
  },
  openSearch: {
    indexName: 'enriched-events',
    /** Our choice: daily indices keep one day's documents together, so retention can drop whole indices. */
    indexRotation: 'ONE_DAY',
    /** Firehose's default and limits for OpenSearch retries. */
    retryDuration: Duration.seconds(300),
    retryDurationSecondsRange: { min: 0, max: 7200 },
    /** Our choice: near-real-time search (the pattern's "real-time indexing") in small bulk requests. */
    bufferingSize: Size.mebibytes(5),
    bufferingSizeMiBRange: { min: 1, max: 100 },
    bufferingInterval: Duration.seconds(60),
    bufferingIntervalSecondsRange: { min: 0, max: 900 },
    failedDocumentsPrefix: 'failed/',
    /** Firehose appends the rotation suffix (up to `-YYYY-MM-DD-HH`, 14 characters) to the index name. */
    maxIndexNameLength: 80,
    /** CloudFormation's limits for Firehose's VPC configuration. */
    vpcConfiguration: { maxSubnets: 16, maxSecurityGroups: 5 },
  },
  searchDomain: {
    /** The newest OpenSearch release Firehose and the domain's features support here (CDK's `EngineVersion.OPENSEARCH_2_19`). */
    engineVersion: '2.19',
    /** OpenSearch Service's limit for domain names. */
    maxDomainNameLength: 28,
    /** A domain name ends with a hash of the construct path (unique in the stack) and the first block of the stack id's GUID (unique per deployment). */
    pathHashLength: 6,
    stackIdBlockLength: 8,
    /** PRODUCT.md's sizing: dev and staging two r6g.large data nodes, one per Availability Zone. */
    standard: { dataNodes: 2, dataNodeInstanceType: 'r6g.large.search', availabilityZones: 2, masterNodes: 0, volumeSizeGiB: 100 },
    /** PRODUCT.md's sizing: prod three r6g.xlarge data nodes in three Availability Zones and three dedicated masters. */
    production: {
      dataNodes: 3,
      dataNodeInstanceType: 'r6g.xlarge.search',
      availabilityZones: 3,
      masterNodes: 3,
      masterNodeInstanceType: 'm6g.large.search',
      volumeSizeGiB: 500,
    },
    /** OpenSearch Service limits: data nodes per domain (default quota), dedicated masters, gp3 volume sizes. */
    dataNodesRange: { min: 1, max: 80 },
    availabilityZonesRange: { min: 1, max: 3 },
    masterNodeCounts: [0, 3, 5],
    volumeSizeGiBRange: { min: 10, max: 24_576 },
    /** The domain's security configuration function: a handful of signed REST calls, retried for up to 4 minutes. */
    accessFunctionTimeout: Duration.minutes(5),
    /**
     * How long CloudFormation waits for the access configuration's answer: the function's timeout, Lambda's two
     * retries of an invocation that crashed before answering, and a margin; instead of CloudFormation's default hour.
     */
    accessConfigurationTimeout: Duration.minutes(20),
    /** What Firehose's delivery role may do, mapped as an OpenSearch role: bulk writes, index creation, mappings, statistics. */
    writerClusterPermissions: ['cluster_composite_ops', 'cluster_monitor'],
    writerIndexPermissions: ['crud', 'create_index', 'indices:admin/mapping/put', 'indices:admin/mappings/get', 'indices:monitor/stats',
      'indices:monitor/settings/get'],
  },
  redshift: {
    /** Redshift's default port. */
    port: 5439,
    /**
     * The transformer writes one JSON object per line and Firehose GZIPs the staged files. `ignorecase`: Redshift
     * column names are lower case, while record keys (and keys flattened from nested ones) may not be.
     */
    copyOptions: "JSON 'auto ignorecase' GZIP TIMEFORMAT 'auto'",
    /** Firehose's default and limits for Redshift retries. */
    retryDuration: Duration.seconds(3600),
    retryDurationSecondsRange: { min: 0, max: 7200 },
    /** Our choice: fewer, larger COPYs (the pattern's "batch loading"), within Firehose's 1..128 MiB and 0..900 s. */
    bufferingSize: Size.mebibytes(64),
    bufferingSizeMiBRange: { min: 1, max: 128 },
    bufferingInterval: Duration.seconds(300),
    bufferingIntervalSecondsRange: { min: 0, max: 900 },
    intermediatePrefix: 'intermediate/',
    backupPrefix: 'backup/',
    /** Our choice: staged files are loaded within minutes; a week leaves time to reload a failed COPY by hand. */
    intermediateRetention: Duration.days(7),
  },
  dataLakeLifecycle: {
    /** PRODUCT.md's prod tiers: archive after 90 days without access, deep archive after 365. */
    archiveAfter: Duration.days(90),
    deepArchiveAfter: Duration.days(365),
    /** S3 Intelligent-Tiering's limits for the archive tiers. */
    archiveDaysRange: { min: 90, max: 730 },
    deepArchiveDaysRange: { min: 180, max: 730 },
    /** Our choice: a month to recover an object deleted or overwritten by mistake, after which old versions go. */
    noncurrentVersionRetention: Duration.days(30),
    /** Our choice: uploads Firehose abandoned (a failed delivery is retried as a new upload) stop costing after a week. */
    abortIncompleteUploadsAfter: Duration.days(7),
  },
  alarms: {
    /** The pattern: processing lag above 5 minutes (300,000 ms), over its period of 300 s. */
    iteratorAge: { threshold: Duration.minutes(5), period: Duration.minutes(5) },
    /** The pattern: any write throttling (WriteProvisionedThroughputExceeded > 0); the period is our choice. */
    throttledWrites: { threshold: 0, period: Duration.minutes(5) },
    /** The pattern: any read throttling (ReadProvisionedThroughputExceeded > 0); the period is our choice. */
    throttledReads: { threshold: 0, period: Duration.minutes(5) },
    /** The pattern: more than 10 Lambda errors in 5 minutes. */
    processorErrors: { threshold: 10, period: Duration.minutes(5) },
    /** The pattern: Firehose data freshness above 15 minutes (900 s); the period is our choice. */
    deliveryFreshness: { threshold: Duration.minutes(15), period: Duration.minutes(5) },
    /** The pattern: any message in the DLQ; SQS publishes queue metrics every minute. */
    deadLetterMessages: { threshold: 1, period: Duration.minutes(1) },
    /**
     * Our choice (the pattern has no HTTP front door): more than 1 % of requests failing on the server side, once there
     * are at least 20 requests in the period.
     */
    httpServerErrorPercent: { threshold: 1, period: Duration.minutes(5), minimumRequests: 20 },
    /** The longest Kinesis retention (365 days): a lag or freshness threshold beyond it could never be reached. */
    maxDurationThresholdSeconds: 31_536_000,
  },
  http: {
    stageName: 'v1',
    partitionKeyField: SEED_PARTITION_KEY_FIELD,
    /**
     * Our choice: a tenth of the regional account quota that every API of the account shares, so one ingestion
     * API cannot starve the others; a batch request carries up to 500 records.
     */
    throttlingRateLimit: 1_000,
    /** API Gateway's default account quota per region; a stage limit above it has no effect. */
    throttlingRateLimitRange: { min: 1, max: 10_000 },
    /** Our choice: two seconds' worth of the rate, for producers that flush buffers in bursts. */
    throttlingBurstLimit: 2_000,
    /** API Gateway's default account burst quota per region. */
    throttlingBurstLimitRange: { min: 1, max: 5_000 },
    /**
     * Our choice: about 67 requests per second from one address, sustained over the 5-minute window: far above
     * a browser or device, below the stage rate, so that one address cannot take the whole stage.
     */
    webAclRateLimitPerFiveMinutes: 20_000,
    /** AWS WAF rate-based rule limits. */
    webAclRateLimitRange: { min: 10, max: 2_000_000_000 },
  },
  agent: {
    /** The Kinesis Agent's own defaults, written out so that the rendered agent.json says what the agent does. */
    partitionKeyOption: 'RANDOM',
    initialPosition: 'END_OF_FILE',
    emitMetrics: true,
    /** The namespace the agent publishes its metrics in, which its PutMetricData permission is limited to. */
    metricsNamespace: 'AWSKinesisAgent',
    /** Where the agent reads its configuration. */
    configFile: '/etc/aws-kinesis/agent.json',
    /** Our choice: one key for every producer, so that a host carries at most one producer's configuration. */
    targetTagKey: 'kinesis-agent',
    /** Our choice: the shortest interval State Manager allows for rate expressions; it repairs drift on hosts. */
    scheduleExpression: 'rate(30 minutes)',
    scheduleMinimumMinutes: 30,
    manageInstancesWithSsm: true,
    /** Parameter Store value limits in bytes: Standard tier 4 KB, Advanced tier 8 KB. */
    standardParameterMaxBytes: 4_096,
    advancedParameterMaxBytes: 8_192,
  },
  flink: {
    /** The newest runtime, and the only one whose application state Managed Flink encrypts with a customer-managed key. */
    runtime: 'FLINK-1_20',
    /**
     * The Flink 1.x runtimes Managed Service for Apache Flink still supports; 1.6 to 1.13 are past its end of support.
     * Flink 2.2 is left out: it removes fullRestarts and deprecates uptime and downtime, which the metric helpers read.
     */
    runtimes: ['FLINK-1_15', 'FLINK-1_18', 'FLINK-1_19', 'FLINK-1_20'],
    /** Managed Flink encrypts checkpoints, snapshots and running state with a customer-managed key from Flink 1.20 on. */
    customerManagedKeyRuntimes: ['FLINK-1_20'],
    /** Our choice: one KPU to start with; auto scaling adds KPUs under load and removes them afterwards. */
    parallelism: 1,
    /** Managed Flink: parallelism up to 256, and 1 to 8 parallel tasks per KPU. */
    parallelismRange: { min: 1, max: 256 },
    /** Managed Flink's default: one task per KPU, for CPU-bound aggregations; blocking I/O profits from more. */
    parallelismPerKpu: 1,
    parallelismPerKpuRange: { min: 1, max: 8 },
    /** Managed Flink's default: the application follows its load instead of falling behind the stream. */
    autoScaling: true,
    /** Managed Flink's defaults for the checkpoint interval and the pause after a checkpoint. */
    checkpointInterval: Duration.seconds(60),
    minPauseBetweenCheckpoints: Duration.seconds(5),
    /**
     * Our choice: from one second, below which checkpointing crowds out processing, to 24 hours, the shortest stream
     * retention: a restart replays records from the last checkpoint, and records older than the retention are gone.
     */
    checkpointIntervalSecondsRange: { min: 1, max: 86_400 },
    minPauseBetweenCheckpointsSecondsRange: { min: 0, max: 86_400 },
    /** Managed Flink's defaults: INFO logs, application-level metrics (PARALLELISM metrics cost per subtask). */
    logLevel: 'INFO',
    metricsLevel: 'APPLICATION',
    /** Our choice: a snapshot on every stop and update, so that the application resumes where it stopped. */
    snapshotsEnabled: true,
    /** The property group the construct fills with the source stream: application code reads the stream from it. */
    applicationPropertiesGroupId: 'FlinkApplicationProperties',
    /** Managed Flink's limits for runtime properties: 50 groups, 50 properties per group, ids of 1 to 50 characters. */
    maxPropertyGroups: 50,
    maxPropertiesPerGroup: 50,
    propertyGroupIdPattern: /^[a-zA-Z0-9_.-]{1,50}$/,
    /** Managed Flink's limits for its VPC configuration. */
    vpcConfiguration: { maxSubnets: 16, maxSecurityGroups: 5 },
    /** Where Managed Flink publishes the metrics of its applications. */
    metricsNamespace: 'AWS/KinesisAnalytics',
  },
  /** Our choice: long enough for an incident review, bounded so that logs do not grow forever. */
  logRetention: RetentionDays.ONE_YEAR,
} as const;

/**
 * What a preset chooses; the pattern's "Environment-Specific Configurations" and PRODUCT.md's table.
 */
export interface PresetValues {
  readonly streamMode: StreamMode;
  readonly shardCount?: number;
  readonly retention: Duration;
  readonly enhancedFanOut: boolean;
  readonly httpWebAcl: boolean;
  readonly processorMemorySizeMiB: number;
  readonly processorTimeout: Duration;
  readonly deduplication: boolean;
  /** The shape of the shared reference cache, when the pipeline's processor has one (a `ReferenceCacheSize` name). */
  readonly referenceCacheSize: 'SINGLE_NODE' | 'STANDARD' | 'CLUSTER';
  /** Data lake lifecycle: days to expiry, and Intelligent-Tiering with its default archive tiers when set. */
  readonly dataLakeLifecycle: { readonly expireAfterDays: number; readonly intelligentTiering: boolean };
  /** Whether the pipeline indexes into OpenSearch, in a new domain of this size unless one is given (a `SearchDomainSize` name). */
  readonly openSearch: { readonly enabled: boolean; readonly domainSize: 'STANDARD' | 'PRODUCTION' };
  /** Whether the pipeline runs its Flink application when code is given: PRODUCT.md's "on in prod when code is given". */
  readonly flinkAnalytics: boolean;
}

/**
 * Processor sizing per environment (our choice; the pattern leaves it open), for the Node.js arm64 handler that
 * decodes, validates and enriches batches of 100 records with DynamoDB lookups.
 *
 * Memory: the handler's working set is small (runtime, a 0.6 MB bundle, SDK clients, one batch, a profile cache of
 * a few MiB), so memory buys CPU, which Lambda allots in proportion to it. Dev's 256 MiB holds that working set at
 * the lowest cost; its smaller CPU share only lengthens cold starts and batches that dev traffic does not notice.
 * Staging and prod get 1,024 MiB: CPU-bound work finishes about four times faster than at 256 MiB for a similar
 * cost per batch, keeping iterator age down under load; staging matches prod so that load tests there measure
 * the production configuration.
 *
 * Timeout: the handler bounds each call chain itself (5 attempts, 10 s request timeout, backoff up to 1.5 s in
 * total: about 52 s). 60 s covers one stalled chain; staging and prod allow 120 s, enough for a stalled DynamoDB
 * lookup followed by a stalled PutRecords, so that the handler, not a Lambda timeout, reports the failing record
 * and the records before it are checkpointed instead of replayed as duplicates. A timeout is billed only when it
 * happens.
 */
const PROCESSOR_SIZING = {
  dev: { processorMemorySizeMiB: 256, processorTimeout: Duration.seconds(60) },
  productionLike: { processorMemorySizeMiB: 1_024, processorTimeout: Duration.seconds(120) },
};

/** The preset table, as data. Every value is a default that an explicit prop overrides. */
export const PRESET_TABLE: Record<'dev' | 'staging' | 'prod', PresetValues> = {
  dev: {
    streamMode: StreamMode.PROVISIONED,
    shardCount: 1,
    retention: Duration.hours(24),
    enhancedFanOut: false,
    httpWebAcl: false,
    ...PROCESSOR_SIZING.dev,
    deduplication: false,
    referenceCacheSize: 'SINGLE_NODE',
    dataLakeLifecycle: { expireAfterDays: 30, intelligentTiering: false },
    openSearch: { enabled: false, domainSize: 'STANDARD' },
    flinkAnalytics: false,
  },
  // 72 hours is our choice for staging: the pattern leaves it open, and three days cover a weekend.
  staging: {
    streamMode: StreamMode.ON_DEMAND,
    retention: Duration.hours(72),
    enhancedFanOut: true,
    httpWebAcl: false,
    ...PROCESSOR_SIZING.productionLike,
    deduplication: false,
    referenceCacheSize: 'STANDARD',
    dataLakeLifecycle: { expireAfterDays: 365, intelligentTiering: false },
    openSearch: { enabled: true, domainSize: 'STANDARD' },
    flinkAnalytics: false,
  },
  prod: {
    streamMode: StreamMode.ON_DEMAND,
    retention: Duration.hours(168),
    enhancedFanOut: true,
    httpWebAcl: true,
    ...PROCESSOR_SIZING.productionLike,
    // The choice: duplicates from producer and batch retries are dropped in prod, at two writes per record.
    deduplication: true,
    referenceCacheSize: 'CLUSTER',
    // Seven years (2,557 days, with leap days), archived when unread; PRODUCT.md's table.
    dataLakeLifecycle: { expireAfterDays: 2_557, intelligentTiering: true },
    openSearch: { enabled: true, domainSize: 'PRODUCTION' },
    flinkAnalytics: true,
  },
};
