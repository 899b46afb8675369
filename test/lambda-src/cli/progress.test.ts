import { TextBuffer } from './fixtures';
import { achievedRate, formatMs, formatProgress, ProgressReporter } from '../../../lambda-src/cli/progress';
import { LoadStats } from '../../../lambda-src/cli/stats';

function statsWith(values: Partial<Pick<LoadStats, 'sent' | 'failed' | 'throttled' | 'retries'>>, latencies: number[] = []): LoadStats {
  const stats = Object.assign(new LoadStats(), values);
  stats.latenciesMs.push(...latencies);
  return stats;
}

describe('formatProgress', () => {
  test('shows elapsed time, sent, failed, throttled, retries, achieved rate, p50/p99 latency and requests in flight', () => {
    const line = formatProgress({
      elapsedMs: 12_000,
      durationMs: 600_000,
      sent: 119_500,
      failed: 3,
      throttled: 1_200,
      retries: 1_203,
      inFlight: 4,
      recentLatenciesMs: [12.4, 8.25, 40, 15],
    });

    expect(line).toBe('0:12 / 10:00  sent 119,500  failed 3  throttled 1,200  retries 1,203  9,958 records/s  put p50 12 ms p99 40 ms  in flight 4');
  });

  test('shows a dash for latency when no request was answered', () => {
    expect(formatProgress({ elapsedMs: 0, durationMs: 1000, sent: 0, failed: 0, throttled: 0, retries: 0, inFlight: 1, recentLatenciesMs: [] }))
      .toBe('0:00 / 0:01  sent 0  failed 0  throttled 0  retries 0  0 records/s  put p50 - p99 -  in flight 1');
  });
});

describe('achievedRate and formatMs', () => {
  test('the rate is records sent per second of elapsed time', () => {
    expect(achievedRate(5000, 2000)).toBe(2500);
    expect(achievedRate(10, 0)).toBe(0);
  });

  test('milliseconds keep a decimal below 10', () => {
    expect([formatMs(0.42), formatMs(9.96), formatMs(10), formatMs(1234.5), formatMs(undefined)]).toEqual(['0.4 ms', '10 ms', '10 ms', '1,235 ms', '-']);
  });
});

describe('ProgressReporter', () => {
  const source = (stats: LoadStats) => ({ elapsedMs: 2000, stats, requestsInFlight: 2 });

  test('writes one line per report when not on a terminal, with the latency of each interval only', () => {
    const stats = statsWith({ sent: 100 }, [5, 7]);
    const out = new TextBuffer(false);
    const reporter = new ProgressReporter(source(stats), 10_000, out);

    reporter.report();
    stats.latenciesMs.push(30);
    stats.sent = 300;
    reporter.finish();

    expect(out.text).toBe(
      '0:02 / 0:10  sent 100  failed 0  throttled 0  retries 0  50 records/s  put p50 5.0 ms p99 7.0 ms  in flight 2\n'
      + '0:02 / 0:10  sent 300  failed 0  throttled 0  retries 0  150 records/s  put p50 30 ms p99 30 ms  in flight 2\n',
    );
  });

  test('rewrites the line in place on a terminal, and ends it when finished', () => {
    const out = new TextBuffer(true);
    const reporter = new ProgressReporter(source(statsWith({ sent: 10 })), 10_000, out);

    reporter.report();
    reporter.finish();

    const line = '0:02 / 0:10  sent 10  failed 0  throttled 0  retries 0  5 records/s  put p50 - p99 -  in flight 2';
    expect(out.text).toBe(`\r${line}\x1b[K\r${line}\x1b[K\n`);
  });
});
