import { Duration, Size } from 'aws-cdk-lib';
import { StreamMode } from 'aws-cdk-lib/aws-kinesis';
import { counted, formatNumber, formatPrice, formatUsd, toCents } from './cost-format';
import { COST_MODEL, costAssumptions } from './cost-model';
import { COST_PRICES_AS_OF, CostPrices, DEFAULT_COST_PRICES, ResolvedCostPrices } from './cost-prices';
import { ShardCalculator } from '../ingest/shard-calculator';
import { DEFAULTS } from '../presets/defaults';
import { PipelinePreset, PresetSettings } from '../presets/pipeline-preset';
import { ReferenceCacheSize } from '../processing/reference-cache';
import { SearchDomainSize } from '../sinks/search-domain';

/**
 * A component of the cost breakdown: the seed's rows, plus Redshift and API Gateway when they are enabled.
 */
export enum CostComponent {
  /** The ingest and enriched streams. */
  KINESIS_DATA_STREAMS = 'Kinesis Data Streams',
  /** The delivery streams of the sinks. */
  KINESIS_FIREHOSE = 'Kinesis Firehose',
  /** The Flink application (Managed Service for Apache Flink, formerly Kinesis Data Analytics). */
  KINESIS_ANALYTICS = 'Kinesis Analytics (Flink)',
  /** The processor and the sinks' transformers. */
  LAMBDA = 'Lambda',
  /** The data lake bucket. */
  S3 = 'S3',
  /** The search domain. */
  OPENSEARCH = 'OpenSearch',
  /** The reference and state tables. */
  DYNAMODB = 'DynamoDB',
  /** The shared reference cache. */
  ELASTICACHE = 'ElastiCache',
  /** The data lake's Data Catalog table. */
  GLUE = 'Glue',
  /** The dashboard, alarms, metrics and processor logs. */
  CLOUDWATCH = 'CloudWatch',
  /** The pipeline's customer-managed key. */
  KMS = 'KMS',
  /** The Redshift sink's target, listed only when the sink is enabled. */
  REDSHIFT = 'Redshift',
  /** The HTTP front door and its web ACL, listed only when HTTP ingestion is enabled. */
  API_GATEWAY = 'API Gateway',
  /** The network's interface endpoints (the gateway endpoints are free). */
  VPC = 'VPC',
}

/**
 * What a pipeline would carry and which of its optional components run, for `CostEstimator.estimate`.
 */
export interface CostEstimateProps {
  /** Records producers send per day: a whole number from 0. The seed's examples use 10,000,000. */
  readonly recordsPerDay: number;
  /**
   * Average size of a record in bytes, from 1 to 1,048,576 (1 MiB, the largest Kinesis record). The seed's examples
   * use 1,000 (1 KB, so that 10 M records are 10 GB).
   */
  readonly averageRecordSizeBytes: number;
  /**
   * The preset whose stream mode, shards, retention, enhanced fan-out, processor memory, deduplication, cache size,
   * OpenSearch sizing, web ACL and Flink switch the estimate follows.
   *
   * @default PipelinePreset.DEV
   */
  readonly preset?: PipelinePreset;
  /**
   * Whether the pipeline indexes into a new OpenSearch domain of the preset's size.
   *
   * @default - the preset's `openSearch`: off in DEV, on in STAGING and PROD
   */
  readonly openSearch?: boolean;
  /**
   * Whether the pipeline runs a Flink application (which needs `analytics.code`).
   *
   * @default - the preset's `flinkAnalytics`: on in PROD
   */
  readonly flinkAnalytics?: boolean;
  /**
   * Whether the processor reads the ingest stream through an enhanced fan-out consumer.
   *
   * @default - the preset's `enhancedFanOut`: on in STAGING and PROD
   */
  readonly enhancedFanOut?: boolean;
  /**
   * Whether the processor drops duplicate event ids, at two DynamoDB writes per record.
   *
   * @default - the preset's `deduplication`: on in PROD
   */
  readonly deduplication?: boolean;
  /**
   * Whether the processor looks up reference data in DynamoDB (`processor.referenceData`).
   *
   * @default - true when `referenceCache` is, else false
   */
  readonly referenceData?: boolean;
  /**
   * Whether reference lookups go through a shared ElastiCache cache of the preset's `referenceCacheSize`
   * (`processor.referenceData.sharedCache`).
   *
   * @default false
   */
  readonly referenceCache?: boolean;
  /**
   * Share of reference lookups a cache answers, from 0 to 100 (`ProcessorMetric.REFERENCE_CACHE_HIT_RATIO` measures
   * it). Only with `referenceData`.
   *
   * @default - 90 with the in-process cache alone, 99 with the shared cache
   */
  readonly referenceCacheHitPercent?: number;
  /**
   * Whether records arrive through the HTTP front door (API Gateway), with the preset's web ACL.
   *
   * @default false
   */
  readonly httpIngestion?: boolean;
  /**
   * Records per HTTP request, from 1 (`PUT /record`) to 500 (`PUT /records`). Only with `httpIngestion`.
   *
   * @default 1
   */
  readonly httpRecordsPerRequest?: number;
  /**
   * Whether the pipeline loads the enriched records into Redshift as well.
   *
   * @default false
   */
  readonly redshift?: boolean;
  /**
   * Whether the data lake's data-quality checks run (`dataLake.dataQuality`): a crawler and an evaluation run a day.
   *
   * @default true
   */
  readonly dataQuality?: boolean;
  /**
   * Unit prices that replace the defaults, e.g. another region's.
   *
   * @default - us-east-1 on-demand list prices as of `CostEstimate.pricesAsOf`
   */
  readonly prices?: CostPrices;
}

/**
 * One billed dimension of a component, e.g. the ingest stream's PUT payload units.
 */
