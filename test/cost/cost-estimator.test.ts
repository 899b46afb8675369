import { Duration } from 'aws-cdk-lib';
import { StreamMode } from 'aws-cdk-lib/aws-kinesis';
import * as fc from 'fast-check';
import {
  CostComponent, CostEstimate, CostEstimateProps, CostEstimator, CostPrices, PipelinePreset, ReferenceCacheSize, SearchDomainSize,
} from '../../src';

/** The seed's worked examples: 10 M records a day of 1 KB (1,000 bytes, so that they make 10 GB). */
const SEED = { recordsPerDay: 10_000_000, averageRecordSizeBytes: 1_000 };

function lineOf(estimate: CostEstimate, component: CostComponent) {
  const found = estimate.lines.find(l => l.component === component);
  if (found === undefined) {
    throw new Error(`no line for ${component}`);
  }
  return found;
}

function itemOf(estimate: CostEstimate, component: CostComponent, name: string) {
  const found = lineOf(estimate, component).items.find(i => i.name === name);
  if (found === undefined) {
    throw new Error(`no item ${name} in ${component}`);
  }
  return found;
}

function amounts(estimate: CostEstimate): Record<string, number> {
  return Object.fromEntries(estimate.lines.map(l => [l.component, l.monthlyUsd]));
}

const presets = [PipelinePreset.DEV, PipelinePreset.STAGING, PipelinePreset.PROD];

describe('CostEstimator: the seed\'s worked examples', () => {
  const dev = CostEstimator.estimate(SEED);

  test('Kinesis: 310 M PUT payload units a month x $0.014 per million = $4.34', () => {
    expect(itemOf(dev, CostComponent.KINESIS_DATA_STREAMS, 'Ingest stream PUT payload units')).toEqual({
      name: 'Ingest stream PUT payload units',
      formula: '310,000,000 PUT payload units x $0.014 per million',
      monthlyUsd: 4.34,
    });
  });

  test('Firehose: 10 GB a day x 31 = 310 GB x $0.029 per GB = $8.99', () => {
    expect(itemOf(dev, CostComponent.KINESIS_FIREHOSE, 'Data lake ingestion')).toEqual({
      name: 'Data lake ingestion', formula: '310 GB x $0.029 per GB', monthlyUsd: 8.99,
    });
  });

  test('S3: 5 GB a day after compression x 31 = 155 GB x $0.023 = $3.57', () => {
    expect(itemOf(dev, CostComponent.S3, 'Data lake storage')).toEqual({
      name: 'Data lake storage',
      formula: '5 GB/day after Parquet/GZIP (ratio 0.5) x 31 days = 155 GB x $0.023 per GB-month',
      monthlyUsd: 3.57,
    });
  });

  test('the Firehose and S3 figures hold in every preset; PUT payload units only for provisioned streams', () => {
    for (const preset of presets) {
      const estimate = CostEstimator.estimate({ ...SEED, preset });
      expect(itemOf(estimate, CostComponent.KINESIS_FIREHOSE, 'Data lake ingestion').monthlyUsd).toBe(8.99);
      expect(itemOf(estimate, CostComponent.S3, 'Data lake storage').monthlyUsd).toBe(3.57);
    }
    const prod = CostEstimator.estimate({ ...SEED, preset: PipelinePreset.PROD });
    expect(lineOf(prod, CostComponent.KINESIS_DATA_STREAMS).items.map(i => i.name)).not.toContain('Ingest stream PUT payload units');
  });

  test('the DEV estimate, line by line', () => {
    expect(amounts(dev)).toEqual({
      [CostComponent.KINESIS_DATA_STREAMS]: 31.00, // 2 streams x (1 shard x 744 h x $0.015 = $11.16, PUT payload units $4.34)
      [CostComponent.KINESIS_FIREHOSE]: 74.60, // $8.99 + 5 KB increments $37.04 + Parquet conversion $28.57
      [CostComponent.KINESIS_ANALYTICS]: 0,
      [CostComponent.LAMBDA]: 2.69, // 3.1 M requests $0.62 + 155,000 GB-s $2.07
      [CostComponent.S3]: 3.61, // $3.57 + 8,928 PUTs $0.04
      [CostComponent.OPENSEARCH]: 0,
      [CostComponent.DYNAMODB]: 0,
      [CostComponent.ELASTICACHE]: 0,
      [CostComponent.GLUE]: 9.10, // data quality: crawler 31 x 2 DPU x 10 min x $0.44 = $4.55, evaluations the same
      [CostComponent.CLOUDWATCH]: 10.90, // dashboard 3 + alarms 1.00 + composite 0.50 + shard metrics 1.80 + metrics 1.50 + logs 3.10
      [CostComponent.KMS]: 1.19, // key $1 + 62,496 requests $0.19
      [CostComponent.VPC]: 32.86, // 2 endpoints x 2 zones x 744 h x $0.01 = $29.76 + 310 GB x $0.01
    });
    expect(dev.totalMonthlyUsd).toBe(165.95);
    expect(itemOf(dev, CostComponent.KINESIS_DATA_STREAMS, 'Ingest stream shard hours').formula).toBe('1 shard x 744 h x $0.015');
    expect(itemOf(dev, CostComponent.LAMBDA, 'Processor duration').formula)
      .toBe('3,100,000 invocations x 0.2 s x 0.25 GB (256 MiB) = 155,000 GB-s x $0.0000133334 per GB-s');
  });

  test('VPC: the processor\'s two interface endpoints in each zone of the network; prod\'s three zones and Flink\'s reads', () => {
    expect(itemOf(dev, CostComponent.VPC, 'Interface endpoint hours').formula)
      .toBe('2 endpoints (kinesis-streams, sqs) x 2 Availability Zones x 744 h x $0.01');
    const prod = CostEstimator.estimate({ ...SEED, preset: PipelinePreset.PROD });
    // 2 x 3 x 744 x $0.01 = $44.64; the enriched records and Flink's reads of the ingest stream: 620 GB x $0.01 = $6.20.
    expect(itemOf(prod, CostComponent.VPC, 'Interface endpoint hours').monthlyUsd).toBe(44.64);
    expect(itemOf(prod, CostComponent.VPC, 'Interface endpoint data')).toEqual({
      name: 'Interface endpoint data', formula: '620 GB x $0.01 per GB', monthlyUsd: 6.20,
    });
    const cheaper = CostEstimator.estimate({ ...SEED, prices: { vpcInterfaceEndpointAzHourUsd: 0.005, vpcInterfaceEndpointPerGbUsd: 0 } });
    expect(cheaper.lines.find(l => l.component === CostComponent.VPC)!.monthlyUsd).toBe(14.88);
  });

  test('Firehose\'s 5 KB increments are an item of their own, so the seed\'s figure stays visible', () => {
    expect(itemOf(dev, CostComponent.KINESIS_FIREHOSE, 'Data lake 5 KB increments')).toEqual({
      name: 'Data lake 5 KB increments',
      formula: '1,277.2 GB more (each record billed as 5,120 bytes) x $0.029 per GB',
      monthlyUsd: 37.04,
    });
    const fiveKb = CostEstimator.estimate({ ...SEED, averageRecordSizeBytes: 5_120 });
    expect(lineOf(fiveKb, CostComponent.KINESIS_FIREHOSE).items.map(i => i.name)).not.toContain('Data lake 5 KB increments');
  });

  test('every line is the sum of its items and the total the sum of the lines, in cents', () => {
    const estimate = CostEstimator.estimate({ ...SEED, preset: PipelinePreset.PROD, referenceCache: true, httpIngestion: true, redshift: true });
    for (const l of estimate.lines) {
      expect(Math.round(l.monthlyUsd * 100)).toBe(l.items.reduce((cents, i) => cents + Math.round(i.monthlyUsd * 100), 0));
    }
    expect(Math.round(estimate.totalMonthlyUsd * 100)).toBe(estimate.lines.reduce((cents, l) => cents + Math.round(l.monthlyUsd * 100), 0));
  });
});

