import { formatClock, parseDuration } from '../../../lambda-src/cli/duration';

describe('parseDuration', () => {
  test.each([
    ['30s', 30_000],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['2m30s', 150_000],
    ['1h0m5s', 3_605_000],
    ['1500ms', 1_500],
    ['1s500ms', 1_500],
    ['90', 90_000],
    ['007s', 7_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  test.each([
    '', '0', '0s', '0h0m', '-5s', '1.5m', '10 m', '10M', '10min', 'm', '10x', '30m1h', '1s1s', '5ms1s', '1h 30m', ' 10s', '99999999999999999999h',
  ])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('formatClock', () => {
  test.each([
    [0, '0:00'],
    [999, '0:01'],
    [59_400, '0:59'],
    [600_000, '10:00'],
    [3_599_000, '59:59'],
    [3_600_000, '1:00:00'],
    [5_405_000, '1:30:05'],
  ])('%d ms reads %s', (ms, text) => {
    expect(formatClock(ms)).toBe(text);
  });
});
