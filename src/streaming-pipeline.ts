import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { FlinkApplication, FlinkApplicationCode, FlinkApplicationOptions } from './analytics/flink-application';
import { HttpIngestion, HttpIngestionOptions } from './ingest/http-ingestion';
import { IngestStream, IngestStreamOptions } from './ingest/ingest-stream';
import { KinesisAgentProducer, KinesisAgentProducerOptions } from './ingest/kinesis-agent-producer';
import { givenOrNewKey } from './internal/encryption-key';
import { PipelineAlarmThresholds, resolveAlarmThresholds } from './monitoring/pipeline-alarm-thresholds';
import { PipelineDashboard } from './monitoring/pipeline-dashboard';
import { PipelineNetwork, PipelineNetworkProps } from './networking/pipeline-network';
import { DEFAULTS } from './presets/defaults';
import { PipelinePreset } from './presets/pipeline-preset';
import { EnrichmentProcessor, EnrichmentProcessorOptions, ReferenceDataOptions } from './processing/enrichment-processor';
import { ReferenceCacheSize } from './processing/reference-cache';
import { RecordSchema } from './schema/record-schema';
import { TransformerPlacementOptions } from './sinks/firehose-transformer';
import { OpenSearchSink, OpenSearchSinkOptions } from './sinks/opensearch-sink';
import { RedshiftSink, RedshiftSinkOptions } from './sinks/redshift-sink';
import { S3DataLakeSink, S3DataLakeSinkOptions } from './sinks/s3-data-lake-sink';
import { SearchDomainSize } from './sinks/search-domain';

/**
 * The pipeline's OpenSearch sink: the sink's options, and whether it is on.
 */
export interface StreamingPipelineOpenSearchOptions extends OpenSearchSinkOptions {
  /**
   * Whether the pipeline indexes into OpenSearch; false turns off what a preset turned on.
   *
   * @default true when these options are given
   */
  readonly enabled?: boolean;
}

/**
 * The pipeline's Flink analytics: a `FlinkApplication` reading the ingest stream.
 */
export interface StreamingPipelineAnalyticsOptions extends FlinkApplicationOptions {
  /**
   * The application's JAR. Without it the pipeline runs no Flink application, whatever the preset says, so that one
   * definition can give the code to every stage and let the preset decide where it runs.
   *
   * @default - none
   */
  readonly code?: FlinkApplicationCode;
  /**
   * Whether the pipeline runs the application: true runs it in any preset (and then needs `code`), false turns off
   * what a preset turned on.
   *
   * @default - the preset's `flinkAnalytics`: on in prod
   */
  readonly enabled?: boolean;
}

/**
 * Properties of a `StreamingPipeline`.
 */
