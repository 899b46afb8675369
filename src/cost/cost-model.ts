import { formatNumber } from './cost-format';
import { COST_PRICES_AS_OF, DEFAULT_COST_PRICES } from './cost-prices';
import { DEFAULTS } from '../presets/defaults';

/**
 * What the `CostEstimator` assumes about volumes and usage, as data. Each value says where it comes from; the
 * strings of `COST_ASSUMPTIONS` repeat them for readers of an estimate.
 */
export const COST_MODEL = {
  /** The seed's month: its examples multiply daily volumes by 31. */
  daysPerMonth: 31,
  hoursPerDay: 24,
  /** The seed's GB: 10 M records of 1 KB are 10 GB a day, so volumes are counted in 10^9 bytes. */
  bytesPerGb: 1_000_000_000,
  /** Kinesis: a PUT payload unit is a 25 KB chunk of a record, with AWS's 1 KB = 1,024 bytes. */
  putPayloadUnitBytes: 25 * 1_024,
  /** Kinesis on-demand bills each record rounded up to 1 KB (1,024 bytes), written and read. */
  onDemandRecordIncrementBytes: 1_024,
  /** Firehose bills each record from a Kinesis stream rounded up to 5 KB (5,120 bytes), ingested and converted. */
  firehoseRecordIncrementBytes: 5 * 1_024,
  /** Kinesis retention priced per GB or shard-hour beyond the included 24 hours, up to 7 days, then long-term. */
  includedRetentionDays: 1,
  extendedRetentionDays: 7,
  /**
   * An on-demand stream starts with 4 MB/s (4 shards) of write capacity and keeps twice its peak: the shard count
   * matters only for shard-level metrics, which are billed per shard.
   */
  onDemandMinimumShards: 4,
  onDemandPeakMultiple: 2,
  /** The seed's "5 GB after compression" of 10 GB: Parquet with GZIP (DEFAULTS.dataLake.compression). */
  dataLakeCompressionRatio: 0.5,
  /** Our assumption: one invocation of the processor (a batch of 100 records, lookups, one PutRecords) takes 200 ms. */
  processorInvocationSeconds: 0.2,
  /** Our assumption: one transformer invocation (flattening up to 1 MiB of JSON) takes 200 ms. */
  transformerInvocationSeconds: 0.2,
  /**
   * Our assumption: shares of reference lookups a cache answers (ProcessorMetric.REFERENCE_CACHE_HIT_RATIO measures
   * it): the in-process cache alone, and with the shared ElastiCache tier behind it.
   */
  referenceCacheHitPercent: { inProcessOnly: 90, withSharedCache: 99 },
  /** An eventually consistent read of an item up to 4 KB (a profile) costs half a read request unit. */
  readRequestUnitsPerLookup: 0.5,
  /** Deduplication: a conditional write claiming the event id, and a write confirming delivery (processor-state.ts). */
  writeRequestUnitsPerDeduplicatedRecord: 2,
  /** Our assumption: a claimed event id is an item of about 200 bytes, with DynamoDB's 100 bytes of item overhead. */
  deduplicationItemBytes: 200,
  /** Managed Flink: each application has one more KPU for orchestration, and 50 GB of running storage per application KPU. */
  flinkOrchestrationKpus: 1,
  flinkRunningStorageGbPerKpu: 50,
  /**
   * Alarm metrics of PipelineDashboard: iterator age, four throttling alarms, processor errors and the dead-letter
   * queue have one metric each; each sink's delivery lag and the HTTP 5XX rate are metric math over two; the data
   * quality alarm has one.
   */
  alarmMetrics: { fixed: 7, perSink: 2, http: 2, dataQuality: 1 },
  compositeAlarms: 1,
  dashboards: 1,
  /** DEFAULTS.stream.shardLevelMetrics, published per shard of each of the two streams. */
  shardLevelMetricsPerShard: DEFAULTS.stream.shardLevelMetrics.length,
  streams: 2,
  /**
   * ProcessorMetric: five record counts always, two reference metrics with reference data, one more with the shared
   * cache, each in one dimension set (the function name).
   */
  processorMetrics: { base: 5, referenceData: 2, sharedCache: 1 },
  /**
   * Our assumption: each processor invocation logs about 2,000 bytes: Lambda's START/END/REPORT lines, the embedded
   * metric document and its share of debug logs (DEFAULTS.processorObservability.debugLogSampleRate).
   */
  processorLogBytesPerInvocation: 2_000,
  /** Data catalog objects of the data lake: one database and one table; partition projection adds no partitions. */
  glueCatalogObjects: 2,
  glueFreeCatalogObjects: 1_000_000,
  /**
   * DataLakeQuality, once a day: Glue bills a crawler run per second with a 10-minute minimum (a day's partitions take
   * less), and the crawler's DPUs are Glue's choice (we assume 2); an evaluation run of a day of the seed's traffic
   * (about 5 GB of Parquet) on DEFAULTS.dataQuality.workers workers of 1 DPU, our assumption: 10 minutes.
   */
  dataQuality: { crawlerDpus: 2, crawlerBilledMinutes: 10, evaluationMinutes: 10 },
  /** A StreamingPipeline encrypts everything with one customer-managed key. */
  kmsKeys: 1,
  /** Our assumption: each encrypting resource asks KMS for a data key about every 5 minutes (Kinesis, SQS, DynamoDB reuse them that long). */
  kmsRequestsPerResourceHour: 12,
  /** Resources that call KMS while the pipeline runs, always and per component. */
  kmsResources: {
    base: ['ingest stream', 'enriched stream', 'dead-letter queue', 'data lake bucket', 'data lake delivery stream', 'alarm topic', 'processor logs'],
    openSearch: ['search domain', 'OpenSearch delivery stream', 'OpenSearch transformer logs'],
    redshift: ['Redshift delivery stream', 'Redshift transformer logs'],
    referenceData: ['reference table'],
    deduplication: ['state table'],
    referenceCache: ['reference cache'],
    flinkAnalytics: ['Flink application'],
    httpIngestion: ['HTTP API logs'],
  },
  /** HttpIngestion's web ACL: a per-IP rate rule and the AWS common rule set. */
  wafRules: 2,
  /** HttpIngestion's batch endpoint takes 1 to 500 records per request. */
  httpRecordsPerRequestRange: { min: 1, max: 500 },
  /** Kinesis's largest record: 1 MiB. */
  recordSizeBytesRange: { min: 1, max: 1_048_576 },
} as const;