describe('CostEstimator: presets', () => {
  test('dev indexes nothing into OpenSearch; staging prices two r6g.large; prod the PRODUCTION domain with masters', () => {
    const [dev, staging, prod] = presets.map(preset => CostEstimator.estimate({ ...SEED, preset }));
    expect(lineOf(dev, CostComponent.OPENSEARCH))
      .toEqual({ component: CostComponent.OPENSEARCH, monthlyUsd: 0, details: 'Off (openSearch)', items: [] });
    expect(lineOf(staging, CostComponent.OPENSEARCH).details)
      .toBe('Data nodes: 2 x r6g.large.search x 744 h x $0.167 = $248.50; Storage: 2 x 100 GB gp3 x $0.122 per GB-month = $24.40');
    expect(lineOf(prod, CostComponent.OPENSEARCH).items).toEqual([
      { name: 'Data nodes', formula: '3 x r6g.xlarge.search x 744 h x $0.335', monthlyUsd: 747.72 },
      { name: 'Dedicated masters', formula: '3 x m6g.large.search x 744 h x $0.128', monthlyUsd: 285.70 },
      { name: 'Storage', formula: '3 x 500 GB gp3 x $0.122 per GB-month', monthlyUsd: 183.00 },
    ]);
    expect(lineOf(prod, CostComponent.OPENSEARCH).monthlyUsd).toBe(1216.42);
  });

  test('an explicit switch wins over the preset', () => {
    const devWithSearch = CostEstimator.estimate({ ...SEED, openSearch: true });
    expect(lineOf(devWithSearch, CostComponent.OPENSEARCH).monthlyUsd).toBe(272.90);
    const prodWithoutFlink = CostEstimator.estimate({ ...SEED, preset: PipelinePreset.PROD, flinkAnalytics: false, deduplication: false });
    expect(lineOf(prodWithoutFlink, CostComponent.KINESIS_ANALYTICS).monthlyUsd).toBe(0);
    expect(lineOf(prodWithoutFlink, CostComponent.DYNAMODB).details).toBe('Off (no referenceData, no deduplication)');
  });

  test('prod runs Flink: 2 KPUs (1 + 1 orchestration) x 744 h x $0.11 plus 50 GB of running storage', () => {
    const prod = CostEstimator.estimate({ ...SEED, preset: PipelinePreset.PROD });
    expect(lineOf(prod, CostComponent.KINESIS_ANALYTICS).items).toEqual([
      { name: 'KPU hours', formula: '2 KPUs (1 for parallelism 1 at 1 per KPU, 1 for orchestration) x 744 h x $0.11', monthlyUsd: 163.68 },
      { name: 'Running application storage', formula: '50 GB x $0.10 per GB-month', monthlyUsd: 5.00 },
    ]);
    for (const preset of [PipelinePreset.DEV, PipelinePreset.STAGING]) {
      expect(lineOf(CostEstimator.estimate({ ...SEED, preset }), CostComponent.KINESIS_ANALYTICS).details).toBe('Off (flinkAnalytics)');
    }
  });

  test('prod deduplicates: two writes per record', () => {
    const prod = CostEstimator.estimate({ ...SEED, preset: PipelinePreset.PROD });
    expect(itemOf(prod, CostComponent.DYNAMODB, 'Deduplication writes')).toEqual({
      name: 'Deduplication writes', formula: '310,000,000 records x 2 WRU = 620,000,000 WRU x $0.625 per million', monthlyUsd: 387.50,
    });
  });

  test('on-demand streams (staging, prod) pay stream hours and GB written and read, records rounded up to 1,024 bytes', () => {
    const staging = CostEstimator.estimate({ ...SEED, preset: PipelinePreset.STAGING });
    expect(lineOf(staging, CostComponent.KINESIS_DATA_STREAMS).items.slice(0, 4)).toEqual([
      { name: 'Ingest stream hours', formula: '744 stream hours x $0.04', monthlyUsd: 29.76 },
      { name: 'Ingest stream data written', formula: '317.44 GB (each record billed as 1,024 bytes) x $0.08 per GB', monthlyUsd: 25.40 },
      // Staging's processor reads through enhanced fan-out; the enriched stream's readers are the two sinks.
      { name: 'Ingest stream enhanced fan-out data read', formula: '1 consumer x 317.44 GB x $0.05 per GB', monthlyUsd: 15.87 },
      {
        name: 'Ingest stream extended retention',
        formula: '20.48 GB kept beyond 24 hours (2 days x 10.24 GB) x $0.10 per GB-month',
        monthlyUsd: 2.05,
      },
    ]);
    expect(itemOf(staging, CostComponent.KINESIS_DATA_STREAMS, 'Enriched stream data read').formula)
      .toBe('2 standard consumers x 317.44 GB x $0.04 per GB');
  });

  test('each preset\'s total', () => {
    expect(presets.map(preset => CostEstimator.estimate({ ...SEED, preset }).totalMonthlyUsd)).toEqual([165.95, 639.69, 2186.24]);
  });

  test('a custom preset: provisioned shards with long retention and enhanced fan-out, a cache of its own size', () => {
    const preset = PipelinePreset.custom('big', {
      streamMode: StreamMode.PROVISIONED,
      shardCount: 4,
      retentionPeriod: Duration.days(10),
      enhancedFanOut: true,
      referenceCacheSize: ReferenceCacheSize.custom(3, 2),
    });
    const estimate = CostEstimator.estimate({ ...SEED, preset, referenceCache: true });
    expect(lineOf(estimate, CostComponent.KINESIS_DATA_STREAMS).items.filter(i => i.name.startsWith('Ingest stream'))).toEqual([
      { name: 'Ingest stream shard hours', formula: '4 shards x 744 h x $0.015', monthlyUsd: 44.64 },
      { name: 'Ingest stream PUT payload units', formula: '310,000,000 PUT payload units x $0.014 per million', monthlyUsd: 4.34 },
      { name: 'Ingest stream extended retention', formula: '4 shards x 744 h x $0.02', monthlyUsd: 59.52 },
      { name: 'Ingest stream long-term retention', formula: '30 GB kept beyond 7 days (3 days x 10 GB) x $0.023 per GB-month', monthlyUsd: 0.69 },
      { name: 'Ingest stream enhanced fan-out consumer hours', formula: '1 consumer x 4 shards x 744 h x $0.015', monthlyUsd: 44.64 },
      { name: 'Ingest stream enhanced fan-out retrievals', formula: '310 GB x $0.013 per GB', monthlyUsd: 4.03 },
    ]);
    expect(lineOf(estimate, CostComponent.ELASTICACHE).items).toEqual([
      { name: 'Nodes', formula: '9 x cache.r7g.large (3 shards of 3 nodes) x 744 h x $0.1752', monthlyUsd: 1173.14 },
    ]);
    expect(itemOf(estimate, CostComponent.LAMBDA, 'Processor duration').formula).toContain('0.5 GB (512 MiB)');
  });

  test('a search domain of instance types without a default price needs one', () => {
    const preset = PipelinePreset.custom('r7g', {
      streamMode: StreamMode.ON_DEMAND,
      retentionPeriod: Duration.hours(24),
      openSearch: true,
      searchDomainSize: SearchDomainSize.custom({ dataNodes: 2, dataNodeInstanceType: 'r7g.large.search' }),
    });
    expect(() => CostEstimator.estimate({ ...SEED, preset })).toThrow(
      'Invalid CostPrices.openSearchInstanceHourUsd: no price for "r7g.large.search" (the data nodes of the r7g preset\'s search domain). '
      + 'Allowed: an hourly price for every type the estimate needs; prices are known for r6g.large.search, r6g.xlarge.search, m6g.large.search.');
    const priced = CostEstimator.estimate({ ...SEED, preset, prices: { openSearchInstanceHourUsd: { 'r7g.large.search': 0.2 } } });
    expect(itemOf(priced, CostComponent.OPENSEARCH, 'Data nodes')).toEqual({
      name: 'Data nodes', formula: '2 x r7g.large.search x 744 h x $0.20', monthlyUsd: 297.60,
    });
  });
});

