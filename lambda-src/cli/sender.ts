import { PutRecordsCommand, PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { LoadStats } from './stats';
import { StreamTarget, streamParameters } from './stream';
import { PutEntry, entrySize } from '../enrichment-processor/publish';

/** The slice of KinesisClient the sender uses, so that tests can inject faults an emulator cannot produce. */
export interface PutRecordsClient {
  send(command: PutRecordsCommand): Promise<PutRecordsCommandOutput>;
}

export interface RetryPolicy {
  /** Times a rejected entry is sent again before it counts as failed. */
  readonly maxRetries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_BACKOFF = { baseDelayMs: 100, maxDelayMs: 5_000 } as const;

/** Full jitter: spreads the retries of requests throttled together instead of sending them again in lockstep. */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/** The entry error code for throughput: such entries count as throttled. */
export const THROTTLED_ENTRY_CODE = 'ProvisionedThroughputExceededException';

/** Entry error codes worth another attempt; others (KMS access denied, a disabled key, ...) fail at once. */
const RETRIABLE_ENTRY_CODES: ReadonlySet<string> = new Set([THROTTLED_ENTRY_CODE, 'InternalFailure', 'KMSThrottlingException']);

const THROTTLING_ERRORS: ReadonlySet<string> = new Set([
  THROTTLED_ENTRY_CODE, 'ThrottlingException', 'LimitExceededException', 'RequestLimitExceeded', 'TooManyRequestsException',
  'KMSThrottlingException',
]);

const TRANSIENT_ERRORS: ReadonlySet<string> = new Set([
  'InternalFailure', 'InternalFailureException', 'InternalServerError', 'ServiceUnavailable', 'ServiceUnavailableException',
  'TimeoutError', 'RequestTimeout', 'RequestTimeoutException',
]);

const TRANSIENT_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
]);

interface ErrorDetails {
  readonly name?: string;
  readonly code?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $retryable?: { readonly throttling?: boolean };
}

/**
 * How a PutRecords call that failed as a whole is handled: throttled and transient calls are retried whole; any other
 * error (a missing stream, denied access, no credentials) recurs on every call, so it stops the run.
 */
export function classifyRequestError(error: unknown): 'throttled' | 'transient' | 'fatal' {
  const details = (typeof error === 'object' && error !== null ? error : {}) as ErrorDetails;
  const status = details.$metadata?.httpStatusCode ?? 0;
  if (THROTTLING_ERRORS.has(details.name ?? '') || status === 429 || details.$retryable?.throttling === true) {
    return 'throttled';
  }
  if (TRANSIENT_ERRORS.has(details.name ?? '') || TRANSIENT_NETWORK_CODES.has(details.code ?? '') || status >= 500
    || details.$retryable !== undefined) {
    return 'transient';
  }
  return 'fatal';
}

/** The code a failure is reported under: a network error's code (ECONNRESET), else the error's name. */
export function errorCode(error: unknown): string {
  const details = (typeof error === 'object' && error !== null ? error : {}) as ErrorDetails;
  return details.code ?? details.name ?? 'UnknownError';
}

export interface SendContext {
  readonly client: PutRecordsClient;
  readonly stream: StreamTarget;
  readonly policy: RetryPolicy;
  readonly stats: LoadStats;
  /** Monotonic milliseconds, for request latency. */
  readonly clock: () => number;
  /** Waits, or returns early once the signal is aborted. */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly random: () => number;
  /** Once aborted, rejected entries are not sent again but count as not sent. */
  readonly stopSignal: AbortSignal;
  /** Called with an error that will fail every call, so that the run stops. */
  readonly onFatal: (error: unknown) => void;
}

interface Rejected {
  readonly entry: PutEntry;
  readonly code: string;
}

/**
 * Puts entries (one request's worth) with PutRecords, sending again only the entries that were rejected, with
 * backoff, until every entry is settled in the stats as sent, failed or not sent.
 */
export async function sendWithRetries(entries: readonly PutEntry[], context: SendContext): Promise<void> {
  let pending = entries;
  for (let retry = 0; ; retry++) {
    const rejected = await putOnce(pending, context);
    if (rejected.length === 0) {
      return;
    }
    if (retry === context.policy.maxRetries) {
      rejected.forEach(({ code }) => context.stats.recordFailed(code, 1));
      return;
    }
    await context.sleep(backoffDelay(retry + 1, context.policy, context.random), context.stopSignal);
    if (context.stopSignal.aborted) {
      context.stats.notSent += rejected.length;
      return;
    }
    context.stats.retries += rejected.length;
    pending = rejected.map(({ entry }) => entry);
  }
}

/** One PutRecords call: settles what it can, and returns the entries worth another attempt. */
async function putOnce(entries: readonly PutEntry[], context: SendContext): Promise<Rejected[]> {
  const { stats } = context;
  stats.requests++;
  const started = context.clock();
  let output: PutRecordsCommandOutput;
  try {
    output = await context.client.send(new PutRecordsCommand({
      ...streamParameters(context.stream),
      Records: entries.map((entry) => ({ Data: entry.data, PartitionKey: entry.partitionKey })),
    }));
  } catch (error) {
    stats.failedRequests++;
    const kind = classifyRequestError(error);
    if (kind === 'throttled') {
      stats.throttled += entries.length;
    } else {
      stats.otherRejections += entries.length;
    }
    const code = errorCode(error);
    if (kind === 'fatal') {
      stats.recordFailed(code, entries.length);
      context.onFatal(error);
      return [];
    }
    return entries.map((entry) => ({ entry, code }));
  }
  stats.latenciesMs.push(context.clock() - started);
  const rejected: Rejected[] = [];
  entries.forEach((entry, i) => {
    const result = output.Records?.[i];
    if (result?.SequenceNumber !== undefined && result.ErrorCode === undefined) {
      stats.sent++;
      stats.sentBytes += entrySize(entry);
      return;
    }
    // An entry without a result is not known to be stored, and retrying it could store it twice: it fails.
    const code = result?.ErrorCode ?? 'MissingResult';
    if (code === THROTTLED_ENTRY_CODE) {
      stats.throttled++;
    } else {
      stats.otherRejections++;
    }
    if (RETRIABLE_ENTRY_CODES.has(code)) {
      rejected.push({ entry, code });
    } else {
      stats.recordFailed(code, 1);
    }
  });
  return rejected;
}
