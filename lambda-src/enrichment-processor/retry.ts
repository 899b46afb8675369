export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 5000 };

/** Full jitter: spreads retries of concurrently throttled shards' consumers instead of retrying in lockstep. */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

export interface RetryDeps {
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly retryPolicy?: RetryPolicy;
}

export interface ItemFailure {
  readonly errorCode: string;
  readonly errorMessage: string;
}

/** What one attempt left undone: items worth another attempt, and items that will not succeed in this invocation. */
export interface AttemptOutcome<T> {
  readonly retry: readonly T[];
  readonly giveUp?: readonly T[];
}

export interface RetryResult<T> {
  /** Items still undone after all attempts, in no particular order. */
  readonly remaining: readonly T[];
  readonly attempts: number;
}

/**
 * Runs attempts over the items still undone, with backoff between them, so a request that partly succeeded is
 * repeated only for the items that failed. Stops early when an attempt gives up on items.
 */
export async function retryUndone<T>(
  items: readonly T[],
  attempt: (pending: readonly T[]) => Promise<AttemptOutcome<T>>,
  deps: RetryDeps,
): Promise<RetryResult<T>> {
  const policy = deps.retryPolicy ?? DEFAULT_RETRY_POLICY;
  // At least one attempt, so every item reported undone carries the error that stopped it.
  const maxAttempts = Math.max(1, policy.maxAttempts);
  let pending = items;
  let attempts = 0;
  while (pending.length > 0 && attempts < maxAttempts) {
    if (attempts > 0) {
      await deps.sleep(backoffDelay(attempts, policy, deps.random));
    }
    attempts++;
    const outcome = await attempt(pending);
    if (outcome.giveUp !== undefined && outcome.giveUp.length > 0) {
      return { remaining: [...outcome.retry, ...outcome.giveUp], attempts };
    }
    pending = outcome.retry;
  }
  return { remaining: pending, attempts };
}

const RETRIABLE_ERROR_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'KMSThrottlingException',
  'InternalFailure',
  'InternalFailureException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'TransactionConflictException',
]);

const RETRIABLE_NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
]);

export function isRetriable(err: unknown): boolean {
  if (!(err instanceof Error)) {
    return false;
  }
  const { code, $metadata, $retryable } = err as Error & {
    code?: string;
    $metadata?: { httpStatusCode?: number };
    $retryable?: unknown;
  };
  return RETRIABLE_ERROR_NAMES.has(err.name)
    || (code !== undefined && RETRIABLE_NETWORK_CODES.has(code))
    || ($metadata?.httpStatusCode ?? 0) >= 500
    || $retryable !== undefined;
}

export function describeError(err: unknown): ItemFailure {
  return err instanceof Error
    ? { errorCode: err.name, errorMessage: err.message }
    : { errorCode: 'UnknownError', errorMessage: String(err) };
}

/**
 * One attempt over items split into request-sized groups, `concurrency` requests at a time. `request` returns the
 * items of its group worth retrying (having recorded their errors); a thrown error fails its whole group, and a
 * non-retriable one (a missing resource, denied access) gives up on every group not yet answered.
 */
export async function attemptInGroups<T>(
  groups: ReadonlyArray<readonly T[]>,
  request: (group: readonly T[]) => Promise<readonly T[]>,
  lastError: Map<T, ItemFailure>,
  concurrency = 1,
): Promise<AttemptOutcome<T>> {
  const retry: T[] = [];
  const giveUp: T[] = [];
  for (let start = 0; start < groups.length; start += concurrency) {
    const wave = groups.slice(start, start + concurrency);
    const settled = await Promise.allSettled(wave.map((group) => request(group)));
    let fatal = false;
    settled.forEach((result, w) => {
      if (result.status === 'fulfilled') {
        retry.push(...result.value);
        return;
      }
      const error = describeError(result.reason);
      wave[w].forEach((item) => lastError.set(item, error));
      if (isRetriable(result.reason)) {
        retry.push(...wave[w]);
      } else {
        fatal = true;
        giveUp.push(...wave[w]);
      }
    });
    if (fatal) {
      const unsent = groups.slice(start + concurrency).flat();
      const error = lastError.get(giveUp[0])!;
      unsent.forEach((item) => lastError.set(item, error));
      return { retry, giveUp: [...giveUp, ...unsent] };
    }
  }
  return { retry };
}