describe('CostEstimator: optional components', () => {
  test('Redshift and API Gateway are listed only when enabled', () => {
    const components = (props: CostEstimateProps) => CostEstimator.estimate(props).lines.map(l => l.component);
    expect(components(SEED)).not.toEqual(expect.arrayContaining([CostComponent.REDSHIFT]));
    expect(components(SEED)).not.toEqual(expect.arrayContaining([CostComponent.API_GATEWAY]));
    expect(components({ ...SEED, redshift: true, httpIngestion: true }).slice(-2)).toEqual([CostComponent.REDSHIFT, CostComponent.API_GATEWAY]);
  });

  test('Redshift: the target is not estimated, its delivery stream and transformer are', () => {
    const estimate = CostEstimator.estimate({ ...SEED, redshift: true });
    expect(lineOf(estimate, CostComponent.REDSHIFT)).toMatchObject({ monthlyUsd: 0, items: [] });
    expect(lineOf(estimate, CostComponent.REDSHIFT).details).toMatch(/^Not estimated: RedshiftSink loads your existing cluster/);
    expect(itemOf(estimate, CostComponent.KINESIS_FIREHOSE, 'Redshift ingestion').monthlyUsd).toBe(8.99);
    expect(itemOf(estimate, CostComponent.LAMBDA, 'Redshift transformer requests').formula)
      .toBe('295,647 invocations (one per 1 MiB or 60 s x 31 days) x $0.20 per million');
  });

  test('API Gateway: one request per record unless batched; prod adds its web ACL', () => {
    const dev = CostEstimator.estimate({ ...SEED, httpIngestion: true });
    expect(lineOf(dev, CostComponent.API_GATEWAY).items).toEqual([
      { name: 'REST API requests', formula: '310,000,000 requests (1 record each) x $3.50 per million', monthlyUsd: 1085.00 },
    ]);
    const prod = CostEstimator.estimate({ ...SEED, preset: PipelinePreset.PROD, httpIngestion: true, httpRecordsPerRequest: 500 });
    expect(lineOf(prod, CostComponent.API_GATEWAY).items).toEqual([
      { name: 'REST API requests', formula: '620,000 requests (500 records each) x $3.50 per million', monthlyUsd: 2.17 },
      { name: 'WAF web ACL', formula: '1 x $5.00', monthlyUsd: 5 },
      { name: 'WAF rules', formula: '2 x $1.00', monthlyUsd: 2 },
      { name: 'WAF requests', formula: '620,000 requests x $0.60 per million', monthlyUsd: 0.37 },
    ]);
    expect(itemOf(prod, CostComponent.CLOUDWATCH, 'Alarms').formula).toBe('14 alarm metrics (11 alarms) x $0.10');
  });

  test('reference data: lookups missing the caches read DynamoDB; the shared cache is the preset\'s size', () => {
    const dev = CostEstimator.estimate({ ...SEED, referenceData: true });
    expect(lineOf(dev, CostComponent.DYNAMODB).items).toEqual([{
      name: 'Reference lookups',
      formula: '310,000,000 lookups x 10 % cache misses x 0.5 RRU = 15,500,000 RRU x $0.125 per million',
      monthlyUsd: 1.94,
    }]);
    expect(lineOf(dev, CostComponent.ELASTICACHE).details).toBe('Off (referenceCache)');

    const devCached = CostEstimator.estimate({ ...SEED, referenceCache: true });
    expect(itemOf(devCached, CostComponent.DYNAMODB, 'Reference lookups').monthlyUsd).toBe(0.19);
    expect(lineOf(devCached, CostComponent.ELASTICACHE).details).toBe('Nodes: 1 x cache.t4g.micro (1 shard of 1 node) x 744 h x $0.0128 = $9.52');
    const prodCached = CostEstimator.estimate({ ...SEED, preset: PipelinePreset.PROD, referenceCache: true, referenceCacheHitPercent: 95 });
    expect(lineOf(prodCached, CostComponent.ELASTICACHE).details)
      .toBe('Nodes: 4 x cache.r7g.large (2 shards of 2 nodes) x 744 h x $0.1752 = $521.40');
    expect(itemOf(prodCached, CostComponent.DYNAMODB, 'Reference lookups').formula).toContain('x 5 % cache misses');
  });
});