/** Every assumption of the model, in words, with its numbers. */
export function costAssumptions(): string[] {
  const m = COST_MODEL;
  const p = DEFAULT_COST_PRICES;
  return [
    `Prices: AWS on-demand list prices in us-east-1 as of ${COST_PRICES_AS_OF}, without free tiers, Savings Plans, reservations or taxes; `
      + 'tiered prices use their first tier.',
    `A month is ${m.daysPerMonth} days (${m.daysPerMonth * m.hoursPerDay} hours), as in the seed's examples.`,
    `Volumes are counted in GB of ${formatNumber(m.bytesPerGb)} bytes, as the seed counts 10 M records of 1 KB as 10 GB a day; `
      + 'per-record rounding uses AWS\'s 1 KB = 1,024 bytes.',
    'Traffic is steady (the peak is the average), every record has the average size, and producers do not aggregate records.',
    'Both streams carry every record at its input size: enrichment makes records larger, and invalid or duplicate records that '
      + 'never reach the enriched stream are not subtracted.',
    `Kinesis: provisioned streams (dev) pay shard hours plus PUT payload units of ${formatNumber(m.putPayloadUnitBytes)} bytes, `
      + 'for the preset\'s shards or, when the average traffic needs more, for as many as ShardCalculator finds (no headroom). '
      + "The seed's $4.34 is the ingest stream's PUT payload units; its example is labelled on-demand, but on-demand streams "
      + `(staging, prod) are billed per stream hour, GB written (records rounded up to ${formatNumber(m.onDemandRecordIncrementBytes)} bytes) `
      + 'and GB read, which is how they are estimated here. On-demand Advantage mode is not modelled.',
    `Kinesis retention beyond ${m.includedRetentionDays * m.hoursPerDay} hours: per shard hour (provisioned) or per GB-month (on-demand) `
      + `up to ${m.extendedRetentionDays} days, then per GB-month; on-demand streams count ${m.onDemandMinimumShards} shards, or `
      + `${m.onDemandPeakMultiple} times the write rate, for shard-level metrics.`,
    `Firehose: the seed's $8.99 (GB ingested x $${p.firehoseIngestPerGbUsd}) leaves out that Firehose bills each record from a Kinesis stream `
      + `in ${formatNumber(m.firehoseRecordIncrementBytes)}-byte increments; the estimate shows the seed's figure and the rounding as `
      + 'separate items. Parquet conversion is billed on the rounded GB too.',
    `S3: as in the seed, storage is one month's data after Parquet/GZIP compression (ratio ${m.dataLakeCompressionRatio}) for one month. `
      + 'A data lake that keeps N months pays about N times that; lifecycle expiry and Intelligent-Tiering archive tiers are not modelled. '
      + 'Firehose writes one object per full buffer or buffering interval.',
    `Lambda: the processor runs once per full batch of ${DEFAULTS.processor.batchSize} records for ${m.processorInvocationSeconds * 1_000} ms `
      + `with the preset's memory; each Firehose transformer runs once per ${DEFAULTS.transformer.bufferingSize.toMebibytes()} MiB or `
      + `${DEFAULTS.transformer.bufferingInterval.toSeconds()} s for ${m.transformerInvocationSeconds * 1_000} ms with `
      + `${DEFAULTS.transformer.memorySizeMiB} MiB.`,
    `DynamoDB on-demand: deduplication writes ${m.writeRequestUnitsPerDeduplicatedRecord} request units per record and keeps one window of `
      + `event ids (${m.deduplicationItemBytes} bytes each); reference data looks up every record, of which `
      + `${m.referenceCacheHitPercent.inProcessOnly} % `
      + `(${m.referenceCacheHitPercent.withSharedCache} % with the shared cache) are cache hits unless referenceCacheHitPercent says otherwise, and `
      + `a miss reads ${m.readRequestUnitsPerLookup} read request units. Not modelled: the reference table's storage, which depends on `
      + 'your profiles, and sessionization, off in every preset.',
    'ElastiCache: node hours of the preset\'s ReferenceCacheSize at Valkey prices; backup storage is not modelled.',
    'OpenSearch: instance hours of the data nodes and dedicated masters of the preset\'s SearchDomainSize plus their gp3 volumes, '
      + 'without UltraWarm, extra IOPS or snapshots.',
    `Flink: KPUs = parallelism ${DEFAULTS.flink.parallelism} / ${DEFAULTS.flink.parallelismPerKpu} per KPU, rounded up, plus `
      + `${m.flinkOrchestrationKpus} for orchestration, and ${m.flinkRunningStorageGbPerKpu} GB of running storage per application KPU; auto scaling `
      + 'adds KPUs under load. A pipeline runs Flink only when it is given application code.',
    `CloudWatch: ${m.dashboards} dashboard, the pipeline's alarms (metric math alarms pay per metric), ${m.compositeAlarms} composite alarm, `
      + `${m.shardLevelMetricsPerShard} shard-level metrics per shard and stream, the processor's embedded metrics, and `
      + `${formatNumber(m.processorLogBytesPerInvocation)} bytes of processor logs per invocation. Log storage and the logs of `
      + 'other components (API Gateway, VPC flow logs, Flink, OpenSearch, ElastiCache) are not modelled.',
    `KMS: ${m.kmsKeys} customer-managed key (each of its first two yearly rotations adds $${p.kmsKeyMonthUsd} a month), and one data-key `
      + `request every ${60 / m.kmsRequestsPerResourceHour} minutes per encrypting resource.`,
    `Glue: ${m.glueCatalogObjects} Data Catalog objects and the catalog requests stay within the free first million (the `
      + 'partitions the data-quality crawler registers, one an hour, too). Data quality: a crawler run of '
      + `${m.dataQuality.crawlerDpus} DPU billed for its ${m.dataQuality.crawlerBilledMinutes}-minute minimum and an evaluation of `
      + `${m.dataQuality.evaluationMinutes} minutes a day; the failed results' events are free AWS service events.`,
    'API Gateway (when enabled): every record arrives over HTTP, httpRecordsPerRequest records per REST API request; with the '
      + `preset's web ACL (prod), AWS WAF adds the ACL, ${m.wafRules} rules and a price per request.`,
    'Redshift (when enabled): RedshiftSink loads an existing cluster or Serverless workgroup, which is not estimated; its Firehose '
      + 'delivery and transformer are.',
    'VPC: the network\'s interface endpoints (Kinesis Data Streams and SQS) in every zone of its VPC (2, or 3 with a PRODUCTION '
      + 'search domain), and the enriched records (and Flink\'s reads) as the data they process; gateway endpoints are free.',
    'Not modelled: data transfer, VPC flow logs, NAT gateways (the pipeline\'s VPC has none), SQS, SNS, Secrets Manager, S3 requests '
      + 'other than Firehose\'s PUTs.',
  ];
}
