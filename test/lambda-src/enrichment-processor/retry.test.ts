import * as fc from 'fast-check';
import { awsError, recordingSleep } from './fixtures';
import {
  attemptInGroups,
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  ItemFailure,
  isRetriable,
  retryUndone,
} from '../../../lambda-src/enrichment-processor/retry';

describe('backoffDelay', () => {
  const almostOne = () => 0.999999;

  test('grows exponentially up to the cap', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 7, 8].map((retry) => backoffDelay(retry, DEFAULT_RETRY_POLICY, almostOne));

    expect(ceilings).toEqual([99, 199, 399, 799, 1599, 3199, 4999, 4999]);
  });

  test('draws uniformly below the ceiling (full jitter)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 30 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (retry, r) => {
      const delay = backoffDelay(retry, DEFAULT_RETRY_POLICY, () => r);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(Math.min(DEFAULT_RETRY_POLICY.maxDelayMs, DEFAULT_RETRY_POLICY.baseDelayMs * 2 ** (retry - 1)));
    }));
  });
});

describe('isRetriable', () => {
  test.each([
    awsError('ProvisionedThroughputExceededException'),
    awsError('ThrottlingException'),
    awsError('KMSThrottlingException'),
    awsError('InternalFailure'),
    awsError('SomethingNew', { $metadata: { httpStatusCode: 503 } }),
    awsError('SomethingThrottled', { $retryable: { throttling: true } }),
    Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    Object.assign(new Error('timed out'), { name: 'TimeoutError' }),
  ])('retries %p', (err) => {
    expect(isRetriable(err)).toBe(true);
  });

  test.each([
    awsError('ResourceNotFoundException'),
    awsError('AccessDeniedException'),
    awsError('ValidationException'),
    awsError('KMSDisabledException'),
    new TypeError('bug'),
    'not an error',
  ])('does not retry %p', (err) => {
    expect(isRetriable(err)).toBe(false);
  });
});

describe('retryUndone', () => {
  test('repeats only the undone items, with a backoff before each retry, up to the attempt limit', async () => {
    const { sleeps, sleep } = recordingSleep();
    const seen: string[][] = [];

    const result = await retryUndone(['a', 'b', 'c'], async (pending) => {
      seen.push([...pending]);
      return { retry: pending.filter((item) => item !== 'a' && seen.length < 9) };
    }, { sleep, random: () => 0.5, retryPolicy: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 } });

    expect(seen).toEqual([['a', 'b', 'c'], ['b', 'c'], ['b', 'c']]);
    expect(result).toEqual({ remaining: ['b', 'c'], attempts: 3 });
    expect(sleeps).toEqual([50, 100]);
  });

  test('stops at once when an attempt gives up, returning the retriable and the given-up items', async () => {
    const { sleeps, sleep } = recordingSleep();

    const result = await retryUndone([1, 2, 3], async () => ({ retry: [1], giveUp: [3] }), { sleep, random: () => 0.5 });

    expect(result).toEqual({ remaining: [1, 3], attempts: 1 });
    expect(sleeps).toEqual([]);
  });

  test('makes one attempt even when the policy allows none', async () => {
    const result = await retryUndone(['x'], async (pending) => ({ retry: pending }), {
      sleep: async () => {}, random: () => 0, retryPolicy: { maxAttempts: 0, baseDelayMs: 1, maxDelayMs: 1 },
    });

    expect(result).toEqual({ remaining: ['x'], attempts: 1 });
  });
});

describe('attemptInGroups', () => {
  test('collects retriable items and records the error of a group whose request threw', async () => {
    const lastError = new Map<string, ItemFailure>();

    const outcome = await attemptInGroups([['a', 'b'], ['c'], ['d']], async (group) => {
      if (group.includes('c')) {
        throw awsError('ThrottlingException');
      }
      return group.filter((item) => item === 'b');
    }, lastError, 2);

    expect(outcome).toEqual({ retry: ['b', 'c'] });
    expect(lastError.get('c')).toEqual({ errorCode: 'ThrottlingException', errorMessage: 'ThrottlingException from fake' });
  });

  test('gives up on the failing group and every group not yet sent after a non-retriable error', async () => {
    const lastError = new Map<string, ItemFailure>();
    const sent: string[][] = [];

    const outcome = await attemptInGroups([['a'], ['b'], ['c'], ['d']], async (group) => {
      sent.push([...group]);
      if (group[0] === 'b') {
        throw awsError('ResourceNotFoundException');
      }
      return [];
    }, lastError, 2);

    expect(sent).toEqual([['a'], ['b']]);
    expect(outcome).toEqual({ retry: [], giveUp: ['b', 'c', 'd'] });
    expect([...lastError.keys()].sort()).toEqual(['b', 'c', 'd']);
    expect(lastError.get('d')!.errorCode).toBe('ResourceNotFoundException');
  });
});