export interface StreamingPipelineProps {
  /**
   * The environment preset whose values are the defaults of everything below.
   *
   * @default PipelinePreset.DEV
   */
  readonly preset?: PipelinePreset;
  /**
   * The shape of the records producers send.
   *
   * @default RecordSchema.seedEvent()
   */
  readonly recordSchema?: RecordSchema;
  /**
   * Options of the ingest stream; each given value wins over the preset.
   *
   * @default - the preset's stream mode, shard count and retention
   */
  readonly ingestStream?: IngestStreamOptions;
  /**
   * Options of the enriched stream; each given value wins over the preset.
   *
   * @default - the preset's stream mode, shard count and retention
   */
  readonly enrichedStream?: IngestStreamOptions;
  /**
   * Turns on the HTTP front door (API Gateway `PUT /records` and `PUT /record` into the ingest stream) with
   * these options. Requests are validated against the record schema and partitioned by the processor's
   * `partitionKeyField`.
   *
   * @default - no HTTP ingestion
   */
  readonly httpIngestion?: HttpIngestionOptions;
  /**
   * Turns on a Kinesis Agent producer with these options: an instance role and profile, the agent
   * configuration in Parameter Store, and a State Manager association for hosts carrying its tag.
   *
   * @default - no Kinesis Agent producer
   */
  readonly kinesisAgent?: KinesisAgentProducerOptions;
  /**
   * Whether the processor reads the ingest stream through an enhanced fan-out consumer.
   *
   * @default - the preset's choice: off in DEV, on in STAGING and PROD
   */
  readonly enhancedFanOut?: boolean;
  /**
   * Options of the enrichment processor; each given value wins over the preset.
   *
   * @default - batch 100, window 5 s, parallelization 4, reserved concurrency 100; the preset's memory and timeout
   */
  readonly processor?: EnrichmentProcessorOptions;
  /**
   * Options of the S3 data lake sink.
   *
   * @default - buffering 128 MiB / 300 s
   */
  readonly dataLake?: S3DataLakeSinkOptions;
  /**
   * Indexes the enriched records into an OpenSearch Service domain as well: the given `domain`, or a new
   * `SearchDomain` in the pipeline's VPC, sized by `newDomain.size` or the preset.
   *
   * @default - the preset's choice: off in DEV; on in STAGING and PROD, into a new domain
   */
  readonly openSearch?: StreamingPipelineOpenSearchOptions;
  /**
   * Loads the enriched records into a Redshift table as well.
   *
   * @default - no Redshift sink
   */
  readonly redshift?: RedshiftSinkOptions;
  /**
   * Flink analytics on the ingest stream (Managed Service for Apache Flink): real-time aggregations and windowing in
   * code of your own. Runs when the preset or `enabled` says so and `code` is given.
   *
   * @default - none
   */
  readonly analytics?: StreamingPipelineAnalyticsOptions;
  /**
   * Where the pipeline's components that run in a VPC run: the processor, the Firehose transformers, the reference
   * cache, a new search domain and its access function, and the Flink application; with VPC endpoints for the AWS
   * services they call. Give `network.vpc` to use a VPC of your own.
   *
   * @default - a new VPC with isolated subnets (no NAT gateway) in 2 Availability Zones, or as many as a new search
   * domain spans; VPC endpoints; flow logs; the default security group closed
   */
  readonly network?: PipelineNetworkProps;
  /**
   * The customer-managed KMS key that encrypts every resource of the pipeline.
   *
   * @default - a new key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * The topic alarms notify.
   *
   * @default - a new encrypted topic
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * The alarms' thresholds; each one given wins over the preset's.
   *
   * @default - the preset's, else the pattern's (see `PipelineAlarmThresholds`)
   */
  readonly alarmThresholds?: PipelineAlarmThresholds;
  /**
   * What happens to stateful resources (streams, buckets, queues, log groups, key) when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A complete real-time streaming pipeline: an encrypted ingest stream, a Lambda processor that validates and
 * enriches records into an enriched stream, a Firehose sink into an encrypted S3 data lake, and a dashboard
 * with alarms. Configure it with a preset and override any value with an explicit prop.
 */
export class StreamingPipeline extends Construct {
  /** The preset this pipeline was built from. */
  public readonly preset: PipelinePreset;
  /** The record schema the pipeline validates against. */
  public readonly recordSchema: RecordSchema;
  /** The key that encrypts the pipeline's resources. */
  public readonly encryptionKey: kms.IKey;
  /** The stream producers write to. */
  public readonly ingestStream: IngestStream;
  /**
   * The HTTP front door.
   *
   * @default - none unless `httpIngestion` is given
   */
  public readonly httpIngestion?: HttpIngestion;
  /**
   * The Kinesis Agent producer.
   *
   * @default - none unless `kinesisAgent` is given
   */
  public readonly kinesisAgent?: KinesisAgentProducer;
  /** The Lambda processor between the two streams. */
  public readonly processor: EnrichmentProcessor;
  /** The stream of validated, enriched records. */
  public readonly enrichedStream: IngestStream;
  /** The Firehose sink into the S3 data lake. */
  public readonly dataLake: S3DataLakeSink;
  /**
   * The OpenSearch sink.
   *
   * @default - none unless the preset or `openSearch` turns it on
   */
  public readonly openSearch?: OpenSearchSink;
  /**
   * The Redshift sink.
   *
   * @default - none unless `redshift` is given
   */
  public readonly redshift?: RedshiftSink;
  /**
   * The Flink application.
   *
   * @default - none unless `analytics` gives code and the preset or `analytics.enabled` turns it on
   */
  public readonly analytics?: FlinkApplication;
  /** The dashboard and alarms. */
  public readonly monitoring: PipelineDashboard;
  /** The network of the pipeline's components that run in a VPC, and its VPC endpoints. */
  public readonly network: PipelineNetwork;
  /** The VPC of the pipeline's components that run in one. */
  public readonly vpc: ec2.IVpc;

