import { LoadStats, percentile, summarizeLatencies } from '../../../lambda-src/cli/stats';

describe('percentile', () => {
  test('is undefined without values', () => {
    expect(percentile([], 50)).toBeUndefined();
  });

  test('takes the nearest rank: the smallest value with at least p % of the values at or below it', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);

    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile(values, 0.5)).toBe(1);
    expect(percentile([3, 5, 7, 9], 50)).toBe(5);
    expect(percentile([3, 5, 7, 9], 51)).toBe(7);
    expect(percentile([3, 5, 7, 9], 99)).toBe(9);
    expect(percentile([42], 99)).toBe(42);
  });
});

describe('summarizeLatencies', () => {
  test('sorts a copy and reports p50, p99 and the maximum', () => {
    const values = [30, 10, 20, 1000, 40];

    expect(summarizeLatencies(values)).toEqual({ p50: 30, p99: 1000, max: 1000 });
    expect(values).toEqual([30, 10, 20, 1000, 40]);
    expect(summarizeLatencies([])).toEqual({ p50: undefined, p99: undefined, max: undefined });
  });

  test('sorts numerically, not as text', () => {
    expect(summarizeLatencies([9, 100, 80]).p50).toBe(80);
  });
});

describe('LoadStats', () => {
  test('counts failed records, and by error code', () => {
    const stats = new LoadStats();
    stats.recordFailed('InternalFailure', 2);
    stats.recordFailed('ProvisionedThroughputExceededException', 1);
    stats.recordFailed('InternalFailure', 1);

    expect(stats.failed).toBe(4);
    expect([...stats.failuresByCode]).toEqual([['InternalFailure', 3], ['ProvisionedThroughputExceededException', 1]]);
  });
});
