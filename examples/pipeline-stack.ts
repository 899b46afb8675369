import * as path from 'path';
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { CostEstimator, DataProcessingOption, FlinkApplicationCode, PipelinePreset, RedshiftTarget, StreamingPipeline } from '../src';

/** The presets the example deploys, one stack each, named `streaming-pipeline-<preset>`. */
export const EXAMPLE_PRESETS: PipelinePreset[] = [PipelinePreset.DEV, PipelinePreset.STAGING, PipelinePreset.PROD];

/** The disaster-recovery copy of the data lake, in another region: replace with your own bucket and key. */
export const REPLICA = {
  bucketName: 'streaming-pipeline-dr-replica',
  region: 'us-west-2',
  keyArn: 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
};

/** The search domain the dev pipeline indexes into (staging and prod create their own): replace with your domain. */
export const SEARCH_DOMAIN = {
  domainArn: 'arn:aws:es:us-east-1:111122223333:domain/clickstream',
  domainEndpoint: 'https://search-clickstream-abc123xyz.us-east-1.es.amazonaws.com',
};

/** The prod warehouse that the prod pipeline also loads: replace with your cluster, table and loader secret. */
export const WAREHOUSE = {
  endpointAddress: 'analytics.abc123xyz.us-east-1.redshift.amazonaws.com',
  databaseName: 'events',
  tableName: 'analytics.enriched_events',
  credentialsSecretArn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:firehose-loader-AbCdEf',
};

/** The example Flink job (examples/flink-analytics), which the prod pipeline runs: `npx projen example:flink-job` builds it. */
export const FLINK_JOB = {
  jar: path.join(__dirname, 'flink-analytics', 'target', 'flink-analytics.jar'),
  // The job's own settings: one-minute windows, events up to 30 s out of order.
  properties: { 'window.size.seconds': '60', 'watermark.out.of.orderness.seconds': '30' },
};

/** Properties of the example stack. */
export interface PipelineStackProps extends StackProps {
  readonly preset: PipelinePreset;
}

/**
 * The stack a team would write: one `StreamingPipeline` from a preset, with producers over HTTP (API Gateway)
 * and from log files (Kinesis Agent) besides the SDK. The Python and Java examples build the same stack, and a
 * test checks that all three templates are equal.
 */
export class PipelineStack extends Stack {
  public readonly pipeline: StreamingPipeline;

  constructor(scope: App, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    this.pipeline = new StreamingPipeline(this, 'Pipeline', {
      preset: props.preset,
      httpIngestion: {},
      kinesisAgent: {
        flows: [{ filePattern: '/var/log/clickstream/*.log', dataProcessingOptions: [DataProcessingOption.singleLine()] }],
      },
      dataLake: {
        replication: {
          bucket: s3.Bucket.fromBucketAttributes(this, 'Replica', { bucketName: REPLICA.bucketName, region: REPLICA.region }),
          encryptionKey: kms.Key.fromKeyArn(this, 'ReplicaKey', REPLICA.keyArn),
        },
      },
      // Staging and prod index into a new domain of their preset's size; dev, which has none, into an existing one.
      openSearch: props.preset === PipelinePreset.DEV
        ? { domain: opensearch.Domain.fromDomainAttributes(this, 'SearchDomain', SEARCH_DOMAIN) }
        : undefined,
      // Prod also loads an existing warehouse, so that the Redshift sink is synthesized and checked too.
      redshift: props.preset === PipelinePreset.PROD ? {
        target: RedshiftTarget.provisionedCluster({ endpointAddress: WAREHOUSE.endpointAddress, databaseName: WAREHOUSE.databaseName }),
        tableName: WAREHOUSE.tableName,
        credentials: secretsmanager.Secret.fromSecretCompleteArn(this, 'WarehouseLoader', WAREHOUSE.credentialsSecretArn),
      } : undefined,
      // Prod also counts events per type in one-minute windows with Flink; the preset runs it in prod only.
      analytics: props.preset === PipelinePreset.PROD ? {
        code: FlinkApplicationCode.fromAsset(FLINK_JOB.jar),
        propertyGroups: { EventCounts: FLINK_JOB.properties },
      } : undefined,
    });
  }
}

/** Adds the example stacks of every preset to the app and returns them. */
export function addExampleStacks(app: App): PipelineStack[] {
  return EXAMPLE_PRESETS.map(preset => new PipelineStack(app, `streaming-pipeline-${preset.name}`, { preset }));
}

/**
 * The traffic the example's cost estimate assumes: the seed's worked example, 10 M records a day of 1 KB, with HTTP
 * producers sending batches of 500 records (PUT /records at its limit).
 */
export const EXAMPLE_TRAFFIC = { recordsPerDay: 10_000_000, averageRecordSizeBytes: 1_000, httpRecordsPerRequest: 500 };

/** What the example table shows of a pipeline besides compliance: capacity, components and estimated monthly cost. */
export function describePipeline(pipeline: StreamingPipeline): string[] {
  const stream = pipeline.ingestStream.stream.node.defaultChild as kinesis.CfnStream;
  const mode = (stream.streamModeDetails as kinesis.CfnStream.StreamModeDetailsProperty | undefined)?.streamMode;
  const components = {
    httpIngestion: pipeline.httpIngestion !== undefined,
    // CostEstimator prices a sink together with its new domain: a sink into an existing domain (dev) is left out.
    openSearch: pipeline.openSearch?.searchDomain !== undefined,
    redshift: pipeline.redshift !== undefined,
    flinkAnalytics: pipeline.analytics !== undefined,
    referenceData: pipeline.processor.referenceTable !== undefined,
    referenceCache: pipeline.processor.referenceCache !== undefined,
    dataQuality: pipeline.dataLake.dataQuality !== undefined,
  };
  const estimate = CostEstimator.estimate({ ...EXAMPLE_TRAFFIC, preset: pipeline.preset, ...components });
  const enabled = ['ingest', 'processor', 'data lake', ...Object.entries(components).filter(([, on]) => on).map(([name]) => name),
    ...(pipeline.openSearch && !components.openSearch ? ['OpenSearch sink (existing domain, not in the estimate)'] : [])];
  return [
    `streams: ${mode === 'ON_DEMAND' ? 'on-demand' : `provisioned, ${stream.shardCount} shard(s)`}`,
    `components: ${enabled.join(', ')}`,
    `estimated monthly cost at ${EXAMPLE_TRAFFIC.recordsPerDay.toLocaleString('en-US')} records/day of ${EXAMPLE_TRAFFIC.averageRecordSizeBytes} B `
      + '(CostEstimator): '
      + `$${estimate.totalMonthlyUsd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} (prices of ${estimate.pricesAsOf})`,
  ];
}
