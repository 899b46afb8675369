import { PUT_RECORDS_LIMITS } from '../enrichment-processor/publish';

/** Requests in flight at once: 16 requests of 500 records answered in 50 ms each carry 160,000 records/s. */
export const MAX_IN_FLIGHT = 16;

/**
 * Records per batch: a tenth of a second's worth, so that slow rates still send ten times a second and fast ones fill
 * requests, up to the 500 records a PutRecords request takes.
 */
export function batchSizeFor(ratePerSecond: number): number {
  return Math.min(PUT_RECORDS_LIMITS.maxRecords, Math.max(1, Math.ceil(ratePerSecond / 10)));
}

/**
 * Permits to send records: they accrue at the rate, from none at the start, and at most `capacity` are kept. Time
 * lost while the sender cannot keep up is not made up for with a burst, so no window ever sees more than the rate
 * times its length plus the capacity, and no run more than the rate times its duration.
 */
export class TokenBucket {
  private tokens = 0;
  private lastRefillMs: number;

  constructor(private readonly ratePerSecond: number, private readonly capacity: number, startMs: number) {
    this.lastRefillMs = startMs;
  }

  /** Whole permits available at this time. */
  public available(nowMs: number): number {
    this.refill(nowMs);
    // Tolerates the rounding of fractional accrual, which would otherwise leave 99.999... permits for 100.
    return Math.floor(this.tokens + 1e-9);
  }

  public take(count: number, nowMs: number): void {
    if (count > this.available(nowMs)) {
      throw new RangeError(`cannot take ${count} permits: ${this.available(nowMs)} available`);
    }
    this.tokens = Math.max(0, this.tokens - count);
  }

  /** Milliseconds until `count` permits are available (0 when they are); count must not exceed the capacity. */
  public msUntil(count: number, nowMs: number): number {
    this.refill(nowMs);
    return Math.max(0, Math.ceil(((count - this.tokens) * 1_000) / this.ratePerSecond));
  }

  private refill(nowMs: number): void {
    if (nowMs > this.lastRefillMs) {
      this.tokens = Math.min(this.capacity, this.tokens + ((nowMs - this.lastRefillMs) * this.ratePerSecond) / 1_000);
      this.lastRefillMs = nowMs;
    }
  }
}

/** Bounds the requests in flight, so a slow or throttled stream slows the sender down instead of piling up requests. */
export class InFlightLimit {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(public readonly max: number) {}

  public get inFlight(): number {
    return this.active;
  }

  /** Resolves once a slot is free, and takes it. */
  public async acquire(): Promise<void> {
    if (this.active < this.max) {
      this.active++;
      return;
    }
    // release() hands its slot straight to the first waiter, so the count stays right and waiters are served in order.
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  public release(): void {
    const next = this.waiting.shift();
    if (next === undefined) {
      this.active--;
    } else {
      next();
    }
  }
}