describe('CostEstimator: prices', () => {
  const cases: Array<[string, CostPrices, PipelinePreset, CostComponent]> = [
    ['the PUT payload unit price', { kinesisPutPayloadUnitsPerMillionUsd: 0.028 }, PipelinePreset.DEV, CostComponent.KINESIS_DATA_STREAMS],
    ['the on-demand stream hour', { kinesisOnDemandStreamHourUsd: 0.05 }, PipelinePreset.PROD, CostComponent.KINESIS_DATA_STREAMS],
    ['the Firehose ingestion price', { firehoseIngestPerGbUsd: 0.058 }, PipelinePreset.DEV, CostComponent.KINESIS_FIREHOSE],
    ['the S3 storage price', { s3StoragePerGbMonthUsd: 0.0125 }, PipelinePreset.DEV, CostComponent.S3],
    ['the Lambda GB-second', { lambdaArmGbSecondUsd: 0.0000166667 }, PipelinePreset.STAGING, CostComponent.LAMBDA],
    ['an OpenSearch instance type', { openSearchInstanceHourUsd: { 'r6g.xlarge.search': 0.3 } }, PipelinePreset.PROD, CostComponent.OPENSEARCH],
    ['the KPU hour', { flinkKpuHourUsd: 0.2 }, PipelinePreset.PROD, CostComponent.KINESIS_ANALYTICS],
    ['the write request unit', { dynamoDbWriteRequestUnitsPerMillionUsd: 1.25 }, PipelinePreset.PROD, CostComponent.DYNAMODB],
    ['the custom metric', { cloudWatchMetricMonthUsd: 0.1 }, PipelinePreset.DEV, CostComponent.CLOUDWATCH],
    ['the key', { kmsKeyMonthUsd: 2 }, PipelinePreset.DEV, CostComponent.KMS],
  ];

  test.each(cases)('overriding %s changes exactly its line', (_what, prices, preset, component) => {
    const base = CostEstimator.estimate({ ...SEED, preset });
    const changed = CostEstimator.estimate({ ...SEED, preset, prices });
    for (const l of changed.lines) {
      if (l.component === component) {
        expect(l.monthlyUsd).not.toBe(lineOf(base, component).monthlyUsd);
      } else {
        expect(l).toEqual(lineOf(base, l.component));
      }
    }
    expect(changed.totalMonthlyUsd).not.toBe(base.totalMonthlyUsd);
  });

  test('a new price flows into the formula and the amount', () => {
    const estimate = CostEstimator.estimate({ ...SEED, prices: { firehoseIngestPerGbUsd: 0.058 } });
    expect(itemOf(estimate, CostComponent.KINESIS_FIREHOSE, 'Data lake ingestion')).toEqual({
      name: 'Data lake ingestion', formula: '310 GB x $0.058 per GB', monthlyUsd: 17.98,
    });
  });

  test('a price map override keeps the other default types', () => {
    const prices = { openSearchInstanceHourUsd: { 'r6g.xlarge.search': 0.3 } };
    const estimate = CostEstimator.estimate({ ...SEED, preset: PipelinePreset.PROD, prices });
    expect(itemOf(estimate, CostComponent.OPENSEARCH, 'Dedicated masters').monthlyUsd).toBe(285.70);
  });

  test('a price left undefined keeps its default; a tiny one is printed with all its decimals', () => {
    const estimate = CostEstimator.estimate({ ...SEED, prices: { kinesisShardHourUsd: undefined, kmsKeyMonthUsd: 1e-7 } });
    expect(itemOf(estimate, CostComponent.KINESIS_DATA_STREAMS, 'Ingest stream shard hours').monthlyUsd).toBe(11.16);
    expect(itemOf(estimate, CostComponent.KMS, 'Customer-managed key').formula).toBe('1 key x $0.0000001');
  });

  test('zero is a valid price', () => {
    const estimate = CostEstimator.estimate({ ...SEED, prices: { kmsKeyMonthUsd: 0, kmsRequestsPer10kUsd: 0 } });
    expect(lineOf(estimate, CostComponent.KMS).monthlyUsd).toBe(0);
  });
});

