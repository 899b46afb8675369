export * from './schema/record-schema';
export * from './presets/pipeline-preset';
export * from './ingest/ingest-stream';
export * from './processing/enrichment-processor';
export * from './sinks/s3-data-lake-sink';
export * from './monitoring/pipeline-dashboard';
export * from './streaming-pipeline';
export * from './ingest/shard-calculator';
