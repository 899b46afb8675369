/**
 * The p-th percentile (0 < p <= 100) of ascending values by the nearest-rank method: the smallest value that at least
 * p % of the values are less than or equal to. Undefined for no values.
 */
export function percentile(ascending: readonly number[], p: number): number | undefined {
  if (ascending.length === 0) {
    return undefined;
  }
  const rank = Math.ceil((p / 100) * ascending.length);
  return ascending[Math.min(ascending.length, Math.max(1, rank)) - 1];
}

export interface LatencySummary {
  readonly p50?: number;
  readonly p99?: number;
  readonly max?: number;
}

export function summarizeLatencies(values: readonly number[]): LatencySummary {
  const ascending = [...values].sort((a, b) => a - b);
  return { p50: percentile(ascending, 50), p99: percentile(ascending, 99), max: ascending[ascending.length - 1] };
}

/**
 * What happened to the run's records and requests. Every record made ends up exactly once as sent, failed or not
 * sent (or is still in flight), so the counts add up to the records made.
 */
export class LoadStats {
  /** Records made from the template. */
  public made = 0;
  /** Records Kinesis accepted (it returned a sequence number). */
  public sent = 0;
  /** Bytes of the records sent, data and partition keys. */
  public sentBytes = 0;
  /** Records given up on: out of retries, or rejected with an error that retrying does not cure. */
  public failed = 0;
  /** Records left unsent because the run was stopped: never sent, or their retries abandoned. */
  public notSent = 0;
  /** Entry attempts rejected for throughput: ProvisionedThroughputExceededException, or a throttled request. */
  public throttled = 0;
  /** Entry attempts rejected for another reason (InternalFailure, a failed request, ...). */
  public otherRejections = 0;
  /** Entries sent again after a rejection. */
  public retries = 0;
  /** PutRecords calls made, answered or not. */
  public requests = 0;
  /** PutRecords calls that failed as a whole (network, 5xx, throttling of the call). */
  public failedRequests = 0;
  /** Failed records by the error code of their last attempt. */
  public readonly failuresByCode = new Map<string, number>();
  /** Milliseconds each answered PutRecords call took, in the order they were answered. */
  public readonly latenciesMs: number[] = [];

  public recordFailed(code: string, count: number): void {
    this.failed += count;
    this.failuresByCode.set(code, (this.failuresByCode.get(code) ?? 0) + count);
  }
}