describe('CostEstimator: scaling', () => {
  const volumeItems: Array<[CostComponent, string]> = [
    [CostComponent.KINESIS_DATA_STREAMS, 'Ingest stream PUT payload units'],
    [CostComponent.KINESIS_FIREHOSE, 'Data lake ingestion'],
    [CostComponent.KINESIS_FIREHOSE, 'Data lake Parquet conversion'],
    [CostComponent.S3, 'Data lake storage'],
    [CostComponent.LAMBDA, 'Processor requests'],
    [CostComponent.LAMBDA, 'Processor duration'],
    [CostComponent.CLOUDWATCH, 'Processor logs'],
  ];
  const fixedItems: Array<[CostComponent, string]> = [
    [CostComponent.KINESIS_DATA_STREAMS, 'Ingest stream shard hours'],
    [CostComponent.CLOUDWATCH, 'Dashboard'],
    [CostComponent.KMS, 'Customer-managed key'],
  ];

  test('twice the records: the seed\'s figures double, fixed costs stay', () => {
    const double = CostEstimator.estimate({ ...SEED, recordsPerDay: 20_000_000 });
    expect(itemOf(double, CostComponent.KINESIS_DATA_STREAMS, 'Ingest stream PUT payload units').monthlyUsd).toBe(8.68);
    expect(itemOf(double, CostComponent.KINESIS_FIREHOSE, 'Data lake ingestion').monthlyUsd).toBe(17.98);
    expect(itemOf(double, CostComponent.S3, 'Data lake storage').monthlyUsd).toBe(7.13);
    for (const [component, name] of fixedItems) {
      expect(itemOf(double, component, name)).toEqual(itemOf(CostEstimator.estimate(SEED), component, name));
    }
  });

  test('volume items scale linearly with the records (within rounding), fixed items do not move', () => {
    fc.assert(fc.property(
      // Up to 20 M records a day of up to 1,000 B: within the one shard of the DEV preset, whose hours are fixed.
      fc.integer({ min: 1, max: 2_000 }).map(thousands => thousands * 1_000),
      fc.integer({ min: 1, max: 1_000 }),
      fc.integer({ min: 2, max: 10 }),
      (recordsPerDay, averageRecordSizeBytes, factor) => {
        const one = CostEstimator.estimate({ recordsPerDay, averageRecordSizeBytes });
        const many = CostEstimator.estimate({ recordsPerDay: recordsPerDay * factor, averageRecordSizeBytes });
        for (const [component, name] of volumeItems) {
          // Each amount is rounded to the cent: the scaled one may differ by half a cent per unit of the factor, plus one.
          expect(Math.abs(itemOf(many, component, name).monthlyUsd - factor * itemOf(one, component, name).monthlyUsd))
            .toBeLessThanOrEqual((factor + 1) * 0.005 + 1e-9);
        }
        for (const [component, name] of fixedItems) {
          expect(itemOf(many, component, name).monthlyUsd).toBe(itemOf(one, component, name).monthlyUsd);
        }
      }), { numRuns: 200 });
  });

  test('a provisioned stream is priced with the shards its traffic needs when the preset\'s are too few', () => {
    // 1 billion records a day is 11,574 records/s: 12 shards at 1,000 records/s each, not the DEV preset's one.
    const busy = CostEstimator.estimate({ recordsPerDay: 1_000_000_000, averageRecordSizeBytes: 100 });
    const shardHours = itemOf(busy, CostComponent.KINESIS_DATA_STREAMS, 'Ingest stream shard hours');
    expect(shardHours.monthlyUsd).toBe(12 * 744 * 0.015);
    expect(shardHours.formula).toContain('12 shards (the traffic needs more than the preset\'s 1)');
  });

  test('no records: only what runs regardless (shard hours, dashboard, alarms, key)', () => {
    const idle = CostEstimator.estimate({ recordsPerDay: 0, averageRecordSizeBytes: 1_000 });
    expect(amounts(idle)).toMatchObject({
      [CostComponent.KINESIS_DATA_STREAMS]: 22.32,
      [CostComponent.KINESIS_FIREHOSE]: 0,
      [CostComponent.LAMBDA]: 0,
      [CostComponent.S3]: 0,
      [CostComponent.CLOUDWATCH]: 7.80,
      [CostComponent.KMS]: 1.19,
      // The data-quality crawler and evaluation run every day, data or not.
      [CostComponent.GLUE]: 9.10,
    });
    expect(itemOf(idle, CostComponent.S3, 'Data lake PUT requests').formula).toBe('0 objects (one per 128 MiB or 300 s) x $0.005 per 1,000');
  });

  test('data quality: a crawler and an evaluation run a day at the Glue DPU-hour price, and its alarm; off without it', () => {
    const estimate = CostEstimator.estimate(SEED);
    expect(lineOf(estimate, CostComponent.GLUE).items.slice(1)).toEqual([
      { name: 'Data quality: partition crawler', formula: '31 runs x 2 DPU x 10 min x $0.44 per DPU-hour', monthlyUsd: 4.55 },
      { name: 'Data quality: evaluations', formula: '31 runs x 2 DPU x 10 min x $0.44 per DPU-hour', monthlyUsd: 4.55 },
    ]);
    const off = CostEstimator.estimate({ ...SEED, dataQuality: false });
    expect(lineOf(off, CostComponent.GLUE).monthlyUsd).toBe(0);
    expect(itemOf(off, CostComponent.CLOUDWATCH, 'Alarms').formula).toBe('9 alarm metrics (8 alarms) x $0.10');
    expect(itemOf(estimate, CostComponent.CLOUDWATCH, 'Alarms').formula).toBe('10 alarm metrics (9 alarms) x $0.10');
    const cheaper = CostEstimator.estimate({ ...SEED, prices: { glueDpuHourUsd: 0.22 } });
    // 31 x 2 x 10 min x $0.22 = $2.27, twice.
    expect(lineOf(cheaper, CostComponent.GLUE).monthlyUsd).toBe(4.54);
  });

  test('records over 25,600 bytes take more than one PUT payload unit each', () => {
    const big = CostEstimator.estimate({ recordsPerDay: 1_000_000, averageRecordSizeBytes: 30_000 });
    expect(itemOf(big, CostComponent.KINESIS_DATA_STREAMS, 'Ingest stream PUT payload units')).toEqual({
      name: 'Ingest stream PUT payload units', formula: '62,000,000 PUT payload units (2 per record) x $0.014 per million', monthlyUsd: 0.87,
    });
  });
});