export interface CostItem {
  /** What is billed, e.g. `Ingest stream PUT payload units`. */
  readonly name: string;
  /** The quantity times the price, with numbers, e.g. `310,000,000 PUT payload units x $0.014 per million`. */
  readonly formula: string;
  /** The monthly cost in US dollars, rounded to cents (half up). */
  readonly monthlyUsd: number;
}

/**
 * One row of the breakdown: a component and what it costs a month.
 */
export interface CostLine {
  /** The component. */
  readonly component: CostComponent;
  /** The sum of the items in US dollars. */
  readonly monthlyUsd: number;
  /** Each item as `name: formula = $amount`, joined by `; `, or why the component costs nothing. */
  readonly details: string;
  /** The billed dimensions; empty when the component is off or not estimated. */
  readonly items: CostItem[];
}

/**
 * A monthly cost estimate.
 */
export interface CostEstimate {
  /** One line per component, in the seed's order, then Redshift and API Gateway when enabled. */
  readonly lines: CostLine[];
  /** The sum of the lines in US dollars. */
  readonly totalMonthlyUsd: number;
  /** What the model assumes, in words. */
  readonly assumptions: string[];
  /** When the default prices were taken (year and month); given prices are the caller's. */
  readonly pricesAsOf: string;
}

/** The sinks, each a Firehose delivery stream reading the enriched stream; the names start their items' names. */
const SINK_NAMES = { dataLake: 'Data lake', openSearch: 'OpenSearch', redshift: 'Redshift' } as const;

/** A stream's readers: standard ones share its throughput, enhanced fan-out ones have their own. */
interface StreamReaders {
  readonly standard: number;
  readonly fanOut: number;
}

/** The inputs resolved against the preset, with the volumes every component derives from. */
interface Usage {
  readonly prices: ResolvedCostPrices;
  readonly settings: PresetSettings;
  readonly presetName: string;
  readonly recordsPerDay: number;
  readonly recordBytes: number;
  readonly monthlyRecords: number;
  readonly dailyGb: number;
  readonly monthlyGb: number;
  readonly hours: number;
  readonly retentionDays: number;
  readonly openSearch: boolean;
  readonly flinkAnalytics: boolean;
  readonly enhancedFanOut: boolean;
  readonly deduplication: boolean;
  readonly referenceData: boolean;
  readonly referenceCache: boolean;
  readonly referenceCacheHitPercent: number;
  readonly httpIngestion: boolean;
  readonly httpRecordsPerRequest: number;
  readonly redshift: boolean;
  readonly dataQuality: boolean;
  readonly sinks: string[];
}

/**
 * Estimates what a pipeline costs a month, per component, from its traffic, preset and enabled components, with the
 * seed's method (31-day month, decimal GB) and AWS's list prices. Pure: it creates nothing, and the same props always
 * give the same estimate.
 *
 * The seed's worked examples, for 10,000,000 records a day of 1,000 bytes: the ingest stream's PUT payload units
 * $4.34, the data lake's Firehose ingestion $8.99 and S3 storage $3.57 (items of the DEV estimate).
 */
export class CostEstimator {
  /**
   * The monthly cost of a pipeline carrying the given traffic.
   */
  public static estimate(props: CostEstimateProps): CostEstimate {
    const usage = resolveUsage(props);
    const lines = [
      kinesisLine(usage),
      firehoseLine(usage),
      flinkLine(usage),
      lambdaLine(usage),
      s3Line(usage),
      openSearchLine(usage),
      dynamoDbLine(usage),
      elastiCacheLine(usage),
      glueLine(usage),
      cloudWatchLine(usage),
      kmsLine(usage),
      vpcLine(usage),
      ...(usage.redshift ? [redshiftLine()] : []),
      ...(usage.httpIngestion ? [apiGatewayLine(usage)] : []),
    ];
    return {
      lines,
      totalMonthlyUsd: sumUsd(lines.map(l => l.monthlyUsd)),
      assumptions: costAssumptions(),
      pricesAsOf: COST_PRICES_AS_OF,
    };
  }

  /**
   * The estimate as the seed's markdown table: a row per component and a total.
   */
  public static toTable(estimate: CostEstimate): string {
    return [
      '| Component | Monthly | Calculation |',
      '|-----------|---------|-------------|',
      ...estimate.lines.map(l => `| ${l.component} | ${formatUsd(l.monthlyUsd)} | ${l.details} |`),
      `| **TOTAL** | **${formatUsd(estimate.totalMonthlyUsd)}** | us-east-1 list prices as of ${estimate.pricesAsOf} |`,
    ].join('\n');
  }

  private constructor() {}
}

