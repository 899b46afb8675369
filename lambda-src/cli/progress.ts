import { formatClock } from './duration';
import { LoadStats, summarizeLatencies } from './stats';

/** Where text goes: process.stdout or process.stderr, or a buffer in tests. */
export interface TextOutput {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** What a progress line shows of a run in progress. */
export interface ProgressSource {
  readonly elapsedMs: number;
  readonly stats: LoadStats;
  readonly requestsInFlight: number;
}

export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function formatMs(value: number | undefined): string {
  if (value === undefined) {
    return '-';
  }
  // One decimal while it matters, below 10 ms (up to where it would round to 10.0).
  return value < 9.95 ? `${value.toFixed(1)} ms` : `${formatCount(value)} ms`;
}

/** Records sent per second of the elapsed time, the honest measure of what the stream took. */
export function achievedRate(sent: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (sent * 1_000) / elapsedMs : 0;
}

export interface ProgressFigures {
  readonly elapsedMs: number;
  readonly durationMs: number;
  readonly sent: number;
  readonly failed: number;
  readonly throttled: number;
  readonly retries: number;
  readonly inFlight: number;
  /** PutRecords latencies since the previous line. */
  readonly recentLatenciesMs: readonly number[];
}

export function formatProgress(figures: ProgressFigures): string {
  const latency = summarizeLatencies(figures.recentLatenciesMs);
  return [
    `${formatClock(figures.elapsedMs)} / ${formatClock(figures.durationMs)}`,
    `sent ${formatCount(figures.sent)}`,
    `failed ${formatCount(figures.failed)}`,
    `throttled ${formatCount(figures.throttled)}`,
    `retries ${formatCount(figures.retries)}`,
    `${formatCount(achievedRate(figures.sent, figures.elapsedMs))} records/s`,
    `put p50 ${formatMs(latency.p50)} p99 ${formatMs(latency.p99)}`,
    `in flight ${figures.inFlight}`,
  ].join('  ');
}

/** Writes progress lines: rewritten in place on a terminal, one per report otherwise (a log, a CI job). */
export class ProgressReporter {
  private latenciesReported = 0;

  constructor(private readonly source: ProgressSource, private readonly durationMs: number, private readonly out: TextOutput) {}

  public report(): void {
    const { stats } = this.source;
    const line = formatProgress({
      elapsedMs: this.source.elapsedMs,
      durationMs: this.durationMs,
      sent: stats.sent,
      failed: stats.failed,
      throttled: stats.throttled,
      retries: stats.retries,
      inFlight: this.source.requestsInFlight,
      recentLatenciesMs: stats.latenciesMs.slice(this.latenciesReported),
    });
    this.latenciesReported = stats.latenciesMs.length;
    // \x1b[K clears what a longer previous line left behind.
    this.out.write(this.out.isTTY === true ? `\r${line}\x1b[K` : `${line}\n`);
  }

  /** The last line, ended so that what follows starts on a line of its own. */
  public finish(): void {
    this.report();
    if (this.out.isTTY === true) {
      this.out.write('\n');
    }
  }
}