describe('CostEstimator: validation', () => {
  test.each([
    ['CostEstimateProps.recordsPerDay -1', { recordsPerDay: -1, averageRecordSizeBytes: 1_000 },
      'Invalid CostEstimateProps.recordsPerDay: -1. Allowed: a whole number from 0.'],
    ['CostEstimateProps.recordsPerDay 1.5', { recordsPerDay: 1.5, averageRecordSizeBytes: 1_000 },
      'Invalid CostEstimateProps.recordsPerDay: 1.5. Allowed: a whole number from 0.'],
    ['CostEstimateProps.recordsPerDay Infinity', { recordsPerDay: Infinity, averageRecordSizeBytes: 1_000 },
      'Invalid CostEstimateProps.recordsPerDay: Infinity. Allowed: a whole number from 0.'],
    ['CostEstimateProps.averageRecordSizeBytes 0', { recordsPerDay: 1, averageRecordSizeBytes: 0 },
      'Invalid CostEstimateProps.averageRecordSizeBytes: 0. Allowed: a number from 1 to 1048576 (1 MiB, the largest Kinesis record).'],
    ['CostEstimateProps.averageRecordSizeBytes 1048577', { recordsPerDay: 1, averageRecordSizeBytes: 1_048_577 },
      'Invalid CostEstimateProps.averageRecordSizeBytes: 1048577. Allowed: a number from 1 to 1048576 (1 MiB, the largest Kinesis record).'],
    ['CostEstimateProps.averageRecordSizeBytes NaN', { recordsPerDay: 1, averageRecordSizeBytes: NaN },
      'Invalid CostEstimateProps.averageRecordSizeBytes: NaN. Allowed: a number from 1 to 1048576 (1 MiB, the largest Kinesis record).'],
    ['CostEstimateProps.referenceCache true with referenceData false', { ...SEED, referenceCache: true, referenceData: false },
      'Invalid CostEstimateProps.referenceCache: true with referenceData false. Allowed: referenceCache only with referenceData, as the shared cache '
      + 'sits in front of the reference table.'],
    ['CostEstimateProps.referenceCacheHitPercent given without referenceData', { ...SEED, referenceCacheHitPercent: 80 },
      'Invalid CostEstimateProps.referenceCacheHitPercent: given without referenceData. Allowed: only together with referenceData.'],
    ['CostEstimateProps.referenceCacheHitPercent 101', { ...SEED, referenceData: true, referenceCacheHitPercent: 101 },
      'Invalid CostEstimateProps.referenceCacheHitPercent: 101. Allowed: a number from 0 to 100.'],
    ['CostEstimateProps.httpRecordsPerRequest given without httpIngestion', { ...SEED, httpRecordsPerRequest: 10 },
      'Invalid CostEstimateProps.httpRecordsPerRequest: given without httpIngestion. Allowed: only together with httpIngestion.'],
    ['CostEstimateProps.httpRecordsPerRequest 501', { ...SEED, httpIngestion: true, httpRecordsPerRequest: 501 },
      'Invalid CostEstimateProps.httpRecordsPerRequest: 501. Allowed: an integer from 1 to 500 (HttpIngestion\'s batch limit).'],
    ['CostPrices.kinesisShardHourUsd -0.01', { ...SEED, prices: { kinesisShardHourUsd: -0.01 } },
      'Invalid CostPrices.kinesisShardHourUsd: -0.01. Allowed: a finite number of US dollars from 0.'],
    ['CostPrices.s3StoragePerGbMonthUsd NaN', { ...SEED, prices: { s3StoragePerGbMonthUsd: NaN } },
      'Invalid CostPrices.s3StoragePerGbMonthUsd: NaN. Allowed: a finite number of US dollars from 0.'],
    ['CostPrices.elastiCacheNodeHourUsd["cache.r7g.large"] -1', { ...SEED, prices: { elastiCacheNodeHourUsd: { 'cache.r7g.large': -1 } } },
      'Invalid CostPrices.elastiCacheNodeHourUsd["cache.r7g.large"]: -1. Allowed: a finite number of US dollars from 0.'],
    ['CostPrices.kinesisShardHour not a field of CostPrices', { ...SEED, prices: { kinesisShardHour: 0.01 } as unknown as CostPrices },
      'Invalid CostPrices.kinesisShardHour: not a field of CostPrices. Allowed: its fields, e.g. kinesisShardHourUsd.'],
    ['CostPrices.toString not a field of CostPrices', { ...SEED, prices: { toString: 1 } as unknown as CostPrices },
      'Invalid CostPrices.toString: not a field of CostPrices. Allowed: its fields, e.g. kinesisShardHourUsd.'],
  ] as Array<[string, CostEstimateProps, string]>)('%s', (_label, props, message) => {
    expect(() => CostEstimator.estimate(props)).toThrow(message);
  });

  test('the limits themselves are valid', () => {
    expect(() => CostEstimator.estimate({ recordsPerDay: 0, averageRecordSizeBytes: 1 })).not.toThrow();
    expect(() => CostEstimator.estimate({ recordsPerDay: 1, averageRecordSizeBytes: 1_048_576, httpIngestion: true, httpRecordsPerRequest: 500 }))
      .not.toThrow();
  });
});

