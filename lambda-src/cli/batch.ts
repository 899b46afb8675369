/** One record for PutRecords. */
export interface PutEntry {
  readonly data: Uint8Array;
  readonly partitionKey: string;
}

export interface PutRecordsLimits {
  readonly maxRecords: number;
  readonly maxRequestBytes: number;
  readonly maxEntryBytes: number;
}

const MiB = 1024 * 1024;

/** Kinesis quotas for one PutRecords request; both byte limits count the partition keys too. */
export const PUT_RECORDS_LIMITS: PutRecordsLimits = { maxRecords: 500, maxRequestBytes: 5 * MiB, maxEntryBytes: MiB };

/** The bytes an entry counts for against the PutRecords limits: its data plus its UTF-8 partition key. */
export function entrySize(entry: PutEntry): number {
  return entry.data.byteLength + Buffer.byteLength(entry.partitionKey, 'utf8');
}

/**
 * Splits entries into PutRecords requests, in order, each as full as the limits allow.
 * @throws RangeError for an entry over the per-record limit, which Kinesis would reject together with its whole request
 */
export function chunkEntries<T extends PutEntry>(entries: readonly T[], limits: PutRecordsLimits = PUT_RECORDS_LIMITS): T[][] {
  const requests: T[][] = [];
  let current: T[] = [];
  let currentBytes = 0;
  for (const entry of entries) {
    const size = entrySize(entry);
    if (size > limits.maxEntryBytes) {
      throw new RangeError(`PutRecords entry of ${size} bytes (data and partition key) exceeds the ${limits.maxEntryBytes}-byte limit`);
    }
    if (current.length === limits.maxRecords || (current.length > 0 && currentBytes + size > limits.maxRequestBytes)) {
      requests.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(entry);
    currentBytes += size;
  }
  if (current.length > 0) {
    requests.push(current);
  }
  return requests;
}
