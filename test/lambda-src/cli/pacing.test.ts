import { batchSizeFor, InFlightLimit, MAX_IN_FLIGHT, TokenBucket } from '../../../lambda-src/cli/pacing';

describe('batchSizeFor', () => {
  test.each([
    [1, 1],
    [9, 1],
    [10, 1],
    [11, 2],
    [300, 30],
    [4999, 500],
    [10_000, 500],
    [1_000_000, 500],
  ])('%d records/s go out in batches of %d: a tenth of a second, at most one full request', (rate, size) => {
    expect(batchSizeFor(rate)).toBe(size);
  });
});

describe('TokenBucket', () => {
  test('starts empty and accrues permits at the rate', () => {
    const bucket = new TokenBucket(1000, 500, 10_000);

    expect(bucket.available(10_000)).toBe(0);
    expect(bucket.available(10_001)).toBe(1);
    expect(bucket.available(10_100)).toBe(100);
    expect(bucket.msUntil(250, 10_100)).toBe(150);
  });

  test('keeps at most its capacity: time the sender lost is not made up with a burst', () => {
    const bucket = new TokenBucket(1000, 200, 0);

    expect(bucket.available(60_000)).toBe(200);
    bucket.take(200, 60_000);
    expect(bucket.available(60_000)).toBe(0);
    expect(bucket.msUntil(200, 60_000)).toBe(200);
  });

  test('refuses to hand out permits it does not have', () => {
    const bucket = new TokenBucket(10, 10, 0);

    expect(() => bucket.take(2, 100)).toThrow(new RangeError('cannot take 2 permits: 1 available'));
  });

  test('accrues fractional permits without losing them to rounding', () => {
    const bucket = new TokenBucket(3, 10, 0);
    let taken = 0;
    for (let now = 0; now <= 10_000; now += 7) {
      const available = bucket.available(now);
      bucket.take(available, now);
      taken += available;
    }

    // 3 records/s for 10 s, checked every 7 ms: the last check is at 9,996 ms.
    expect(taken).toBe(29);
  });

  test('never hands out more than the rate times the elapsed time, however it is polled', () => {
    const rate = 1234;
    const bucket = new TokenBucket(rate, 2 * 124, 0);
    let taken = 0;
    for (const now of [0, 1, 50, 51, 99.5, 100, 400, 401, 1000, 1000, 1003.7, 2500]) {
      const available = bucket.available(now);
      bucket.take(Math.min(available, 124), now);
      taken += Math.min(available, 124);
      expect(taken).toBeLessThanOrEqual((rate * now) / 1000);
    }
  });
});

describe('InFlightLimit', () => {
  test('lets `max` holders in and queues the rest in order until slots are released', async () => {
    const limit = new InFlightLimit(2);
    const admitted: number[] = [];
    const waiters = [1, 2, 3, 4].map((i) => limit.acquire().then(() => admitted.push(i)));
    await new Promise((resolve) => setImmediate(resolve));

    expect(admitted).toEqual([1, 2]);
    expect(limit.inFlight).toBe(2);

    limit.release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(admitted).toEqual([1, 2, 3]);
    expect(limit.inFlight).toBe(2);

    limit.release();
    limit.release();
    limit.release();
    await Promise.all(waiters);
    expect(admitted).toEqual([1, 2, 3, 4]);
    expect(limit.inFlight).toBe(0);
  });

  test('bounds the requests of a run at 16', () => {
    expect(MAX_IN_FLIGHT).toBe(16);
  });
});
