import * as fc from 'fast-check';
import { awsError, FakeKinesis, recordingSleep, throttled } from './fixtures';
import { ChunkLimits } from '../../../lambda-src/enrichment-processor/groups';
import {
  chunkEntries,
  entrySize,
  publishEntries,
  PutEntry,
  PUT_RECORDS_LIMITS,
} from '../../../lambda-src/enrichment-processor/publish';
import { DEFAULT_RETRY_POLICY } from '../../../lambda-src/enrichment-processor/retry';

const MiB = 1024 * 1024;

const entry = (data: string | number, partitionKey = 'pk'): PutEntry => ({ data: Buffer.from(String(data)), partitionKey });
const sized = (bytes: number, partitionKey = 'pk', tag = 0): PutEntry & { tag: number } =>
  ({ data: Buffer.alloc(bytes - Buffer.byteLength(partitionKey)), partitionKey, tag });

describe('entrySize', () => {
  test('counts data bytes plus UTF-8 partition key bytes', () => {
    expect(entrySize({ data: Buffer.alloc(10), partitionKey: 'ab' })).toBe(12);
    expect(entrySize({ data: Buffer.alloc(10), partitionKey: 'é東' })).toBe(15);
  });
});

describe('chunkEntries', () => {
  test('returns nothing for nothing', () => {
    expect(chunkEntries([])).toEqual([]);
  });

  test('puts at most 500 records in a request, preserving order', () => {
    const entries = Array.from({ length: 1201 }, (_, i) => entry(i));

    const chunks = chunkEntries(entries);

    expect(chunks.map((c) => c.length)).toEqual([500, 500, 201]);
    expect(chunks.flat()).toEqual(entries);
  });

  test('fills a request up to exactly 5 MiB and no further', () => {
    const exact = Array.from({ length: 5 }, (_, i) => sized(MiB, 'pk', i));
    expect(chunkEntries(exact).map((c) => c.length)).toEqual([5]);

    const oneByteOver = [...exact, sized(1, 'x', 5)];
    expect(chunkEntries(oneByteOver).map((c) => c.map((e) => e.tag))).toEqual([[0, 1, 2, 3, 4], [5]]);
  });

  test('counts partition keys against the 5 MiB: the same data with longer keys needs another request', () => {
    const withKeys = (partitionKey: string) => [
      ...Array.from({ length: 5 }, () => ({ data: Buffer.alloc(MiB - 4), partitionKey })),
      { data: Buffer.alloc(10), partitionKey },
    ];
    expect(chunkEntries(withKeys('k')).map((r) => r.length)).toEqual([6]);
    expect(chunkEntries(withKeys('user')).map((r) => r.length)).toEqual([5, 1]);
  });

  test('accepts an entry of exactly 1 MiB including its partition key', () => {
    expect(chunkEntries([sized(MiB, 'user-with-a-long-key')])).toHaveLength(1);
  });

  test('refuses an entry over 1 MiB rather than letting Kinesis reject the whole request', () => {
    expect(() => chunkEntries([entry('a'), sized(MiB + 1)])).toThrow(RangeError);
  });

  test('never exceeds the limits, never leaves a request under-filled, and keeps every entry in order', () => {
    const limits = fc.record({
      maxRecords: fc.integer({ min: 1, max: 6 }),
      maxEntryBytes: fc.integer({ min: 3, max: 40 }),
      extraBytes: fc.integer({ min: 0, max: 60 }),
    }).map(({ maxRecords, maxEntryBytes, extraBytes }): ChunkLimits => ({ maxRecords, maxEntryBytes, maxBytes: maxEntryBytes + extraBytes }));
    const input = limits.chain((l) => fc.record({
      l: fc.constant(l),
      entries: fc.array(
        fc.record({ dataBytes: fc.nat({ max: l.maxEntryBytes - 2 }), partitionKey: fc.string({ minLength: 1, maxLength: 2, unit: 'binary-ascii' }) })
          .map(({ dataBytes, partitionKey }) => ({ data: Buffer.alloc(dataBytes), partitionKey })),
        { maxLength: 40 },
      ),
    }));

    fc.assert(fc.property(input, ({ l, entries }) => {
      const chunks = chunkEntries(entries, l);
      const bytes = (c: PutEntry[]) => c.reduce((sum, e) => sum + entrySize(e), 0);

      expect(chunks.flat()).toEqual(entries);
      chunks.forEach((chunk, i) => {
        expect(chunk.length).toBeGreaterThan(0);
        expect(chunk.length).toBeLessThanOrEqual(l.maxRecords);
        expect(bytes(chunk)).toBeLessThanOrEqual(l.maxBytes);
        const next = chunks[i + 1];
        if (next !== undefined) {
          // Greedy: the next request starts only because its first entry did not fit.
          const fits = chunk.length < l.maxRecords && bytes(chunk) + entrySize(next[0]) <= l.maxBytes;
          expect(fits).toBe(false);
        }
      });
    }));
  });

  test('uses the Kinesis PutRecords quotas by default', () => {
    expect(PUT_RECORDS_LIMITS).toEqual({ maxRecords: 500, maxBytes: 5 * MiB, maxEntryBytes: MiB });
  });
});