describe('CostEstimator: the table and purity', () => {
  test('toTable renders the seed\'s table: a row per component, then the total', () => {
    const table = CostEstimator.toTable(CostEstimator.estimate(SEED)).split('\n');
    expect(table.slice(0, 3)).toEqual([
      '| Component | Monthly | Calculation |',
      '|-----------|---------|-------------|',
      '| Kinesis Data Streams | $31.00 | Ingest stream shard hours: 1 shard x 744 h x $0.015 = $11.16; '
      + 'Ingest stream PUT payload units: 310,000,000 PUT payload units x $0.014 per million = $4.34; '
      + 'Enriched stream shard hours: 1 shard x 744 h x $0.015 = $11.16; '
      + 'Enriched stream PUT payload units: 310,000,000 PUT payload units x $0.014 per million = $4.34 |',
    ]);
    expect(table).toContain('| Kinesis Analytics (Flink) | $0.00 | Off (flinkAnalytics) |');
    expect(table).toHaveLength(2 + 12 + 1);
    expect(table[table.length - 1]).toBe('| **TOTAL** | **$165.95** | us-east-1 list prices as of 2025-06 |');
    const prod = CostEstimator.toTable(CostEstimator.estimate({ ...SEED, preset: PipelinePreset.PROD }));
    expect(prod).toContain('| OpenSearch | $1,216.42 | ');
    expect(prod).toContain('| **TOTAL** | **$2,186.24** |');
  });

  test('the estimate carries its assumptions and the prices\' date', () => {
    const estimate = CostEstimator.estimate(SEED);
    expect(estimate.pricesAsOf).toBe('2025-06');
    expect(estimate.assumptions).toEqual(expect.arrayContaining([
      'A month is 31 days (744 hours), as in the seed\'s examples.',
      expect.stringContaining('The seed\'s $4.34 is the ingest stream\'s PUT payload units'),
      expect.stringContaining('Firehose: the seed\'s $8.99 (GB ingested x $0.029) leaves out'),
      expect.stringContaining('S3: as in the seed, storage is one month\'s data after Parquet/GZIP compression (ratio 0.5)'),
    ]));
  });

  test('pure: the same props give the same estimate, the props are not touched, and results share nothing', () => {
    const props: CostEstimateProps = Object.freeze({
      ...SEED,
      preset: PipelinePreset.PROD,
      referenceCache: true,
      prices: Object.freeze({ openSearchInstanceHourUsd: Object.freeze({ 'r6g.xlarge.search': 0.3 }) }),
    });
    const first = CostEstimator.estimate(props);
    (first.lines[0].items as unknown as unknown[]).length = 0;
    (first.assumptions as unknown as unknown[]).length = 0;
    const second = CostEstimator.estimate(props);
    expect(second).toEqual(CostEstimator.estimate(props));
    expect(second.lines[0].items.length).toBeGreaterThan(0);
    expect(second.assumptions.length).toBeGreaterThan(0);
    expect(CostEstimator.estimate({ ...SEED, preset: PipelinePreset.PROD }).lines.find(l => l.component === CostComponent.OPENSEARCH)?.monthlyUsd)
      .toBe(1216.42);
  });
});
