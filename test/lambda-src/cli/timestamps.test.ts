import { epochNanosOf, formatEpochNanos, Instant, INSTANT_PARSERS, midnightEpochNanos } from '../../../lambda-src/cli/timestamps';

const MIDNIGHT_2024_MS = Date.UTC(2024, 0, 1);
const MIDNIGHT_2024 = BigInt(MIDNIGHT_2024_MS) * 1_000_000n;

describe('INSTANT_PARSERS', () => {
  test('keep every unit hyparquet hands over to the nanosecond', () => {
    expect(INSTANT_PARSERS.timestampFromMilliseconds(BigInt(MIDNIGHT_2024_MS) + 1n).epochNanos).toBe(MIDNIGHT_2024 + 1_000_000n);
    expect(INSTANT_PARSERS.timestampFromMicroseconds(BigInt(MIDNIGHT_2024_MS) * 1_000n + 1n).epochNanos).toBe(MIDNIGHT_2024 + 1_000n);
    expect(INSTANT_PARSERS.timestampFromNanoseconds(MIDNIGHT_2024 + 1n).epochNanos).toBe(MIDNIGHT_2024 + 1n);
    expect(INSTANT_PARSERS.dateFromDays(19_723).epochNanos).toBe(MIDNIGHT_2024);
  });
});

describe('midnightEpochNanos', () => {
  test('is midnight UTC of the day', () => {
    expect(midnightEpochNanos('2024-01-01')).toBe(MIDNIGHT_2024);
    expect(midnightEpochNanos('1969-12-31')).toBe(-86_400_000_000_000n);
  });
});

describe('epochNanosOf', () => {
  test('reads Instants and Dates', () => {
    expect(epochNanosOf(new Instant(5n))).toBe(5n);
    expect(epochNanosOf(new Date(MIDNIGHT_2024_MS))).toBe(MIDNIGHT_2024);
    expect(epochNanosOf(new Date(Number.NaN))).toBeUndefined();
  });

  test.each([
    ['2024-01-01', MIDNIGHT_2024],
    ['2024-01-01T00:00:00Z', MIDNIGHT_2024],
    ['2024-01-01T00:00:00.000000001Z', MIDNIGHT_2024 + 1n],
    ['2024-01-01 00:00:00.5', MIDNIGHT_2024 + 500_000_000n],
    ['2024-01-01T01:30', MIDNIGHT_2024 + 5_400_000_000_000n],
    ['2024-01-01T02:00:00+02:00', MIDNIGHT_2024],
    ['2023-12-31T22:00:00-0200', MIDNIGHT_2024],
    ['2024-01-01t00:00:00z', MIDNIGHT_2024],
  ])('reads the ISO-8601 or Hive string %s (no zone is UTC)', (text, nanos) => {
    expect(epochNanosOf(text)).toBe(nanos);
  });

  test.each(['', 'yesterday', '2024-02-30', '2024-13-01', '2024-01-01T24:00', '2024-01-01T00:60', '20240101', '2024-01-01T00:00:00.0000000001Z'])(
    'finds no time in %j', (text) => {
      expect(epochNanosOf(text)).toBeUndefined();
    },
  );

  test('finds no time in values of other types', () => {
    for (const value of [null, undefined, 1_704_067_200_000, 1_704_067_200_000n, true, {}]) {
      expect(epochNanosOf(value)).toBeUndefined();
    }
  });
});

describe('formatEpochNanos', () => {
  test('shows milliseconds, and more fraction digits only when the value has them', () => {
    expect(formatEpochNanos(MIDNIGHT_2024)).toBe('2024-01-01T00:00:00.000Z');
    expect(formatEpochNanos(MIDNIGHT_2024 + 1n)).toBe('2024-01-01T00:00:00.000000001Z');
    expect(formatEpochNanos(MIDNIGHT_2024 + 1_500n)).toBe('2024-01-01T00:00:00.0000015Z');
    expect(formatEpochNanos(MIDNIGHT_2024 - 1n)).toBe('2023-12-31T23:59:59.999999999Z');
    expect(formatEpochNanos(-1n)).toBe('1969-12-31T23:59:59.999999999Z');
    expect(String(new Instant(MIDNIGHT_2024 + 123_000_000n))).toBe('2024-01-01T00:00:00.123Z');
  });

  test('counts nanoseconds for a time beyond what a Date holds', () => {
    expect(formatEpochNanos(10n ** 25n)).toBe('10000000000000000000000000 ns from 1970-01-01');
  });
});
