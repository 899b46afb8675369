import { counted, formatNumber, formatPrice, formatUsd, toCents } from '../../src/cost/cost-format';

describe('cost formatting', () => {
  test('cents round half up, also where floating point falls just below the half', () => {
    expect(toCents(3.565)).toBe(357);
    expect(toCents(1.005)).toBe(101);
    expect(toCents(0.004999)).toBe(0);
    expect(toCents(1216.4196)).toBe(121642);
  });

  test('amounts in dollars and cents with thousands separators', () => {
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(4.34)).toBe('$4.34');
    expect(formatUsd(1.005)).toBe('$1.01');
    expect(formatUsd(2126.2)).toBe('$2,126.20');
    expect(formatUsd(1234567.891)).toBe('$1,234,567.89');
  });

  test('quantities without trailing zeros', () => {
    expect(formatNumber(310_000_000)).toBe('310,000,000');
    expect(formatNumber(1277.2000000000003)).toBe('1,277.2');
    expect(formatNumber(0.25, 4)).toBe('0.25');
    expect(formatNumber(14_782.35)).toBe('14,782.35');
  });

  test('prices keep every decimal, and at least two', () => {
    expect(formatPrice(0.014)).toBe('$0.014');
    expect(formatPrice(0.0000133334)).toBe('$0.0000133334');
    expect(formatPrice(3.5)).toBe('$3.50');
    expect(formatPrice(3)).toBe('$3.00');
    expect(formatPrice(1e-7)).toBe('$0.0000001');
  });

  test('counted nouns', () => {
    expect(counted(1, 'shard')).toBe('1 shard');
    expect(counted(4, 'shard')).toBe('4 shards');
    expect(counted(0, 'record')).toBe('0 records');
  });
});
