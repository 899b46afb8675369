import { chunkEntries, entrySize, PutEntry, PUT_RECORDS_LIMITS } from '../../../lambda-src/cli/batch';

const MiB = 1024 * 1024;

/** An entry of exactly `bytes` bytes counting its partition key, tagged to follow it through chunking. */
function sized(bytes: number, partitionKey = 'user-1', tag = 0): PutEntry & { tag: number } {
  return { data: Buffer.alloc(bytes - Buffer.byteLength(partitionKey)), partitionKey, tag };
}

describe('entrySize', () => {
  test('counts data bytes plus the UTF-8 bytes of the partition key', () => {
    expect(entrySize({ data: Buffer.alloc(10), partitionKey: 'ab' })).toBe(12);
    expect(entrySize({ data: Buffer.alloc(10), partitionKey: 'é東' })).toBe(15);
  });
});

describe('chunkEntries', () => {
  test('uses the PutRecords quotas: 500 records and 5 MiB a request, 1 MiB a record', () => {
    expect(PUT_RECORDS_LIMITS).toEqual({ maxRecords: 500, maxRequestBytes: 5 * MiB, maxEntryBytes: MiB });
  });

  test('makes no request of nothing', () => {
    expect(chunkEntries([])).toEqual([]);
  });

  test('puts at most 500 records in a request, in order', () => {
    const entries = Array.from({ length: 1201 }, (_, i) => sized(20, 'user-1', i));

    const requests = chunkEntries(entries);

    expect(requests.map((r) => r.length)).toEqual([500, 500, 201]);
    expect(requests.flat()).toEqual(entries);
  });

  test('fills a request to exactly 5 MiB and no further', () => {
    const fiveMiB = Array.from({ length: 5 }, (_, i) => sized(MiB, 'user-1', i));
    expect(chunkEntries(fiveMiB).map((r) => r.length)).toEqual([5]);

    const oneByteOver = [...fiveMiB, sized(1, 'k', 5)];
    expect(chunkEntries(oneByteOver).map((r) => r.map((e) => e.tag))).toEqual([[0, 1, 2, 3, 4], [5]]);
  });

  test('counts partition keys against the 5 MiB: the same data with longer keys needs another request', () => {
    const withKeys = (partitionKey: string) => [
      ...Array.from({ length: 5 }, () => ({ data: Buffer.alloc(MiB - 4), partitionKey })),
      { data: Buffer.alloc(10), partitionKey },
    ];

    expect(chunkEntries(withKeys('k')).map((r) => r.length)).toEqual([6]);
    expect(chunkEntries(withKeys('user')).map((r) => r.length)).toEqual([5, 1]);
  });

  test('takes a record of exactly 1 MiB with its partition key, and refuses one byte more', () => {
    expect(chunkEntries([sized(MiB)])).toHaveLength(1);
    expect(() => chunkEntries([sized(10), sized(MiB + 1)])).toThrow(
      new RangeError('PutRecords entry of 1048577 bytes (data and partition key) exceeds the 1048576-byte limit'),
    );
  });

  test('never exceeds the limits and never leaves room a next record would have fitted', () => {
    const limits = { maxRecords: 4, maxRequestBytes: 100, maxEntryBytes: 60 };
    const sizes = [10, 60, 30, 30, 41, 1, 1, 1, 1, 1, 59, 60, 40, 7];
    const entries = sizes.map((bytes, i) => sized(bytes, 'k', i));

    const requests = chunkEntries(entries, limits);

    expect(requests.flat()).toEqual(entries);
    requests.forEach((request, i) => {
      const bytes = request.reduce((sum, e) => sum + entrySize(e), 0);
      expect(request.length).toBeLessThanOrEqual(limits.maxRecords);
      expect(bytes).toBeLessThanOrEqual(limits.maxRequestBytes);
      const next = requests[i + 1]?.[0];
      if (next !== undefined && request.length < limits.maxRecords) {
        expect(bytes + entrySize(next)).toBeGreaterThan(limits.maxRequestBytes);
      }
    });
  });
});
