import { Duration } from 'aws-cdk-lib';
import { StreamMode } from 'aws-cdk-lib/aws-kinesis';
import { PRESET_TABLE, PresetValues } from './defaults';
import type { PipelineAlarmThresholds } from '../monitoring/pipeline-alarm-thresholds';
import { ReferenceCacheSize } from '../processing/reference-cache';
import { DataLakeLifecycle } from '../sinks/data-lake-lifecycle';
import { SearchDomainSize } from '../sinks/search-domain';

/**
 * The values a preset chooses. Each is a default: an explicit prop on the pipeline wins.
 */
export interface PresetSettings {
  /** Capacity mode of the ingest and enriched streams. */
  readonly streamMode: StreamMode;
  /**
   * Shards of each stream when `streamMode` is `PROVISIONED`.
   *
   * @default - none; required for PROVISIONED
   */
  readonly shardCount?: number;
  /** How long the streams keep records. */
  readonly retentionPeriod: Duration;
  /**
   * Whether the processor reads the ingest stream through an enhanced fan-out consumer (2 MB/s per shard of
   * its own, push delivery with lower latency) instead of sharing the stream's read throughput.
   *
   * @default false
   */
  readonly enhancedFanOut?: boolean;
  /**
   * Whether the HTTP front door, when enabled, gets an AWS WAF web ACL with a per-IP rate limit.
   *
   * @default false
   */
  readonly httpWebAcl?: boolean;
  /**
   * Memory of the processor function in MiB, from 128 to 10,240.
   *
   * @default - the `EnrichmentProcessor` default, 512
   */
  readonly processorMemorySize?: number;
  /**
   * Timeout of one processor invocation, from 1 to 900 seconds.
   *
   * @default - the `EnrichmentProcessor` default, 60 seconds
   */
  readonly processorTimeout?: Duration;
  /**
   * Whether the processor drops repeats of an event id (`EnrichmentProcessorOptions.deduplication` with its
   * defaults) unless the pipeline's processor options say otherwise.
   *
   * @default false
   */
  readonly deduplication?: boolean;
  /**
   * The shape of the processor's shared reference cache when `processor.referenceData.sharedCache` turns it on
   * without a size of its own.
   *
   * @default ReferenceCacheSize.STANDARD
   */
  readonly referenceCacheSize?: ReferenceCacheSize;
  /**
   * How long the data lake keeps objects and in which storage class, unless the pipeline's `dataLake.lifecycle`
   * says otherwise.
   *
   * @default DataLakeLifecycle.retainForever()
   */
  readonly dataLakeLifecycle?: DataLakeLifecycle;
  /**
   * Whether the pipeline indexes the enriched records into OpenSearch unless its `openSearch` options say otherwise:
   * into a new `SearchDomain` (in the pipeline's VPC) when no domain is given.
   *
   * @default false
   */
  readonly openSearch?: boolean;
  /**
   * The size of a new search domain, unless the pipeline's `openSearch.newDomain` gives one.
   *
   * @default SearchDomainSize.STANDARD
   */
  readonly searchDomainSize?: SearchDomainSize;
  /**
   * Whether the pipeline runs its Flink analytics application when the pipeline's `analytics` gives code, unless
   * `analytics.enabled` says otherwise.
   *
   * @default false
   */
  readonly flinkAnalytics?: boolean;
  /**
   * The alarms' thresholds, unless the pipeline's `alarmThresholds` give one.
   *
   * @default - the pattern's (see `PipelineAlarmThresholds`)
   */
  readonly alarmThresholds?: PipelineAlarmThresholds;
}

/**
 * An environment preset: `DEV`, `STAGING` or `PROD`, from the pattern's environment-specific configurations,
 * or your own with `PipelinePreset.custom(...)`.
 */
export class PipelinePreset {
  /**
   * Development: one provisioned shard, 24 hours retention, no enhanced fan-out, a 256 MiB processor, data lake
   * objects deleted after 30 days, no OpenSearch sink.
   */
  public static readonly DEV = PipelinePreset.fromTable('dev');
  /**
   * Staging: on-demand streams, 72 hours retention, enhanced fan-out, a processor sized like prod's, data lake objects
   * deleted after 365 days, an OpenSearch sink (a new domain of two r6g.large data nodes unless one is given).
   */
  public static readonly STAGING = PipelinePreset.fromTable('staging');
  /**
   * Production: on-demand streams, 7 days retention, enhanced fan-out, WAF in front of HTTP ingestion, a 1,024 MiB
   * processor with a 120-second timeout that drops duplicate events, a data lake in Intelligent-Tiering (archive
   * tiers after 90 and 365 days without access) kept for 7 years, an OpenSearch sink (a new domain of three
   * r6g.xlarge data nodes in three Availability Zones with three dedicated masters unless one is given).
   */
  public static readonly PROD = PipelinePreset.fromTable('prod');

  /**
   * A preset of your own.
   *
   * @param name a short name for the preset, used in descriptions
   * @param settings the values the preset chooses
   */
  public static custom(name: string, settings: PresetSettings): PipelinePreset {
    return new PipelinePreset(name, settings);
  }

  private static fromTable(name: keyof typeof PRESET_TABLE): PipelinePreset {
    const values: PresetValues = PRESET_TABLE[name];
    return new PipelinePreset(name, {
      streamMode: values.streamMode,
      shardCount: values.shardCount,
      retentionPeriod: values.retention,
      enhancedFanOut: values.enhancedFanOut,
      httpWebAcl: values.httpWebAcl,
      processorMemorySize: values.processorMemorySizeMiB,
      processorTimeout: values.processorTimeout,
      deduplication: values.deduplication,
      referenceCacheSize: ReferenceCacheSize[values.referenceCacheSize],
      dataLakeLifecycle: values.dataLakeLifecycle.intelligentTiering
        ? DataLakeLifecycle.intelligentTiering({ expireAfter: Duration.days(values.dataLakeLifecycle.expireAfterDays) })
        : DataLakeLifecycle.expireAfter(Duration.days(values.dataLakeLifecycle.expireAfterDays)),
      openSearch: values.openSearch.enabled,
      searchDomainSize: SearchDomainSize[values.openSearch.domainSize],
      flinkAnalytics: values.flinkAnalytics,
    });
  }

  /** The preset's name: `dev`, `staging`, `prod` or the custom name. */
  public readonly name: string;
  /** The values the preset chooses. */
  public readonly settings: PresetSettings;

  private constructor(name: string, settings: PresetSettings) {
    if (settings.streamMode === StreamMode.PROVISIONED && settings.shardCount === undefined) {
      throw new Error(`Invalid PipelinePreset "${name}": streamMode PROVISIONED needs a shardCount. Allowed: an integer from 1.`);
    }
    this.name = name;
    this.settings = settings;
  }
}
