/**
 * The per-batch metrics the bundled processor handler publishes in CloudWatch embedded metric format.
 */
export enum ProcessorMetric {
  /** Records received (Count). */
  RECORDS_IN = 'RecordsIn',
  /** Records published to the destination stream (Count). */
  RECORDS_ENRICHED = 'RecordsEnriched',
  /** Invalid records, each sent to the dead-letter queue with its data and reasons (Count). */
  RECORDS_INVALID = 'RecordsInvalid',
  /** Records dropped as repeats of an event id (Count). */
  RECORDS_DEDUPLICATED = 'RecordsDeduplicated',
  /** Records reported back for retry: the checkpoint and everything after it (Count). */
  RECORDS_RETRIED = 'RecordsRetried',
  /** Share of a batch's distinct reference keys answered by a cache, in-process or shared (Percent). */
  REFERENCE_CACHE_HIT_RATIO = 'ReferenceCacheHitRatio',
  /** Time to look up a batch's reference data (Milliseconds). */
  REFERENCE_LOOKUP_LATENCY = 'ReferenceLookupLatency',
  /** Failed operations on the shared reference cache; the table answered instead (Count). */
  REFERENCE_SHARED_CACHE_ERRORS = 'ReferenceSharedCacheErrors',
}
