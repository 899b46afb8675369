import * as fc from 'fast-check';
import { ShardCalculator, ShardLimit } from '../../src';

describe('ShardCalculator', () => {
  test('the pattern\'s example: 5 MB/s needs 5 shards, 6 with 20 % headroom', () => {
    const plain = ShardCalculator.estimate({ writeMegabytesPerSecond: 5 });
    expect(plain).toMatchObject({ shardCount: 5, requiredShards: 5, dominantLimit: ShardLimit.WRITE_BYTES, shardsForReadBytes: 3 });
    const withHeadroom = ShardCalculator.estimate({ writeMegabytesPerSecond: 5, headroomPercent: 20 });
    expect(withHeadroom.shardCount).toBe(6);
    expect(withHeadroom.explanation).toBe('6 shards: write 5 MB/s needs 5 (at 1 MB/s per shard, dominant), '
      + 'write 0 records/s needs 0 (at 1000 records/s per shard), read 5 MB/s by 1 standard consumer needs 3 '
      + '(at 2 MB/s per shard); 5 required, 20 % headroom.');
  });

  test('many small records: the record rate dominates', () => {
    const estimate = ShardCalculator.estimate({ writeMegabytesPerSecond: 2, writeRecordsPerSecond: 7_500 });
    expect(estimate).toMatchObject({ shardCount: 8, dominantLimit: ShardLimit.WRITE_RECORDS, shardsForWriteBytes: 2, shardsForWriteRecords: 8 });
  });

  test('several standard consumers share the read limit, so reads dominate', () => {
    const estimate = ShardCalculator.estimate({ writeMegabytesPerSecond: 3, standardConsumers: 3 });
    expect(estimate).toMatchObject({ shardCount: 5, dominantLimit: ShardLimit.READ_BYTES, shardsForReadBytes: 5 });
    expect(estimate.explanation).toContain('read 9 MB/s by 3 standard consumers needs 5 (at 2 MB/s per shard, dominant)');
  });

  test('an explicit read rate replaces the derived one; enhanced fan-out only consumers read nothing shared', () => {
    expect(ShardCalculator.estimate({ writeMegabytesPerSecond: 1, readMegabytesPerSecond: 12 }).shardCount).toBe(6);
    expect(ShardCalculator.estimate({ writeMegabytesPerSecond: 4, standardConsumers: 0 }))
      .toMatchObject({ shardCount: 4, shardsForReadBytes: 0 });
  });

  test('no traffic still needs one shard', () => {
    const estimate = ShardCalculator.estimate({});
    expect(estimate.shardCount).toBe(1);
    expect(estimate.explanation).toMatch(/0 required, 0 % headroom, at least 1\.$/);
  });

  test('floating-point rates do not add a shard', () => {
    expect(ShardCalculator.estimate({ writeMegabytesPerSecond: 0.1 + 0.2 + 2.7 }).shardCount).toBe(3);
  });

  test.each([
    [{ writeMegabytesPerSecond: -1 }, 'Invalid ThroughputRequirements.writeMegabytesPerSecond: -1. Allowed: a finite number from 0.'],
    [{ writeRecordsPerSecond: Number.POSITIVE_INFINITY }, 'Invalid ThroughputRequirements.writeRecordsPerSecond: Infinity'],
    [{ readMegabytesPerSecond: Number.NaN }, 'Invalid ThroughputRequirements.readMegabytesPerSecond: NaN'],
    [{ standardConsumers: 1.5 }, 'Invalid ThroughputRequirements.standardConsumers: 1.5. Allowed: an integer from 0 to 1000.'],
    [{ headroomPercent: 12.5 }, 'Invalid ThroughputRequirements.headroomPercent: 12.5. Allowed: an integer from 0 to 1000.'],
  ])('rejects %j', (requirements, message) => {
    expect(() => ShardCalculator.estimate(requirements)).toThrow(message);
  });

  test('property: enough shards for every limit, and never more than one above the exact need', () => {
    fc.assert(fc.property(
      fc.double({ min: 0, max: 1_000, noNaN: true }),
      fc.integer({ min: 0, max: 1_000_000 }),
      fc.integer({ min: 0, max: 20 }),
      fc.integer({ min: 0, max: 100 }),
      (writeMegabytesPerSecond, writeRecordsPerSecond, standardConsumers, headroomPercent) => {
        const estimate = ShardCalculator.estimate({ writeMegabytesPerSecond, writeRecordsPerSecond, standardConsumers, headroomPercent });
        const exact = Math.max(writeMegabytesPerSecond / 1, writeRecordsPerSecond / 1000, (writeMegabytesPerSecond * standardConsumers) / 2);
        expect(estimate.requiredShards).toBeGreaterThanOrEqual(exact - 1e-6);
        expect(estimate.requiredShards).toBeLessThan(exact + 1);
        expect(estimate.shardCount).toBeGreaterThanOrEqual(Math.max(1, estimate.requiredShards * (1 + headroomPercent / 100) - 1e-6));
      },
    ));
  });
});