describe('publishEntries', () => {
  const entries = ['a', 'b', 'c', 'd', 'e'].map((d) => entry(d, `pk-${d}`));

  function deps(client: FakeKinesis, random = () => 0.5) {
    const { sleeps, sleep } = recordingSleep();
    return { sleeps, deps: { client, streamName: 'out', sleep, random } };
  }

  test('sends everything in one request when nothing fails', async () => {
    const client = new FakeKinesis();
    const { sleeps, deps: d } = deps(client);

    const result = await publishEntries(entries, d);

    expect(result).toEqual({ failures: [], attempts: 1 });
    expect(client.calls).toEqual([entries.map((e) => ({ data: Buffer.from(e.data).toString(), partitionKey: e.partitionKey }))]);
    expect(sleeps).toEqual([]);
  });

  test('sends nothing for no entries', async () => {
    const client = new FakeKinesis();

    expect(await publishEntries([], deps(client).deps)).toEqual({ failures: [], attempts: 0 });
    expect(client.calls).toEqual([]);
  });

  test('retries only the entries that failed, in their original order', async () => {
    const client = new FakeKinesis((data, attempt) => (['b', 'd'].includes(data) && attempt === 1 ? throttled() : {}));
    const { sleeps, deps: d } = deps(client);

    const result = await publishEntries(entries, d);

    expect(result).toEqual({ failures: [], attempts: 2 });
    expect(client.calls.map((c) => c.map((e) => e.data))).toEqual([['a', 'b', 'c', 'd', 'e'], ['b', 'd']]);
    expect(client.calls[1].map((e) => e.partitionKey)).toEqual(['pk-b', 'pk-d']);
    expect(sleeps).toHaveLength(1);
  });

  test('gives up after the attempt limit, reporting the entries that kept failing with their last error', async () => {
    const client = new FakeKinesis((data) => (data === 'c' || data === 'e' ? throttled() : {}));
    const { sleeps, deps: d } = deps(client, () => 0.5);

    const result = await publishEntries(entries, d);

    expect(result.attempts).toBe(5);
    expect(result.failures).toEqual([
      { index: 2, errorCode: 'ProvisionedThroughputExceededException', errorMessage: 'Rate exceeded for shard shardId-000000000000' },
      { index: 4, errorCode: 'ProvisionedThroughputExceededException', errorMessage: 'Rate exceeded for shard shardId-000000000000' },
    ]);
    expect(client.calls).toHaveLength(5);
    expect(client.calls.slice(1).every((c) => c.map((e) => e.data).join() === 'c,e')).toBe(true);
    // Fixed randomness exposes the ceilings: increasing, and four sleeps between five attempts.
    expect(sleeps).toEqual([50, 100, 200, 400]);
  });

  test('keeps backoff sleeps under the cap however many attempts are allowed', async () => {
    const client = new FakeKinesis(() => throttled());
    const { sleeps, sleep } = recordingSleep();
    const retryPolicy = { maxAttempts: 12, baseDelayMs: 100, maxDelayMs: 2000 };

    await publishEntries([entry('x')], { client, streamName: 'out', sleep, random: () => 0.999, retryPolicy });

    expect(sleeps).toHaveLength(11);
    expect(Math.max(...sleeps)).toBeLessThan(2000);
    expect(sleeps.slice(0, 5)).toEqual([99, 199, 399, 799, 1598]);
  });

  test('retries a whole request rejected by throttling', async () => {
    const client = new FakeKinesis(undefined, (call) => (call === 0 ? awsError('ProvisionedThroughputExceededException') : undefined));
    const { sleeps, deps: d } = deps(client);

    const result = await publishEntries(entries, d);

    expect(result).toEqual({ failures: [], attempts: 2 });
    expect(client.calls).toHaveLength(2);
    expect(client.calls[1]).toEqual(client.calls[0]);
    expect(sleeps).toHaveLength(1);
  });

  test('retries after a network error', async () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const client = new FakeKinesis(undefined, (call) => (call < 2 ? reset : undefined));

    expect(await publishEntries(entries, deps(client).deps)).toEqual({ failures: [], attempts: 3 });
  });

  test('retries only the failed request when one of several is throttled', async () => {
    const client = new FakeKinesis(undefined, (call) => (call === 1 ? awsError('ThrottlingException') : undefined));
    const limits = { ...PUT_RECORDS_LIMITS, maxRecords: 2 };

    const result = await publishEntries(entries, { ...deps(client).deps, limits });

    expect(result).toEqual({ failures: [], attempts: 2 });
    expect(client.calls.map((c) => c.map((e) => e.data))).toEqual([['a', 'b'], ['c', 'd'], ['e'], ['c', 'd']]);
  });

  test('stops at a non-retriable error and reports it for that request and every one not yet sent', async () => {
    const client = new FakeKinesis(undefined, (call) => (call === 1 ? awsError('ResourceNotFoundException') : undefined));
    const limits = { ...PUT_RECORDS_LIMITS, maxRecords: 2 };
    const { sleeps, deps: d } = deps(client);

    const result = await publishEntries(entries, { ...d, limits });

    expect(client.calls).toHaveLength(2);
    expect(sleeps).toEqual([]);
    expect(result.attempts).toBe(1);
    expect(result.failures.map((f) => [f.index, f.errorCode])).toEqual([
      [2, 'ResourceNotFoundException'],
      [3, 'ResourceNotFoundException'],
      [4, 'ResourceNotFoundException'],
    ]);
  });

  test('a non-retriable error on a later attempt also reports entries that failed earlier in that attempt', async () => {
    const client = new FakeKinesis(
      (data, attempt) => ((data === 'a' && attempt <= 2) || (['c', 'e'].includes(data) && attempt === 1) ? throttled() : {}),
      (call) => (call === 4 ? awsError('AccessDeniedException') : undefined),
    );
    const limits = { ...PUT_RECORDS_LIMITS, maxRecords: 2 };

    const result = await publishEntries(entries, { ...deps(client).deps, limits });

    // Attempt 1: [a,b] [c,d] [e], with a, c and e throttled. Attempt 2: [a,c] (a throttled again), then [e] denied.
    expect(client.calls.map((c) => c.map((e) => e.data))).toEqual([['a', 'b'], ['c', 'd'], ['e'], ['a', 'c'], ['e']]);
    expect(result.attempts).toBe(2);
    expect(result.failures).toEqual([
      { index: 0, errorCode: 'ProvisionedThroughputExceededException', errorMessage: 'Rate exceeded for shard shardId-000000000000' },
      { index: 4, errorCode: 'AccessDeniedException', errorMessage: 'AccessDeniedException from fake' },
    ]);
  });

  test('does not trust a response without one result per entry', async () => {
    let first = true;
    const real = new FakeKinesis();
    const client = {
      send: async (...args: Parameters<FakeKinesis['send']>) => {
        const output = await real.send(...args);
        if (first) {
          first = false;
          return { ...output, Records: output.Records!.slice(1) };
        }
        return output;
      },
    };

    const result = await publishEntries(entries, { client, streamName: 'out', sleep: async () => {}, random: () => 0 });

    expect(result).toEqual({ failures: [], attempts: 2 });
    expect(real.calls).toHaveLength(2);
    expect(real.calls[1]).toEqual(real.calls[0]);
  });

  test('ends with exactly the entries that kept failing, each sent once per attempt it needed', async () => {
    const scenario = fc.record({
      failCounts: fc.array(fc.nat({ max: 7 }), { minLength: 1, maxLength: 30 }),
      maxRecords: fc.integer({ min: 1, max: 8 }),
      maxAttempts: fc.integer({ min: 1, max: 6 }),
      wholeCallThrottles: fc.array(fc.boolean(), { maxLength: 40 }),
    });

    await fc.assert(fc.asyncProperty(scenario, async ({ failCounts, maxRecords, maxAttempts, wholeCallThrottles }) => {
      const client = new FakeKinesis(
        (data, attempt) => (attempt <= failCounts[Number(data)] ? throttled() : {}),
        (call) => (wholeCallThrottles[call] ? awsError('ThrottlingException') : undefined),
      );
      const { sleeps, sleep } = recordingSleep();
      const input = failCounts.map((_, i) => entry(i));

      const result = await publishEntries(input, {
        client,
        streamName: 'out',
        sleep,
        random: () => 0.5,
        retryPolicy: { ...DEFAULT_RETRY_POLICY, maxAttempts },
        limits: { ...PUT_RECORDS_LIMITS, maxRecords },
      });

      const accepted = (i: number) => client.accepted.filter((d) => d === String(i)).length;
      const stillFailing = input.map((_, i) => i).filter((i) => accepted(i) === 0);
      expect(result.failures.map((f) => f.index)).toEqual(stillFailing);
      for (const [i] of input.entries()) {
        // Nothing is sent again once Kinesis has accepted it.
        expect(accepted(i)).toBeLessThanOrEqual(1);
        expect(client.sendCount(String(i))).toBeLessThanOrEqual(result.attempts);
      }
      expect(result.attempts).toBeLessThanOrEqual(maxAttempts);
      expect(sleeps).toHaveLength(result.attempts - 1);
      if (result.failures.length > 0) {
        expect(result.attempts).toBe(maxAttempts);
      }
    }));
  });
});

