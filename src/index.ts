export * from './schema/record-schema';
export * from './presets/pipeline-preset';
export * from './ingest/ingest-stream';
export * from './ingest/http-ingestion';
export * from './ingest/kinesis-agent-producer';
// Only the agent configuration's types are public; its rendering and validation are internal.
export { DataProcessingOption, InitialPosition, LogFormat, PartitionKeyOption } from './ingest/kinesis-agent-config';
export type { KinesisAgentFlow, LogToJsonOptions } from './ingest/kinesis-agent-config';
export * from './processing/enrichment-processor';
// The options only; the functions that apply them are internal.
export type { DeduplicationOptions, SessionizationOptions } from './processing/processor-state';
export type { GeoIpPrefix, GeoLocationOptions } from './processing/geo-location';
export * from './processing/processor-metric';
export * from './processing/reference-cache';
export * from './sinks/data-lake-lifecycle';
export * from './sinks/firehose-sink';
export * from './sinks/firehose-transformer';
export * from './sinks/opensearch-sink';
export * from './sinks/redshift-sink';
export * from './sinks/search-domain';
export * from './sinks/s3-data-lake-sink';
export * from './quality/data-lake-quality';
export * from './analytics/flink-application';
export * from './networking/pipeline-network';
export * from './monitoring/pipeline-dashboard';
// The thresholds only; resolving them is internal.
export type { PipelineAlarmThresholds } from './monitoring/pipeline-alarm-thresholds';
export * from './streaming-pipeline';
export * from './ingest/shard-calculator';
export * from './cost';
