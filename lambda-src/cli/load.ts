import { InFlightLimit, TokenBucket, batchSizeFor } from './pacing';
import { PutRecordsClient, RetryPolicy, SendContext, sendWithRetries } from './sender';
import { LoadStats } from './stats';
import { StreamTarget } from './stream';
import { PutEntry, chunkEntries } from '../enrichment-processor/publish';

export interface LoadPlan {
  readonly stream: StreamTarget;
  readonly ratePerSecond: number;
  readonly durationMs: number;
  /** Makes the record at a position in the run. */
  readonly makeRecord: (sequence: number) => PutEntry;
  readonly retryPolicy: RetryPolicy;
  /** Most PutRecords requests in flight at once, retries included. */
  readonly maxInFlight: number;
}

export interface LoadDeps {
  readonly client: PutRecordsClient;
  /** Monotonic milliseconds. */
  readonly clock: () => number;
  /** Waits, or returns early once the signal is aborted. */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Uniform in [0, 1), for backoff jitter. */
  readonly random: () => number;
  /** Aborted (with the signal's name as reason) to stop the run early: no new requests, no more retries. */
  readonly stopSignal: AbortSignal;
}

export interface LoadResult {
  readonly stats: LoadStats;
  readonly elapsedMs: number;
  /** Records the plan calls for: the rate times the duration. */
  readonly plannedRecords: number;
  /** Why the run stopped early: the reason the stop signal was aborted with. */
  readonly stoppedBy?: string;
  /** The error that made every request fail, which stopped the run. */
  readonly fatalError?: unknown;
}

/** Records a plan calls for: the rate times the duration, in whole records. */
export function plannedRecordCount(ratePerSecond: number, durationMs: number): number {
  return Math.floor((ratePerSecond * durationMs) / 1_000);
}

/**
 * One load run: sends the plan's records at its rate for its duration, never faster, with a bounded number of
 * requests in flight, then waits for them. A stop sends no more requests and abandons pending retries.
 */
export class LoadRun {
  public readonly stats = new LoadStats();
  public readonly plannedRecords: number;
  private readonly inFlight: InFlightLimit;
  private readonly stop = new AbortController();
  private readonly tasks = new Set<Promise<void>>();
  private startMs?: number;
  private fatalError?: unknown;

  constructor(private readonly plan: LoadPlan, private readonly deps: LoadDeps) {
    this.plannedRecords = plannedRecordCount(plan.ratePerSecond, plan.durationMs);
    this.inFlight = new InFlightLimit(plan.maxInFlight);
  }

  /** Milliseconds since the run started. */
  public get elapsedMs(): number {
    return this.startMs === undefined ? 0 : this.deps.clock() - this.startMs;
  }

  public get requestsInFlight(): number {
    return this.inFlight.inFlight;
  }

  public async run(): Promise<LoadResult> {
    const { deps, plan, stats } = this;
    const startMs = deps.clock();
    this.startMs = startMs;
    const forwardStop = () => this.stop.abort(deps.stopSignal.reason);
    if (deps.stopSignal.aborted) {
      forwardStop();
    }
    deps.stopSignal.addEventListener('abort', forwardStop);
    const batchSize = batchSizeFor(plan.ratePerSecond);
    // Room for two batches: timers fire late, and permits that accrue meanwhile must not be lost to the cap.
    const permits = new TokenBucket(plan.ratePerSecond, 2 * batchSize, startMs);
    const deadline = startMs + plan.durationMs;
    try {
      while (!this.stop.signal.aborted && stats.made < this.plannedRecords) {
        const now = deps.clock();
        const pastDeadline = now >= deadline;
        const wanted = Math.min(batchSize, this.plannedRecords - stats.made);
        const available = permits.available(now);
        // Past the deadline, whatever permits accrued go out as a last, smaller batch.
        const count = available >= wanted || pastDeadline ? Math.min(available, wanted) : 0;
        if (count > 0) {
          permits.take(count, now);
          await this.dispatch(count);
        } else if (!pastDeadline) {
          await deps.sleep(Math.min(permits.msUntil(wanted, now), deadline - now), this.stop.signal);
        }
        if (pastDeadline) {
          break;
        }
      }
      await Promise.all(this.tasks);
    } finally {
      deps.stopSignal.removeEventListener('abort', forwardStop);
    }
    return {
      stats,
      elapsedMs: deps.clock() - startMs,
      plannedRecords: this.plannedRecords,
      stoppedBy: this.fatalError === undefined && this.stop.signal.aborted ? String(this.stop.signal.reason) : undefined,
      fatalError: this.fatalError,
    };
  }

  /** Makes `count` records and sends them, one request per chunk, each once a request slot is free. */
  private async dispatch(count: number): Promise<void> {
    const records: PutEntry[] = [];
    for (let i = 0; i < count; i++) {
      records.push(this.plan.makeRecord(this.stats.made++));
    }
    for (const chunk of chunkEntries(records)) {
      await this.inFlight.acquire();
      if (this.stop.signal.aborted) {
        this.inFlight.release();
        this.stats.notSent += chunk.length;
        continue;
      }
      const task: Promise<void> = sendWithRetries(chunk, this.sendContext())
        .catch((error: unknown) => this.failRun(error))
        .finally(() => {
          this.inFlight.release();
          this.tasks.delete(task);
        });
      this.tasks.add(task);
    }
  }

  private sendContext(): SendContext {
    return {
      client: this.deps.client,
      stream: this.plan.stream,
      policy: this.plan.retryPolicy,
      stats: this.stats,
      clock: this.deps.clock,
      sleep: this.deps.sleep,
      random: this.deps.random,
      stopSignal: this.stop.signal,
      onFatal: (error) => this.failRun(error),
    };
  }

  private failRun(error: unknown): void {
    if (this.fatalError === undefined) {
      this.fatalError = error;
      this.stop.abort(error);
    }
  }
}
