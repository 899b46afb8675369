/**
 * Unit prices the `CostEstimator` uses, in US dollars. Each one given replaces its default; the defaults are AWS's
 * on-demand list prices in us-east-1 (see `CostEstimate.pricesAsOf`), without free tiers, Savings Plans or
 * reservations. Give your region's prices, or your negotiated ones, here.
 */
export interface CostPrices {
  /**
   * Kinesis Data Streams, provisioned: one shard for one hour.
   *
   * @default 0.015
   */
  readonly kinesisShardHourUsd?: number;
  /**
   * Kinesis Data Streams, provisioned: one million PUT payload units (25 KB chunks of a record).
   *
   * @default 0.014
   */
  readonly kinesisPutPayloadUnitsPerMillionUsd?: number;
  /**
   * Kinesis Data Streams, provisioned: one shard for one hour of retention beyond 24 hours, up to 7 days.
   *
   * @default 0.02
   */
  readonly kinesisExtendedRetentionShardHourUsd?: number;
  /**
   * Kinesis Data Streams, provisioned: one enhanced fan-out consumer on one shard for one hour.
   *
   * @default 0.015
   */
  readonly kinesisEnhancedFanOutConsumerShardHourUsd?: number;
  /**
   * Kinesis Data Streams, provisioned: one GB read by enhanced fan-out consumers.
   *
   * @default 0.013
   */
  readonly kinesisEnhancedFanOutPerGbUsd?: number;
  /**
   * Kinesis Data Streams, on-demand: one stream for one hour.
   *
   * @default 0.04
   */
  readonly kinesisOnDemandStreamHourUsd?: number;
  /**
   * Kinesis Data Streams, on-demand: one GB written (each record rounded up to 1 KB).
   *
   * @default 0.08
   */
  readonly kinesisOnDemandIngestPerGbUsd?: number;
  /**
   * Kinesis Data Streams, on-demand: one GB read by a standard (shared-throughput) consumer.
   *
   * @default 0.04
   */
  readonly kinesisOnDemandRetrievalPerGbUsd?: number;
  /**
   * Kinesis Data Streams, on-demand: one GB read by an enhanced fan-out consumer.
   *
   * @default 0.05
   */
  readonly kinesisOnDemandEnhancedFanOutPerGbUsd?: number;
  /**
   * Kinesis Data Streams, on-demand: one GB kept for a month beyond 24 hours, up to 7 days.
   *
   * @default 0.10
   */
  readonly kinesisOnDemandExtendedRetentionPerGbMonthUsd?: number;
  /**
   * Kinesis Data Streams, either mode: one GB kept for a month beyond 7 days.
   *
   * @default 0.023
   */
  readonly kinesisLongTermRetentionPerGbMonthUsd?: number;
  /**
   * Firehose: one GB ingested from a Kinesis stream (each record rounded up to 5 KB), first tier (500 TB a month).
   *
   * @default 0.029
   */
  readonly firehoseIngestPerGbUsd?: number;
  /**
   * Firehose: one GB converted from JSON to Parquet (each record rounded up to 5 KB).
   *
   * @default 0.018
   */
  readonly firehoseFormatConversionPerGbUsd?: number;
  /**
   * Firehose: delivery into a VPC, per Availability Zone and hour.
   *
   * @default 0.01
   */
  readonly firehoseVpcDeliveryAzHourUsd?: number;
  /**
   * Firehose: one GB delivered into a VPC.
   *
   * @default 0.01
   */
  readonly firehoseVpcDeliveryPerGbUsd?: number;
  /**
   * VPC (PrivateLink): one interface endpoint in one Availability Zone for one hour.
   *
   * @default 0.01
   */
  readonly vpcInterfaceEndpointAzHourUsd?: number;
  /**
   * VPC (PrivateLink): one GB processed by interface endpoints (the first tier).
   *
   * @default 0.01
   */
  readonly vpcInterfaceEndpointPerGbUsd?: number;
  /**
   * Managed Service for Apache Flink: one KPU (1 vCPU, 4 GB) for one hour.
   *
   * @default 0.11
   */
  readonly flinkKpuHourUsd?: number;
  /**
   * Managed Service for Apache Flink: one GB-month of running application storage.
   *
   * @default 0.10
   */
  readonly flinkRunningStoragePerGbMonthUsd?: number;
  /**
   * Lambda: one million requests.
   *
   * @default 0.20
   */
  readonly lambdaRequestsPerMillionUsd?: number;
  /**
   * Lambda on arm64: one GB-second of duration, first tier.
   *
   * @default 0.0000133334
   */
  readonly lambdaArmGbSecondUsd?: number;
  /**
   * S3 Standard (and Intelligent-Tiering's frequent access tier): one GB for a month, first 50 TB.
   *
   * @default 0.023
   */
  readonly s3StoragePerGbMonthUsd?: number;
  /**
   * S3: one thousand PUT requests.
   *
   * @default 0.005
   */
  readonly s3PutRequestsPerThousandUsd?: number;
  /**
   * OpenSearch Service: on-demand hourly price per instance type; given types are added to, or replace, the defaults.
   *
   * @default - r6g.large.search 0.167, r6g.xlarge.search 0.335, m6g.large.search 0.128
   */
  readonly openSearchInstanceHourUsd?: { [instanceType: string]: number };
  /**
   * OpenSearch Service: one GB of gp3 volume for a month.
   *
   * @default 0.122
   */
  readonly openSearchGp3PerGbMonthUsd?: number;
  /**
   * DynamoDB on-demand: one million write request units.
   *
   * @default 0.625
   */
  readonly dynamoDbWriteRequestUnitsPerMillionUsd?: number;
  /**
   * DynamoDB on-demand: one million read request units.
   *
   * @default 0.125
   */
  readonly dynamoDbReadRequestUnitsPerMillionUsd?: number;
  /**
   * DynamoDB Standard table class: one GB stored for a month.
   *
   * @default 0.25
   */
  readonly dynamoDbStoragePerGbMonthUsd?: number;
  /**
   * ElastiCache for Valkey: on-demand hourly price per node type; given types are added to, or replace, the defaults.
   *
   * @default - cache.t4g.micro 0.0128, cache.r7g.large 0.1752
   */
  readonly elastiCacheNodeHourUsd?: { [nodeType: string]: number };
  /**
   * Glue Data Catalog: 100,000 objects stored for a month beyond the first million, which are free.
   *
   * @default 1
   */
  readonly glueCatalogObjectsPer100kMonthUsd?: number;
  /**
   * Glue: one DPU-hour of a crawler or a data-quality evaluation run, billed per second.
   *
   * @default 0.44
   */
  readonly glueDpuHourUsd?: number;
  /**
   * CloudWatch: one dashboard for a month.
   *
   * @default 3
   */
  readonly cloudWatchDashboardMonthUsd?: number;
  /**
   * CloudWatch: one metric of a standard-resolution alarm for a month (a metric math alarm pays per metric).
   *
   * @default 0.10
   */
  readonly cloudWatchAlarmMetricMonthUsd?: number;
  /**
   * CloudWatch: one composite alarm for a month.
   *
   * @default 0.50
   */
  readonly cloudWatchCompositeAlarmMonthUsd?: number;
  /**
   * CloudWatch: one custom or shard-level metric for a month, first 10,000 metrics.
   *
   * @default 0.30
   */
  readonly cloudWatchMetricMonthUsd?: number;
  /**
   * CloudWatch Logs: one GB ingested, first tier.
   *
   * @default 0.50
   */
  readonly cloudWatchLogsIngestPerGbUsd?: number;
  /**
   * KMS: one customer-managed key for a month.
   *
   * @default 1
   */
  readonly kmsKeyMonthUsd?: number;
  /**
   * KMS: ten thousand requests.
   *
   * @default 0.03
   */
  readonly kmsRequestsPer10kUsd?: number;
  /**
   * API Gateway REST API: one million requests, first tier (333 million a month).
   *
   * @default 3.50
   */
  readonly apiGatewayRequestsPerMillionUsd?: number;
  /**
   * AWS WAF: one web ACL for a month.
   *
   * @default 5
   */
  readonly wafWebAclMonthUsd?: number;
  /**
   * AWS WAF: one rule (or managed rule group) for a month.
   *
   * @default 1
   */
  readonly wafRuleMonthUsd?: number;
  /**
   * AWS WAF: one million requests inspected.
   *
   * @default 0.60
   */
  readonly wafRequestsPerMillionUsd?: number;
}