  constructor(scope: Construct, id: string, props: StreamingPipelineProps = {}) {
    super(scope, id);
    this.preset = props.preset ?? PipelinePreset.DEV;
    this.recordSchema = props.recordSchema ?? RecordSchema.seedEvent();
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.encryptionKey = givenOrNewKey(this, props.encryptionKey, 'every resource', removalPolicy);
    const shared = { encryptionKey: this.encryptionKey, removalPolicy };

    this.ingestStream = new IngestStream(this, 'IngestStream', {
      ...this.streamOptions(props.ingestStream, removalPolicy),
      encryptionKey: this.encryptionKey,
    });
    this.enrichedStream = new IngestStream(this, 'EnrichedStream', {
      ...this.streamOptions(props.enrichedStream, removalPolicy),
      encryptionKey: this.encryptionKey,
    });
    const partitionKeyField = props.processor?.partitionKeyField;
    if (props.httpIngestion) {
      this.httpIngestion = new HttpIngestion(this, 'HttpIngestion', {
        ...props.httpIngestion,
        ...shared,
        webAcl: props.httpIngestion.webAcl ?? this.preset.settings.httpWebAcl,
        stream: this.ingestStream.stream,
        recordSchema: this.recordSchema,
        partitionKeyField,
      });
    }
    if (props.kinesisAgent) {
      this.kinesisAgent = new KinesisAgentProducer(this, 'KinesisAgent', { ...props.kinesisAgent, stream: this.ingestStream.stream });
    }

    const openSearch = this.openSearchOptions(props);
    const newDomainZones = openSearch !== undefined && openSearch.domain === undefined && openSearch.network === undefined
      ? (openSearch.newDomain?.size ?? SearchDomainSize.STANDARD).availabilityZones : 0;
    this.network = new PipelineNetwork(this, 'Network', {
      ...shared,
      ...props.network,
      availabilityZones: props.network?.availabilityZones
        ?? (props.network?.vpc ? undefined : Math.max(DEFAULTS.network.availabilityZones, newDomainZones)),
    });
    this.vpc = this.network.vpc;
    const placement = { vpc: this.network.vpc, vpcSubnets: this.network.vpcSubnets };

    const enhancedFanOut = props.enhancedFanOut ?? this.preset.settings.enhancedFanOut ?? false;
    rejectOwnVpc('processor', props.processor);
    this.processor = new EnrichmentProcessor(this, 'Processor', {
      ...props.processor,
      ...shared,
      ...placement,
      vpcEndpoints: false,
      memorySize: props.processor?.memorySize ?? this.preset.settings.processorMemorySize,
      timeout: props.processor?.timeout ?? this.preset.settings.processorTimeout,
      deduplication: props.processor?.deduplication ?? (this.preset.settings.deduplication ? {} : undefined),
      referenceData: withPresetCacheSize(props.processor?.referenceData, this.preset.settings.referenceCacheSize),
      sourceStream: this.ingestStream.stream,
      sourceConsumer: enhancedFanOut ? this.ingestStream.addConsumer(DEFAULTS.processor.consumerName) : undefined,
      destinationStream: this.enrichedStream.stream,
      recordSchema: this.recordSchema,
    });
    // The event source mapping (a child of the function) starts reading once the network path exists: in isolated
    // subnets, batches read earlier would fail and use up their retries.
    this.processor.function.node.addDependency(...this.network.allowAwsServices(this.processor, [...DEFAULTS.network.clientEndpoints.processor]));
    this.dataLake = new S3DataLakeSink(this, 'DataLake', {
      ...props.dataLake,
      ...shared,
      sourceStream: this.enrichedStream.stream,
      recordSchema: this.processor.outputSchema,
      lifecycle: props.dataLake?.lifecycle ?? (props.dataLake?.bucket ? undefined : this.preset.settings.dataLakeLifecycle),
    });
    // A sink's own transformer, or its own VPC for the default one, is the user's choice; otherwise the network's VPC,
    // in the subnets the sink names or the network's.
    const transformerPlacement = (sink: TransformerPlacementOptions & { transformer?: unknown }) => (sink.transformer ?? sink.transformerVpc
      ? {} : { transformerVpc: this.network.vpc, transformerVpcSubnets: sink.transformerVpcSubnets ?? this.network.vpcSubnets });
    this.openSearch = openSearch && new OpenSearchSink(this, 'OpenSearch', {
      ...openSearch,
      ...shared,
      ...transformerPlacement(openSearch),
      network: openSearch.network ?? (newDomainZones > 0 ? placement : undefined),
      sourceStream: this.enrichedStream.stream,
    });
    // The access configuration function answers CloudFormation through S3, by the gateway endpoint.
    this.openSearch?.searchDomain?.accessConfiguration.node.addDependency(...this.network.endpoints);
    this.redshift = props.redshift && new RedshiftSink(this, 'Redshift', {
      ...props.redshift,
      ...shared,
      ...transformerPlacement(props.redshift),
      sourceStream: this.enrichedStream.stream,
    });
    this.analytics = this.flinkApplication(props.analytics, shared);
    this.monitoring = new PipelineDashboard(this, 'Monitoring', {
      ingestStream: this.ingestStream,
      processor: this.processor,
      enrichedStream: this.enrichedStream,
      sinks: [this.dataLake, ...[this.openSearch, this.redshift].filter((sink): sink is OpenSearchSink | RedshiftSink => sink !== undefined)],
      httpIngestion: this.httpIngestion,
      flinkApplication: this.analytics,
      dataQuality: this.dataLake.dataQuality,
      alarmTopic: props.alarmTopic,
      encryptionKey: this.encryptionKey,
      alarmThresholds: resolveAlarmThresholds(
        { source: 'StreamingPipelineProps.alarmThresholds', thresholds: props.alarmThresholds },
        { source: `PipelinePreset "${this.preset.name}" alarmThresholds`, thresholds: this.preset.settings.alarmThresholds },
      ),
    });
  }