function resolveUsage(props: CostEstimateProps): Usage {
  const model = COST_MODEL;
  const prop = (name: string) => `CostEstimateProps.${name}`;
  if (!Number.isSafeInteger(props.recordsPerDay) || props.recordsPerDay < 0) {
    throw new Error(`Invalid ${prop('recordsPerDay')}: ${props.recordsPerDay}. Allowed: a whole number from 0.`);
  }
  const sizeRange = model.recordSizeBytesRange;
  if (outside(props.averageRecordSizeBytes, sizeRange)) {
    throw new Error(`Invalid ${prop('averageRecordSizeBytes')}: ${props.averageRecordSizeBytes}. `
      + `Allowed: a number from ${sizeRange.min} to ${sizeRange.max} (1 MiB, the largest Kinesis record).`);
  }
  const referenceCache = props.referenceCache ?? false;
  const referenceData = props.referenceData ?? referenceCache;
  if (referenceCache && !referenceData) {
    throw new Error(`Invalid ${prop('referenceCache')}: true with referenceData false. `
      + 'Allowed: referenceCache only with referenceData, as the shared cache sits in front of the reference table.');
  }
  if (props.referenceCacheHitPercent !== undefined) {
    if (!referenceData) {
      throw new Error(`Invalid ${prop('referenceCacheHitPercent')}: given without referenceData. Allowed: only together with referenceData.`);
    }
    if (outside(props.referenceCacheHitPercent, { min: 0, max: 100 })) {
      throw new Error(`Invalid ${prop('referenceCacheHitPercent')}: ${props.referenceCacheHitPercent}. Allowed: a number from 0 to 100.`);
    }
  }
  const httpIngestion = props.httpIngestion ?? false;
  const perRequest = model.httpRecordsPerRequestRange;
  if (props.httpRecordsPerRequest !== undefined) {
    if (!httpIngestion) {
      throw new Error(`Invalid ${prop('httpRecordsPerRequest')}: given without httpIngestion. Allowed: only together with httpIngestion.`);
    }
    if (!Number.isInteger(props.httpRecordsPerRequest) || outside(props.httpRecordsPerRequest, perRequest)) {
      throw new Error(`Invalid ${prop('httpRecordsPerRequest')}: ${props.httpRecordsPerRequest}. `
        + `Allowed: an integer from ${perRequest.min} to ${perRequest.max} (HttpIngestion's batch limit).`);
    }
  }

  const preset = props.preset ?? PipelinePreset.DEV;
  const settings = preset.settings;
  const openSearch = props.openSearch ?? settings.openSearch ?? false;
  const redshift = props.redshift ?? false;
  const dailyGb = (props.recordsPerDay * props.averageRecordSizeBytes) / model.bytesPerGb;
  return {
    prices: resolvePrices(props.prices),
    settings,
    presetName: preset.name,
    recordsPerDay: props.recordsPerDay,
    recordBytes: props.averageRecordSizeBytes,
    monthlyRecords: props.recordsPerDay * model.daysPerMonth,
    dailyGb,
    monthlyGb: dailyGb * model.daysPerMonth,
    hours: model.daysPerMonth * model.hoursPerDay,
    retentionDays: settings.retentionPeriod.toHours({ integral: false }) / model.hoursPerDay,
    openSearch,
    flinkAnalytics: props.flinkAnalytics ?? settings.flinkAnalytics ?? false,
    enhancedFanOut: props.enhancedFanOut ?? settings.enhancedFanOut ?? false,
    deduplication: props.deduplication ?? settings.deduplication ?? false,
    referenceData,
    referenceCache,
    referenceCacheHitPercent: props.referenceCacheHitPercent
      ?? (referenceCache ? model.referenceCacheHitPercent.withSharedCache : model.referenceCacheHitPercent.inProcessOnly),
    httpIngestion,
    httpRecordsPerRequest: props.httpRecordsPerRequest ?? perRequest.min,
    redshift,
    dataQuality: props.dataQuality ?? true,
    sinks: [SINK_NAMES.dataLake, ...(openSearch ? [SINK_NAMES.openSearch] : []), ...(redshift ? [SINK_NAMES.redshift] : [])],
  };
}

/** Whether a number is not finite or outside a range; NaN is outside every range. */
function outside(value: number, range: { readonly min: number; readonly max: number }): boolean {
  return !Number.isFinite(value) || value < range.min || value > range.max;
}

function resolvePrices(given: CostPrices = {}): ResolvedCostPrices {
  const resolved: Record<string, unknown> = { ...DEFAULT_COST_PRICES };
  for (const [name, value] of Object.entries(given)) {
    if (value === undefined) {
      continue;
    }
    if (!Object.prototype.hasOwnProperty.call(DEFAULT_COST_PRICES, name)) {
      throw new Error(`Invalid CostPrices.${name}: not a field of CostPrices. Allowed: its fields, e.g. kinesisShardHourUsd.`);
    }
    const defaultValue = (DEFAULT_COST_PRICES as unknown as Record<string, unknown>)[name];
    if (typeof defaultValue === 'object') {
      for (const [type, price] of Object.entries(value as Record<string, number>)) {
        validatePrice(`CostPrices.${name}["${type}"]`, price);
      }
      resolved[name] = { ...(defaultValue as Record<string, number>), ...(value as Record<string, number>) };
    } else {
      validatePrice(`CostPrices.${name}`, value as number);
      resolved[name] = value;
    }
  }
  return resolved as unknown as ResolvedCostPrices;
}

function validatePrice(prop: string, price: number): void {
  if (typeof price !== 'number' || !Number.isFinite(price) || price < 0) {
    throw new Error(`Invalid ${prop}: ${price}. Allowed: a finite number of US dollars from 0.`);
  }
}

/** The hourly price of an instance or node type, which must be in the price map. */
function hourlyPrice(prices: { [type: string]: number }, priceField: string, type: string, usedBy: string): number {
  if (!Object.prototype.hasOwnProperty.call(prices, type)) {
    throw new Error(`Invalid CostPrices.${priceField}: no price for "${type}" (${usedBy}). `
      + `Allowed: an hourly price for every type the estimate needs; prices are known for ${Object.keys(prices).join(', ')}.`);
  }
  return prices[type];
}

function item(name: string, formula: string, usd: number): CostItem {
  return { name, formula, monthlyUsd: toCents(usd) / 100 };
}

function sumUsd(amounts: number[]): number {
  return amounts.reduce((cents, usd) => cents + toCents(usd), 0) / 100;
}

function line(component: CostComponent, items: CostItem[], whenEmpty: string = ''): CostLine {
  return {
    component,
    monthlyUsd: sumUsd(items.map(i => i.monthlyUsd)),
    details: items.length === 0 ? whenEmpty : items.map(i => `${i.name}: ${i.formula} = ${formatUsd(i.monthlyUsd)}`).join('; '),
    items,
  };
}

