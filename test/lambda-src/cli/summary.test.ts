import { awsError } from './fixtures';
import { LoadResult } from '../../../lambda-src/cli/load';
import { LoadStats } from '../../../lambda-src/cli/stats';
import { exitCodeFor, formatSummary } from '../../../lambda-src/cli/summary';

const RUN = { stream: 'clicks (4 open shards, PROVISIONED)', ratePerSecond: 10_000, durationText: '10m' };

function result(values: Partial<LoadStats>, extra: Partial<LoadResult> = {}): LoadResult {
  const stats = Object.assign(new LoadStats(), values);
  return { stats, elapsedMs: 600_500, plannedRecords: 6_000_000, ...extra };
}

describe('formatSummary', () => {
  test('reports every figure of a clean run, and exit code 0', () => {
    const clean = result({ made: 6_000_000, sent: 6_000_000, sentBytes: 1_536_000_000, requests: 12_000 });
    clean.stats.latenciesMs.push(...Array.from({ length: 100 }, (_, i) => i + 1));

    expect(formatSummary(clean, RUN)).toBe([
      'Load test summary',
      '  stream            clicks (4 open shards, PROVISIONED)',
      '  target            10,000 records/s for 10m: 6,000,000 records',
      '  elapsed           600.50 s',
      '  generated         6,000,000 records',
      '  sent              6,000,000 records, 1464.8 MiB with partition keys',
      '  failed            0 records',
      '  not sent          0 records',
      '  throttled         0 entry attempts',
      '  other rejections  0 entry attempts',
      '  retries           0 entries sent again',
      '  requests          12,000 PutRecords calls, 0 failed as a whole',
      '  achieved rate     9,992 records/s (99.9 % of the target)',
      '  put latency       p50 50 ms, p99 99 ms, max 100 ms',
      '  result            every record generated was sent',
      '',
    ].join('\n'));
    expect(exitCodeFor(clean)).toBe(0);
  });

  test('breaks failures down by error code, most frequent first, and exits 1', () => {
    const failing = result({ made: 100, sent: 88, throttled: 40, otherRejections: 5, retries: 33 });
    failing.stats.recordFailed('InternalFailure', 2);
    failing.stats.recordFailed('ProvisionedThroughputExceededException', 10);

    const text = formatSummary(failing, RUN);

    expect(text).toContain('  failed            12 records (ProvisionedThroughputExceededException 10, InternalFailure 2)\n');
    expect(text).toContain('  result            12 records failed, 0 not sent\n');
    expect(exitCodeFor(failing)).toBe(1);
  });

  test('says why a run stopped early: a signal, or an error no retry cures', () => {
    const stopped = formatSummary(result({ made: 10, sent: 10 }, { stoppedBy: 'SIGINT' }), RUN);
    const fatal = result({ made: 10, notSent: 5 }, { fatalError: awsError('ResourceNotFoundException', 400) });
    fatal.stats.recordFailed('ResourceNotFoundException', 5);

    expect(stopped).toContain('  elapsed           600.50 s, stopped early by SIGINT\n');
    expect(formatSummary(fatal, RUN)).toContain('  stopped by        ResourceNotFoundException: ResourceNotFoundException from the stub\n');
    expect(exitCodeFor(fatal)).toBe(1);
  });

  test('records not sent because of a stop make the exit code 1', () => {
    expect(exitCodeFor(result({ made: 10, sent: 9, notSent: 1 }, { stoppedBy: 'SIGTERM' }))).toBe(1);
  });
});