  /** The Flink application when the preset or `enabled` turns it on and code is given. */
  private flinkApplication(analytics: StreamingPipelineAnalyticsOptions = {}, shared: { encryptionKey: kms.IKey; removalPolicy: RemovalPolicy }) {
    const { enabled, code, ...options } = analytics;
    rejectOwnVpc('analytics', options);
    if (enabled === true && code === undefined) {
      throw new Error('Invalid StreamingPipelineProps.analytics: enabled without code. Allowed: code (FlinkApplicationCode.fromAsset or fromBucket) '
        + 'whenever analytics is enabled.');
    }
    if (!(enabled ?? this.preset.settings.flinkAnalytics ?? false) || code === undefined) {
      return undefined;
    }
    const application = new FlinkApplication(this, 'Analytics', {
      ...options,
      ...shared,
      vpc: this.network.vpc,
      vpcSubnets: this.network.vpcSubnets,
      code,
      sourceStream: this.ingestStream.stream,
    });
    // The application resource, not its security group, which the endpoints' rule names.
    application.application.node.addDependency(...this.network.allowAwsServices(application, [...DEFAULTS.network.clientEndpoints.flink]));
    return application;
  }

  /** The OpenSearch sink's options when the preset or the props turn it on, with the preset's size for a new domain. */
  private openSearchOptions(props: StreamingPipelineProps): OpenSearchSinkOptions | undefined {
    const { enabled, ...options } = props.openSearch ?? {};
    if (!(enabled ?? (props.openSearch !== undefined || (this.preset.settings.openSearch ?? false)))) {
      return undefined;
    }
    return options.domain === undefined
      ? { ...options, newDomain: { ...options.newDomain, size: options.newDomain?.size ?? this.preset.settings.searchDomainSize } }
      : options;
  }

  /** The preset's stream settings, with every explicitly given option winning. */
  private streamOptions(explicit: IngestStreamOptions = {}, removalPolicy: RemovalPolicy): IngestStreamOptions {
    const settings = this.preset.settings;
    const streamMode = explicit.streamMode ?? settings.streamMode;
    return {
      streamMode,
      // A preset's shard count belongs to its own stream mode; an explicit mode change drops it.
      shardCount: explicit.shardCount ?? (streamMode === settings.streamMode ? settings.shardCount : undefined),
      retentionPeriod: explicit.retentionPeriod ?? settings.retentionPeriod,
      removalPolicy: explicit.removalPolicy ?? removalPolicy,
    };
  }
}

/** The preset's shared cache size for a cache the pipeline creates without a size of its own. */
function withPresetCacheSize(
  referenceData: ReferenceDataOptions | undefined,
  size: ReferenceCacheSize | undefined,
): ReferenceDataOptions | undefined {
  const sharedCache = referenceData?.sharedCache;
  if (sharedCache === undefined || sharedCache.cache !== undefined || sharedCache.size !== undefined || size === undefined) {
    return referenceData;
  }
  return { ...referenceData, sharedCache: { ...sharedCache, size } };
}

/** A component's own VPC settings, which the pipeline's `network` replaces: one network for every component. */
function rejectOwnVpc(propName: string, options: { vpc?: ec2.IVpc; vpcSubnets?: ec2.SubnetSelection; vpcEndpoints?: boolean } = {}): void {
  for (const [name, networkName] of [['vpc', 'vpc'], ['vpcSubnets', 'vpcSubnets'], ['vpcEndpoints', 'endpoints']] as const) {
    if (options[name] !== undefined) {
      throw new Error(`Invalid StreamingPipelineProps.${propName}.${name}: the pipeline runs every component in its network. `
        + `Allowed: StreamingPipelineProps.network.${networkName}.`);
    }
  }
}