/** `CostPrices` with every price present. */
export type ResolvedCostPrices = { readonly [K in keyof CostPrices]-?: NonNullable<CostPrices[K]> };

/** When the default prices were transcribed from AWS's pricing pages; they were not re-checked since (see the README). */
export const COST_PRICES_AS_OF = '2025-06';

/**
 * The default prices, as data: us-east-1 on-demand list prices from aws.amazon.com/<service>/pricing as of
 * `COST_PRICES_AS_OF`. The seed's three examples use the first three groups' PUT payload unit, Firehose and S3 prices,
 * which still are the list prices; where its method differs from AWS's billing, the estimator says so in its
 * assumptions rather than changing these numbers.
 */
export const DEFAULT_COST_PRICES: ResolvedCostPrices = {
  kinesisShardHourUsd: 0.015,
  kinesisPutPayloadUnitsPerMillionUsd: 0.014,
  kinesisExtendedRetentionShardHourUsd: 0.02,
  kinesisEnhancedFanOutConsumerShardHourUsd: 0.015,
  kinesisEnhancedFanOutPerGbUsd: 0.013,
  // On-demand (Standard) mode. The newer On-demand Advantage mode is cheaper per GB but commits to 25 MiB/s.
  kinesisOnDemandStreamHourUsd: 0.04,
  kinesisOnDemandIngestPerGbUsd: 0.08,
  kinesisOnDemandRetrievalPerGbUsd: 0.04,
  kinesisOnDemandEnhancedFanOutPerGbUsd: 0.05,
  kinesisOnDemandExtendedRetentionPerGbMonthUsd: 0.10,
  kinesisLongTermRetentionPerGbMonthUsd: 0.023,
  // The first tier; beyond 500 TB a month Firehose is cheaper, so very large volumes are overestimated.
  firehoseIngestPerGbUsd: 0.029,
  firehoseFormatConversionPerGbUsd: 0.018,
  firehoseVpcDeliveryAzHourUsd: 0.01,
  firehoseVpcDeliveryPerGbUsd: 0.01,
  vpcInterfaceEndpointAzHourUsd: 0.01,
  vpcInterfaceEndpointPerGbUsd: 0.01,
  flinkKpuHourUsd: 0.11,
  flinkRunningStoragePerGbMonthUsd: 0.10,
  lambdaRequestsPerMillionUsd: 0.20,
  // The library's functions run on arm64, 20 % below x86.
  lambdaArmGbSecondUsd: 0.0000133334,
  s3StoragePerGbMonthUsd: 0.023,
  s3PutRequestsPerThousandUsd: 0.005,
  // The instance types of SearchDomainSize.STANDARD and PRODUCTION (DEFAULTS.searchDomain).
  openSearchInstanceHourUsd: {
    'r6g.large.search': 0.167,
    'r6g.xlarge.search': 0.335,
    'm6g.large.search': 0.128,
  },
  openSearchGp3PerGbMonthUsd: 0.122,
  // On-demand throughput prices since AWS halved them on 2024-11-01.
  dynamoDbWriteRequestUnitsPerMillionUsd: 0.625,
  dynamoDbReadRequestUnitsPerMillionUsd: 0.125,
  dynamoDbStoragePerGbMonthUsd: 0.25,
  // The node types of DEFAULTS.referenceCache, at Valkey's node prices (20 % below Redis OSS: 0.016 and 0.219).
  elastiCacheNodeHourUsd: {
    'cache.t4g.micro': 0.0128,
    'cache.r7g.large': 0.1752,
  },
  glueCatalogObjectsPer100kMonthUsd: 1,
  glueDpuHourUsd: 0.44,
  cloudWatchDashboardMonthUsd: 3,
  cloudWatchAlarmMetricMonthUsd: 0.10,
  cloudWatchCompositeAlarmMonthUsd: 0.50,
  cloudWatchMetricMonthUsd: 0.30,
  cloudWatchLogsIngestPerGbUsd: 0.50,
  kmsKeyMonthUsd: 1,
  kmsRequestsPer10kUsd: 0.03,
  apiGatewayRequestsPerMillionUsd: 3.50,
  wafWebAclMonthUsd: 5,
  wafRuleMonthUsd: 1,
  wafRequestsPerMillionUsd: 0.60,
};