/** GB of a number of records, each of the given size. */
function gbOf(records: number, bytesPerRecord: number): number {
  return (records * bytesPerRecord) / COST_MODEL.bytesPerGb;
}

function roundedUp(bytes: number, increment: number): number {
  return Math.ceil(bytes / increment) * increment;
}

/** Objects (or invocations) a day of a Firehose buffer that flushes when full or when its interval ends, whichever comes first. */
function flushesPerDay(usage: Usage, bufferSize: Size, bufferInterval: Duration): number {
  if (usage.recordsPerDay === 0) {
    return 0;
  }
  const secondsPerDay = COST_MODEL.hoursPerDay * 3_600;
  const dailyBytes = usage.recordsPerDay * usage.recordBytes;
  return Math.max(Math.ceil(secondsPerDay / bufferInterval.toSeconds()), Math.ceil(dailyBytes / bufferSize.toBytes()));
}

function kinesisLine(usage: Usage): CostLine {
  // On-demand streams bill every reader: the processor (through its own consumer with enhanced fan-out), Flink's
  // polling of the ingest stream, and each sink's delivery stream on the enriched stream.
  const readers: Array<[string, StreamReaders]> = [
    ['Ingest stream', {
      standard: (usage.enhancedFanOut ? 0 : 1) + (usage.flinkAnalytics ? 1 : 0),
      fanOut: usage.enhancedFanOut ? 1 : 0,
    }],
    ['Enriched stream', { standard: usage.sinks.length, fanOut: 0 }],
  ];
  const shards = usage.settings.streamMode === StreamMode.PROVISIONED ? usage.settings.shardCount : undefined;
  const items = readers.flatMap(([stream, streamReaders]) => shards === undefined
    ? onDemandStreamItems(usage, stream, streamReaders)
    : provisionedStreamItems(usage, stream, streamReaders, shards));
  return line(CostComponent.KINESIS_DATA_STREAMS, items);
}

function provisionedStreamItems(usage: Usage, stream: string, readers: StreamReaders, presetShards: number): CostItem[] {
  const { prices: p, hours } = usage;
  // A stream sized below its traffic throttles; the estimate prices the shards the traffic needs at its average rate.
  const secondsPerDay = COST_MODEL.hoursPerDay * 3_600;
  const shards = Math.max(presetShards, ShardCalculator.estimate({
    writeRecordsPerSecond: usage.recordsPerDay / secondsPerDay,
    writeMegabytesPerSecond: (usage.recordsPerDay * usage.recordBytes) / secondsPerDay / 1_000_000,
    standardConsumers: readers.standard,
    headroomPercent: 0,
  }).shardCount);
  const shardHours = `${counted(shards, 'shard')}${shards > presetShards ? ` (the traffic needs more than the preset's ${presetShards})` : ''} x ${hours} h`;
  const unitsPerRecord = Math.ceil(usage.recordBytes / COST_MODEL.putPayloadUnitBytes);
  const units = usage.monthlyRecords * unitsPerRecord;
  const items = [
    item(`${stream} shard hours`, `${shardHours} x ${formatPrice(p.kinesisShardHourUsd)}`, shards * hours * p.kinesisShardHourUsd),
    item(`${stream} PUT payload units`,
      `${formatNumber(units)} PUT payload units${unitsPerRecord === 1 ? '' : ` (${unitsPerRecord} per record)`} `
      + `x ${formatPrice(p.kinesisPutPayloadUnitsPerMillionUsd)} per million`,
      (units / 1_000_000) * p.kinesisPutPayloadUnitsPerMillionUsd),
  ];
  if (usage.retentionDays > COST_MODEL.includedRetentionDays) {
    items.push(item(`${stream} extended retention`, `${shardHours} x ${formatPrice(p.kinesisExtendedRetentionShardHourUsd)}`,
      shards * hours * p.kinesisExtendedRetentionShardHourUsd));
  }
  items.push(...longTermRetentionItems(usage, stream, usage.dailyGb));
  if (readers.fanOut > 0) {
    const gb = usage.monthlyGb * readers.fanOut;
    items.push(
      item(`${stream} enhanced fan-out consumer hours`, `${counted(readers.fanOut, 'consumer')} x ${shardHours} `
        + `x ${formatPrice(p.kinesisEnhancedFanOutConsumerShardHourUsd)}`,
      readers.fanOut * shards * hours * p.kinesisEnhancedFanOutConsumerShardHourUsd),
      item(`${stream} enhanced fan-out retrievals`, `${formatNumber(gb)} GB x ${formatPrice(p.kinesisEnhancedFanOutPerGbUsd)} per GB`,
        gb * p.kinesisEnhancedFanOutPerGbUsd),
    );
  }
  return items;
}

function onDemandStreamItems(usage: Usage, stream: string, readers: StreamReaders): CostItem[] {
  const { prices: p, hours } = usage;
  const billedBytes = roundedUp(usage.recordBytes, COST_MODEL.onDemandRecordIncrementBytes);
  const rounding = billedBytes === usage.recordBytes ? '' : ` (each record billed as ${formatNumber(billedBytes)} bytes)`;
  const gb = gbOf(usage.monthlyRecords, billedBytes);
  const items = [
    item(`${stream} hours`, `${hours} stream hours x ${formatPrice(p.kinesisOnDemandStreamHourUsd)}`, hours * p.kinesisOnDemandStreamHourUsd),
    item(`${stream} data written`, `${formatNumber(gb)} GB${rounding} x ${formatPrice(p.kinesisOnDemandIngestPerGbUsd)} per GB`,
      gb * p.kinesisOnDemandIngestPerGbUsd),
  ];
  if (readers.standard > 0) {
    items.push(item(`${stream} data read`, `${counted(readers.standard, 'standard consumer')} x ${formatNumber(gb)} GB `
      + `x ${formatPrice(p.kinesisOnDemandRetrievalPerGbUsd)} per GB`, readers.standard * gb * p.kinesisOnDemandRetrievalPerGbUsd));
  }
  if (readers.fanOut > 0) {
    items.push(item(`${stream} enhanced fan-out data read`, `${counted(readers.fanOut, 'consumer')} x ${formatNumber(gb)} GB `
      + `x ${formatPrice(p.kinesisOnDemandEnhancedFanOutPerGbUsd)} per GB`, readers.fanOut * gb * p.kinesisOnDemandEnhancedFanOutPerGbUsd));
  }
  const dailyGb = gbOf(usage.recordsPerDay, billedBytes);
  const extendedDays = Math.min(usage.retentionDays, COST_MODEL.extendedRetentionDays) - COST_MODEL.includedRetentionDays;
  if (extendedDays > 0) {
    const stored = dailyGb * extendedDays;
    items.push(item(`${stream} extended retention`, `${formatNumber(stored)} GB kept beyond 24 hours (${formatNumber(extendedDays)} days `
      + `x ${formatNumber(dailyGb)} GB) x ${formatPrice(p.kinesisOnDemandExtendedRetentionPerGbMonthUsd)} per GB-month`,
    stored * p.kinesisOnDemandExtendedRetentionPerGbMonthUsd));
  }
  items.push(...longTermRetentionItems(usage, stream, dailyGb));
  return items;
}

function longTermRetentionItems(usage: Usage, stream: string, dailyGb: number): CostItem[] {
  const longTermDays = usage.retentionDays - COST_MODEL.extendedRetentionDays;
  if (longTermDays <= 0) {
    return [];
  }
  const stored = dailyGb * longTermDays;
  const price = usage.prices.kinesisLongTermRetentionPerGbMonthUsd;
  return [item(`${stream} long-term retention`, `${formatNumber(stored)} GB kept beyond ${COST_MODEL.extendedRetentionDays} days `
    + `(${formatNumber(longTermDays)} days x ${formatNumber(dailyGb)} GB) x ${formatPrice(price)} per GB-month`, stored * price)];
}

function firehoseLine(usage: Usage): CostLine {
  const p = usage.prices;
  const billedBytes = roundedUp(usage.recordBytes, COST_MODEL.firehoseRecordIncrementBytes);
  const billedGb = gbOf(usage.monthlyRecords, billedBytes);
  const items = usage.sinks.flatMap(sink => {
    const sinkItems = [item(`${sink} ingestion`, `${formatNumber(usage.monthlyGb)} GB x ${formatPrice(p.firehoseIngestPerGbUsd)} per GB`,
      usage.monthlyGb * p.firehoseIngestPerGbUsd)];
    if (billedGb > usage.monthlyGb) {
      sinkItems.push(item(`${sink} 5 KB increments`, `${formatNumber(billedGb - usage.monthlyGb)} GB more (each record billed as `
        + `${formatNumber(billedBytes)} bytes) x ${formatPrice(p.firehoseIngestPerGbUsd)} per GB`,
      (billedGb - usage.monthlyGb) * p.firehoseIngestPerGbUsd));
    }
    if (sink === SINK_NAMES.dataLake) {
      sinkItems.push(item('Data lake Parquet conversion', `${formatNumber(billedGb)} GB x ${formatPrice(p.firehoseFormatConversionPerGbUsd)} per GB`,
        billedGb * p.firehoseFormatConversionPerGbUsd));
    }
    if (sink === SINK_NAMES.openSearch) {
      const zones = searchDomainSize(usage).availabilityZones;
      sinkItems.push(
        item('OpenSearch VPC delivery hours',
          `${counted(zones, 'Availability Zone')} x ${usage.hours} h x ${formatPrice(p.firehoseVpcDeliveryAzHourUsd)}`,
          zones * usage.hours * p.firehoseVpcDeliveryAzHourUsd),
        item('OpenSearch VPC delivery data', `${formatNumber(usage.monthlyGb)} GB x ${formatPrice(p.firehoseVpcDeliveryPerGbUsd)} per GB`,
          usage.monthlyGb * p.firehoseVpcDeliveryPerGbUsd),
      );
    }
    return sinkItems;
  });
  return line(CostComponent.KINESIS_FIREHOSE, items);
}

function flinkLine(usage: Usage): CostLine {
  if (!usage.flinkAnalytics) {
    return line(CostComponent.KINESIS_ANALYTICS, [], 'Off (flinkAnalytics)');
  }
  const p = usage.prices;
  const { parallelism, parallelismPerKpu } = DEFAULTS.flink;
  const computeKpus = Math.ceil(parallelism / parallelismPerKpu);
  const kpus = computeKpus + COST_MODEL.flinkOrchestrationKpus;
  const storageGb = computeKpus * COST_MODEL.flinkRunningStorageGbPerKpu;
  return line(CostComponent.KINESIS_ANALYTICS, [
    item('KPU hours', `${counted(kpus, 'KPU')} (${computeKpus} for parallelism ${parallelism} at ${parallelismPerKpu} per KPU, `
      + `${COST_MODEL.flinkOrchestrationKpus} for orchestration) x ${usage.hours} h x ${formatPrice(p.flinkKpuHourUsd)}`,
    kpus * usage.hours * p.flinkKpuHourUsd),
    item('Running application storage', `${formatNumber(storageGb)} GB x ${formatPrice(p.flinkRunningStoragePerGbMonthUsd)} per GB-month`,
      storageGb * p.flinkRunningStoragePerGbMonthUsd),
  ]);
}

function lambdaLine(usage: Usage): CostLine {
  const batchSize = DEFAULTS.processor.batchSize;
  const invocations = Math.ceil(usage.recordsPerDay / batchSize) * COST_MODEL.daysPerMonth;
  const memoryMiB = usage.settings.processorMemorySize ?? DEFAULTS.processor.memorySizeMiB;
  const items = functionItems(usage, 'Processor', invocations,
    `${formatNumber(usage.recordsPerDay)} records/day / ${batchSize} per batch x ${COST_MODEL.daysPerMonth} days`,
    COST_MODEL.processorInvocationSeconds, memoryMiB);
  const transformer = DEFAULTS.transformer;
  for (const sink of usage.sinks.filter(s => s !== SINK_NAMES.dataLake)) {
    const transformerInvocations = flushesPerDay(usage, transformer.bufferingSize, transformer.bufferingInterval) * COST_MODEL.daysPerMonth;
    items.push(...functionItems(usage, `${sink} transformer`, transformerInvocations,
      `one per ${transformer.bufferingSize.toMebibytes()} MiB or ${transformer.bufferingInterval.toSeconds()} s x ${COST_MODEL.daysPerMonth} days`,
      COST_MODEL.transformerInvocationSeconds, transformer.memorySizeMiB));
  }
  return line(CostComponent.LAMBDA, items);
}

function functionItems(usage: Usage, name: string, invocations: number, why: string, seconds: number, memoryMiB: number): CostItem[] {
  const p = usage.prices;
  const memoryGb = memoryMiB / 1_024;
  const gbSeconds = invocations * seconds * memoryGb;
  return [
    item(`${name} requests`, `${formatNumber(invocations)} invocations (${why}) x ${formatPrice(p.lambdaRequestsPerMillionUsd)} per million`,
      (invocations / 1_000_000) * p.lambdaRequestsPerMillionUsd),
    item(`${name} duration`, `${formatNumber(invocations)} invocations x ${seconds} s `
      + `x ${formatNumber(memoryGb, 4)} GB (${formatNumber(memoryMiB)} MiB) `
      + `= ${formatNumber(gbSeconds)} GB-s x ${formatPrice(p.lambdaArmGbSecondUsd)} per GB-s`, gbSeconds * p.lambdaArmGbSecondUsd),
  ];
}

function s3Line(usage: Usage): CostLine {
  const p = usage.prices;
  const ratio = COST_MODEL.dataLakeCompressionRatio;
  const storedGb = usage.monthlyGb * ratio;
  const lake = DEFAULTS.dataLake;
  const objects = flushesPerDay(usage, lake.bufferingSize, lake.bufferingInterval) * COST_MODEL.daysPerMonth;
  return line(CostComponent.S3, [
    item('Data lake storage', `${formatNumber(usage.dailyGb * ratio)} GB/day after Parquet/GZIP (ratio ${ratio}) x ${COST_MODEL.daysPerMonth} days `
      + `= ${formatNumber(storedGb)} GB x ${formatPrice(p.s3StoragePerGbMonthUsd)} per GB-month`, storedGb * p.s3StoragePerGbMonthUsd),
    item('Data lake PUT requests', `${formatNumber(objects)} objects (one per ${lake.bufferingSize.toMebibytes()} MiB or `
      + `${lake.bufferingInterval.toSeconds()} s) x ${formatPrice(p.s3PutRequestsPerThousandUsd)} per 1,000`,
    (objects / 1_000) * p.s3PutRequestsPerThousandUsd),
  ]);
}

/**
 * The interface endpoints of the pipeline's network, in every zone of its VPC: the processor's services, and Flink's
 * source stream through the same Kinesis endpoint. Data processed: what the processor writes to the enriched stream
 * and what Flink reads; dead letters are too few to count.
 */
function vpcLine(usage: Usage): CostLine {
  const p = usage.prices;
  const network = DEFAULTS.network;
  const services = new Set([...network.clientEndpoints.processor, ...(usage.flinkAnalytics ? network.clientEndpoints.flink : [])]
    .map(service => service.shortName));
  const zones = Math.max(network.availabilityZones, usage.openSearch ? searchDomainSize(usage).availabilityZones : 0);
  const processedGb = usage.monthlyGb * (usage.flinkAnalytics ? 2 : 1);
  return line(CostComponent.VPC, [
    item('Interface endpoint hours', `${counted(services.size, 'endpoint')} (${[...services].join(', ')}) x ${counted(zones, 'Availability Zone')} `
      + `x ${usage.hours} h x ${formatPrice(p.vpcInterfaceEndpointAzHourUsd)}`, services.size * zones * usage.hours * p.vpcInterfaceEndpointAzHourUsd),
    item('Interface endpoint data', `${formatNumber(processedGb)} GB x ${formatPrice(p.vpcInterfaceEndpointPerGbUsd)} per GB`,
      processedGb * p.vpcInterfaceEndpointPerGbUsd),
  ]);
}

function searchDomainSize(usage: Usage): SearchDomainSize {
  return usage.settings.searchDomainSize ?? SearchDomainSize.STANDARD;
}

function openSearchLine(usage: Usage): CostLine {
  if (!usage.openSearch) {
    return line(CostComponent.OPENSEARCH, [], 'Off (openSearch)');
  }
  const p = usage.prices;
  const size = searchDomainSize(usage);
  const nodeItem = (name: string, count: number, type: string) => {
    const price = hourlyPrice(p.openSearchInstanceHourUsd, 'openSearchInstanceHourUsd', type,
      `the ${name.toLowerCase()} of the ${usage.presetName} preset's search domain`);
    return item(name, `${count} x ${type} x ${usage.hours} h x ${formatPrice(price)}`, count * usage.hours * price);
  };
  const volumeGb = size.volumeSize.toGibibytes();
  const items = [nodeItem('Data nodes', size.dataNodes, size.dataNodeInstanceType)];
  if (size.masterNodes > 0 && size.masterNodeInstanceType !== undefined) {
    items.push(nodeItem('Dedicated masters', size.masterNodes, size.masterNodeInstanceType));
  }
  items.push(item('Storage', `${size.dataNodes} x ${formatNumber(volumeGb)} GB gp3 x ${formatPrice(p.openSearchGp3PerGbMonthUsd)} per GB-month`,
    size.dataNodes * volumeGb * p.openSearchGp3PerGbMonthUsd));
  return line(CostComponent.OPENSEARCH, items);
}

function dynamoDbLine(usage: Usage): CostLine {
  const p = usage.prices;
  const items: CostItem[] = [];
  if (usage.referenceData) {
    const missPercent = 100 - usage.referenceCacheHitPercent;
    const readUnits = usage.monthlyRecords * (missPercent / 100) * COST_MODEL.readRequestUnitsPerLookup;
    items.push(item('Reference lookups', `${formatNumber(usage.monthlyRecords)} lookups x ${formatNumber(missPercent)} % cache misses `
      + `x ${COST_MODEL.readRequestUnitsPerLookup} RRU = ${formatNumber(readUnits)} RRU `
      + `x ${formatPrice(p.dynamoDbReadRequestUnitsPerMillionUsd)} per million`,
    (readUnits / 1_000_000) * p.dynamoDbReadRequestUnitsPerMillionUsd));
  }
  if (usage.deduplication) {
    const writeUnits = usage.monthlyRecords * COST_MODEL.writeRequestUnitsPerDeduplicatedRecord;
    const windowDays = DEFAULTS.state.dedupWindow.toHours() / COST_MODEL.hoursPerDay;
    const storedGb = gbOf(usage.recordsPerDay * windowDays, COST_MODEL.deduplicationItemBytes);
    items.push(
      item('Deduplication writes', `${formatNumber(usage.monthlyRecords)} records x ${COST_MODEL.writeRequestUnitsPerDeduplicatedRecord} WRU `
        + `= ${formatNumber(writeUnits)} WRU x ${formatPrice(p.dynamoDbWriteRequestUnitsPerMillionUsd)} per million`,
      (writeUnits / 1_000_000) * p.dynamoDbWriteRequestUnitsPerMillionUsd),
      item('Deduplication state', `${formatNumber(storedGb)} GB (${counted(windowDays, 'day')} of event ids `
        + `x ${COST_MODEL.deduplicationItemBytes} bytes) `
        + `x ${formatPrice(p.dynamoDbStoragePerGbMonthUsd)} per GB-month`, storedGb * p.dynamoDbStoragePerGbMonthUsd),
    );
  }
  return line(CostComponent.DYNAMODB, items, 'Off (no referenceData, no deduplication)');
}

function elastiCacheLine(usage: Usage): CostLine {
  if (!usage.referenceCache) {
    return line(CostComponent.ELASTICACHE, [], 'Off (referenceCache)');
  }
  const size = usage.settings.referenceCacheSize ?? ReferenceCacheSize.STANDARD;
  const nodeTypes = DEFAULTS.referenceCache.nodeType;
  const nodeType = size.nodeCount === 1 ? nodeTypes.singleNode : nodeTypes.replicated;
  const price = hourlyPrice(usage.prices.elastiCacheNodeHourUsd, 'elastiCacheNodeHourUsd', nodeType,
    `the ${usage.presetName} preset's reference cache`);
  return line(CostComponent.ELASTICACHE, [
    item('Nodes', `${size.nodeCount} x ${nodeType} (${counted(size.shards, 'shard')} of ${counted(1 + size.replicasPerShard, 'node')}) `
      + `x ${usage.hours} h x ${formatPrice(price)}`, size.nodeCount * usage.hours * price),
  ]);
}

function glueLine(usage: Usage): CostLine {
  const billable = Math.max(0, COST_MODEL.glueCatalogObjects - COST_MODEL.glueFreeCatalogObjects);
  const price = usage.prices.glueCatalogObjectsPer100kMonthUsd;
  const quality = COST_MODEL.dataQuality;
  const dpuHour = usage.prices.glueDpuHourUsd;
  const runs = COST_MODEL.daysPerMonth;
  const workers = DEFAULTS.dataQuality.workers;
  return line(CostComponent.GLUE, [
    item('Data Catalog objects', `${COST_MODEL.glueCatalogObjects} objects (database, table), `
      + `first ${formatNumber(COST_MODEL.glueFreeCatalogObjects)} `
      + `free: ${formatNumber(billable)} billable x ${formatPrice(price)} per 100,000`, (billable / 100_000) * price),
    ...(usage.dataQuality ? [
      item('Data quality: partition crawler', `${runs} runs x ${quality.crawlerDpus} DPU x ${quality.crawlerBilledMinutes} min `
        + `x ${formatPrice(dpuHour)} per DPU-hour`, runs * quality.crawlerDpus * (quality.crawlerBilledMinutes / 60) * dpuHour),
      item('Data quality: evaluations', `${runs} runs x ${workers} DPU x ${quality.evaluationMinutes} min `
        + `x ${formatPrice(dpuHour)} per DPU-hour`, runs * workers * (quality.evaluationMinutes / 60) * dpuHour),
    ] : []),
  ]);
}

function cloudWatchLine(usage: Usage): CostLine {
  const p = usage.prices;
  const model = COST_MODEL;
  const dataQualityAlarms = usage.dataQuality ? model.alarmMetrics.dataQuality : 0;
  const alarms = model.alarmMetrics.fixed + usage.sinks.length + (usage.httpIngestion ? 1 : 0) + dataQualityAlarms;
  const alarmMetrics = model.alarmMetrics.fixed + model.alarmMetrics.perSink * usage.sinks.length
    + (usage.httpIngestion ? model.alarmMetrics.http : 0) + dataQualityAlarms;
  const shards = metricShards(usage);
  const shardMetrics = model.shardLevelMetricsPerShard * shards * model.streams;
  const processorMetrics = model.processorMetrics.base + (usage.referenceData ? model.processorMetrics.referenceData : 0)
    + (usage.referenceCache ? model.processorMetrics.sharedCache : 0);
  const invocations = Math.ceil(usage.recordsPerDay / DEFAULTS.processor.batchSize) * model.daysPerMonth;
  const logGb = gbOf(invocations, model.processorLogBytesPerInvocation);
  return line(CostComponent.CLOUDWATCH, [
    item('Dashboard', `${model.dashboards} x ${formatPrice(p.cloudWatchDashboardMonthUsd)}`, model.dashboards * p.cloudWatchDashboardMonthUsd),
    item('Alarms', `${alarmMetrics} alarm metrics (${alarms} alarms) x ${formatPrice(p.cloudWatchAlarmMetricMonthUsd)}`,
      alarmMetrics * p.cloudWatchAlarmMetricMonthUsd),
    item('Composite alarm', `${model.compositeAlarms} x ${formatPrice(p.cloudWatchCompositeAlarmMonthUsd)}`,
      model.compositeAlarms * p.cloudWatchCompositeAlarmMonthUsd),
    item('Shard-level metrics', `${model.shardLevelMetricsPerShard} metrics x ${counted(shards, 'shard')} x ${model.streams} streams `
      + `= ${shardMetrics} metrics x ${formatPrice(p.cloudWatchMetricMonthUsd)}`, shardMetrics * p.cloudWatchMetricMonthUsd),
    item('Processor metrics', `${processorMetrics} metrics x ${formatPrice(p.cloudWatchMetricMonthUsd)}`,
      processorMetrics * p.cloudWatchMetricMonthUsd),
    item('Processor logs', `${formatNumber(invocations)} invocations x ${formatNumber(model.processorLogBytesPerInvocation)} bytes `
      + `= ${formatNumber(logGb)} GB x ${formatPrice(p.cloudWatchLogsIngestPerGbUsd)} per GB`, logGb * p.cloudWatchLogsIngestPerGbUsd),
  ]);
}

/** Shards of each stream: the preset's, or what an on-demand stream keeps for twice the write rate. */
function metricShards(usage: Usage): number {
  if (usage.settings.streamMode === StreamMode.PROVISIONED && usage.settings.shardCount !== undefined) {
    return usage.settings.shardCount;
  }
  const secondsPerDay = COST_MODEL.hoursPerDay * 3_600;
  const megabytesPerSecond = (usage.recordsPerDay * usage.recordBytes) / secondsPerDay / 1_000_000;
  const recordsPerSecond = usage.recordsPerDay / secondsPerDay;
  const peak = COST_MODEL.onDemandPeakMultiple;
  return Math.max(COST_MODEL.onDemandMinimumShards, Math.ceil(peak * megabytesPerSecond), Math.ceil((peak * recordsPerSecond) / 1_000));
}

function kmsLine(usage: Usage): CostLine {
  const p = usage.prices;
  const groups = COST_MODEL.kmsResources;
  const resources = [
    ...groups.base,
    ...(usage.openSearch ? groups.openSearch : []),
    ...(usage.redshift ? groups.redshift : []),
    ...(usage.referenceData ? groups.referenceData : []),
    ...(usage.deduplication ? groups.deduplication : []),
    ...(usage.referenceCache ? groups.referenceCache : []),
    ...(usage.flinkAnalytics ? groups.flinkAnalytics : []),
    ...(usage.httpIngestion ? groups.httpIngestion : []),
  ].length;
  const perResource = COST_MODEL.kmsRequestsPerResourceHour * usage.hours;
  const requests = resources * perResource;
  return line(CostComponent.KMS, [
    item('Customer-managed key', `${counted(COST_MODEL.kmsKeys, 'key')} x ${formatPrice(p.kmsKeyMonthUsd)}`, COST_MODEL.kmsKeys * p.kmsKeyMonthUsd),
    item('Requests', `${resources} encrypting resources x ${formatNumber(perResource)} data-key requests = ${formatNumber(requests)} requests `
      + `x ${formatPrice(p.kmsRequestsPer10kUsd)} per 10,000`, (requests / 10_000) * p.kmsRequestsPer10kUsd),
  ]);
}

function redshiftLine(): CostLine {
  return line(CostComponent.REDSHIFT, [], 'Not estimated: RedshiftSink loads your existing cluster or Serverless workgroup; '
    + 'its Firehose delivery and transformer are in their lines');
}

function apiGatewayLine(usage: Usage): CostLine {
  const p = usage.prices;
  const requests = Math.ceil(usage.recordsPerDay / usage.httpRecordsPerRequest) * COST_MODEL.daysPerMonth;
  const items = [
    item('REST API requests', `${formatNumber(requests)} requests (${counted(usage.httpRecordsPerRequest, 'record')} each) `
      + `x ${formatPrice(p.apiGatewayRequestsPerMillionUsd)} per million`, (requests / 1_000_000) * p.apiGatewayRequestsPerMillionUsd),
  ];
  if (usage.settings.httpWebAcl) {
    items.push(
      item('WAF web ACL', `1 x ${formatPrice(p.wafWebAclMonthUsd)}`, p.wafWebAclMonthUsd),
      item('WAF rules', `${COST_MODEL.wafRules} x ${formatPrice(p.wafRuleMonthUsd)}`, COST_MODEL.wafRules * p.wafRuleMonthUsd),
      item('WAF requests', `${formatNumber(requests)} requests x ${formatPrice(p.wafRequestsPerMillionUsd)} per million`,
        (requests / 1_000_000) * p.wafRequestsPerMillionUsd),
    );
  }
  return line(CostComponent.API_GATEWAY, items);
}
