import * as fc from 'fast-check';
import { awsError, entry, FakeClock, FaultyKinesis } from './fixtures';
import {
  backoffDelay,
  classifyRequestError,
  DEFAULT_BACKOFF,
  errorCode,
  PutRecordsClient,
  SendContext,
  sendWithRetries,
  THROTTLED_ENTRY_CODE,
} from '../../../lambda-src/cli/sender';
import { LoadStats } from '../../../lambda-src/cli/stats';
import { StreamTarget } from '../../../lambda-src/cli/stream';
import { PutEntry } from '../../../lambda-src/enrichment-processor/publish';

const THROTTLED = THROTTLED_ENTRY_CODE;
const STREAM: StreamTarget = { name: 'clicks' };

interface Harness {
  readonly context: SendContext;
  readonly stats: LoadStats;
  readonly clock: FakeClock;
  readonly stop: AbortController;
  readonly fatalErrors: unknown[];
}

function harness(client: PutRecordsClient, maxRetries = 5, stream = STREAM): Harness {
  const stats = new LoadStats();
  const clock = new FakeClock();
  const stop = new AbortController();
  const fatalErrors: unknown[] = [];
  const context: SendContext = {
    client,
    stream,
    policy: { maxRetries, ...DEFAULT_BACKOFF },
    stats,
    clock: clock.clock,
    sleep: clock.sleep,
    random: () => 0.5,
    stopSignal: stop.signal,
    onFatal: (error) => fatalErrors.push(error),
  };
  return { context, stats, clock, stop, fatalErrors };
}

function entries(count: number): PutEntry[] {
  return Array.from({ length: count }, (_, i) => entry(`r${i}`, `user-${i % 3}`));
}

/** Records made equals records settled, and every rejected attempt was either retried, failed or abandoned. */
function expectBalancedAccounting(stats: LoadStats, made: number): void {
  expect(stats.sent + stats.failed + stats.notSent).toBe(made);
  expect(stats.throttled + stats.otherRejections).toBe(stats.retries + stats.failed + stats.notSent);
}

describe('sendWithRetries', () => {
  test('sends a request once when Kinesis takes every entry, and times it', async () => {
    const kinesis = new FaultyKinesis();
    const { context, stats } = harness(kinesis);

    await sendWithRetries(entries(3), context);

    expect(kinesis.calls).toEqual([[
      { data: 'r0', partitionKey: 'user-0' }, { data: 'r1', partitionKey: 'user-1' }, { data: 'r2', partitionKey: 'user-2' },
    ]]);
    expect(kinesis.inputs[0].StreamName).toBe('clicks');
    expect(kinesis.inputs[0].StreamARN).toBeUndefined();
    expect(stats).toMatchObject({ sent: 3, sentBytes: 3 * 8, failed: 0, requests: 1, retries: 0 });
    expect(stats.latenciesMs).toHaveLength(1);
  });

  test('names the stream by ARN and by name when given an ARN', async () => {
    const kinesis = new FaultyKinesis();
    const arn = 'arn:aws:kinesis:us-east-1:123456789012:stream/clicks';

    await sendWithRetries(entries(1), harness(kinesis, 5, { name: 'clicks', arn, region: 'us-east-1' }).context);

    expect(kinesis.inputs[0]).toMatchObject({ StreamName: 'clicks', StreamARN: arn });
  });

  test('sends again only the rejected entries; throttled ones count as throttled, others as other rejections', async () => {
    const kinesis = new FaultyKinesis((data, attempt) => {
      if (attempt > 1) return undefined;
      return { r1: THROTTLED, r3: THROTTLED, r4: 'InternalFailure' }[data];
    });
    const { context, stats } = harness(kinesis);

    await sendWithRetries(entries(6), context);

    expect(kinesis.calls.map((call) => call.map((sent) => sent.data))).toEqual([['r0', 'r1', 'r2', 'r3', 'r4', 'r5'], ['r1', 'r3', 'r4']]);
    expect(kinesis.calls[1].map((sent) => sent.partitionKey)).toEqual(['user-1', 'user-0', 'user-1']);
    expect(stats).toMatchObject({ sent: 6, failed: 0, throttled: 2, otherRejections: 1, retries: 3, requests: 2, failedRequests: 0 });
    expect([...kinesis.accepted].sort()).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
    expectBalancedAccounting(stats, 6);
  });

  test('backs off exponentially with full jitter between attempts', async () => {
    const kinesis = new FaultyKinesis((_data, attempt) => (attempt <= 4 ? THROTTLED : undefined));
    const { context, clock } = harness(kinesis);

    await sendWithRetries(entries(1), context);

    // random() is 0.5: half of 100, 200, 400, 800 ms.
    expect(clock.sleeps).toEqual([50, 100, 200, 400]);
  });

  test('gives up on an entry after --max-retries resends: it counts as failed under its last error code', async () => {
    const kinesis = new FaultyKinesis((data) => (data === 'r0' ? THROTTLED : undefined));
    const { context, stats } = harness(kinesis, 3);

    await sendWithRetries(entries(2), context);

    expect(kinesis.timesSent('r0')).toBe(4);
    expect(kinesis.timesSent('r1')).toBe(1);
    expect(stats).toMatchObject({ sent: 1, failed: 1, throttled: 4, retries: 3, requests: 4 });
    expect([...stats.failuresByCode]).toEqual([[THROTTLED, 1]]);
    expectBalancedAccounting(stats, 2);
  });

  test('with --max-retries 0 a rejected entry fails at once', async () => {
    const kinesis = new FaultyKinesis((data) => (data === 'r1' ? 'InternalFailure' : undefined));
    const { context, stats, clock } = harness(kinesis, 0);

    await sendWithRetries(entries(2), context);

    expect(kinesis.calls).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
    expect(stats).toMatchObject({ sent: 1, failed: 1, otherRejections: 1, retries: 0 });
  });

  test('fails at once an entry whose error retrying does not cure, or that has no result', async () => {
    const kinesis = new FaultyKinesis((data) => (data === 'r0' ? 'KMSAccessDeniedException' : undefined));
    const { context, stats } = harness(kinesis);
    const noResults: PutRecordsClient = { send: async () => ({ FailedRecordCount: 0, Records: [], $metadata: {} }) };
    const second = harness(noResults);

    await sendWithRetries(entries(2), context);
    await sendWithRetries(entries(2), second.context);

    expect(kinesis.timesSent('r0')).toBe(1);
    expect([...stats.failuresByCode]).toEqual([['KMSAccessDeniedException', 1]]);
    expect([...second.stats.failuresByCode]).toEqual([['MissingResult', 2]]);
    expectBalancedAccounting(stats, 2);
  });

  test('sends a whole request again when it failed as a whole for a transient reason', async () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const kinesis = new FaultyKinesis(undefined, (call) => [reset, awsError('ServiceUnavailable', 503)][call]);
    const { context, stats } = harness(kinesis);

    await sendWithRetries(entries(3), context);

    expect(kinesis.calls.map((call) => call.length)).toEqual([3, 3, 3]);
    expect(stats).toMatchObject({ sent: 3, otherRejections: 6, throttled: 0, retries: 6, requests: 3, failedRequests: 2 });
    expect(stats.latenciesMs).toHaveLength(1);
    expectBalancedAccounting(stats, 3);
  });

  test('counts the entries of a throttled request as throttled', async () => {
    const kinesis = new FaultyKinesis(undefined, (call) => (call === 0 ? awsError('ThrottlingException', 400, { $retryable: { throttling: true } }) : undefined));
    const { context, stats } = harness(kinesis);

    await sendWithRetries(entries(4), context);

    expect(stats).toMatchObject({ sent: 4, throttled: 4, otherRejections: 0, retries: 4, failedRequests: 1 });
  });

  test('an error every request would hit fails the request\'s entries and stops the run, without a retry', async () => {
    const notFound = awsError('ResourceNotFoundException', 400);
    const kinesis = new FaultyKinesis(undefined, () => notFound);
    const { context, stats, fatalErrors } = harness(kinesis);

    await sendWithRetries(entries(3), context);

    expect(kinesis.calls).toHaveLength(1);
    expect(fatalErrors).toEqual([notFound]);
    expect([...stats.failuresByCode]).toEqual([['ResourceNotFoundException', 3]]);
    expectBalancedAccounting(stats, 3);
  });

  test('once stopped, abandons the retries: those entries count as not sent, and nothing is sent again', async () => {
    const kinesis = new FaultyKinesis((data) => (data === 'r2' || data === 'r3' ? THROTTLED : undefined));
    const { context, stats, stop } = harness(kinesis);
    stop.abort('SIGINT');

    await sendWithRetries(entries(4), context);

    expect(kinesis.calls).toHaveLength(1);
    expect(stats).toMatchObject({ sent: 2, notSent: 2, failed: 0, retries: 0, throttled: 2 });
    expectBalancedAccounting(stats, 4);
  });

  test('a stop during the backoff abandons the retry it was waiting for', async () => {
    const kinesis = new FaultyKinesis((data) => (data === 'r0' ? THROTTLED : undefined));
    const h = harness(kinesis);
    const sleep = h.context.sleep;
    const context = {
      ...h.context,
      sleep: async (ms: number, signal: AbortSignal) => {
        h.stop.abort('SIGTERM');
        await sleep(ms, signal);
      },
    };

    await sendWithRetries(entries(2), context);

    expect(kinesis.calls).toHaveLength(1);
    expect(h.stats).toMatchObject({ sent: 1, notSent: 1, retries: 0 });
  });

  test('whatever Kinesis answers, every entry is settled once and accepted at most once', async () => {
    const outcome = fc.constantFrom(undefined, undefined, THROTTLED, 'InternalFailure', 'KMSThrottlingException', 'KMSDisabledException');
    const callFailure = fc.constantFrom(undefined, undefined, undefined, 'ECONNRESET', 'ThrottlingException', 'InternalServerError');
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 4 }), fc.array(outcome, { minLength: 1 }), fc.array(callFailure, { minLength: 1 }),
      async (count, maxRetries, outcomes, failures) => {
        let draw = 0;
        const kinesis = new FaultyKinesis(
          () => outcomes[draw++ % outcomes.length],
          (call) => {
            const name = failures[call % failures.length];
            return name === undefined ? undefined : Object.assign(awsError(name, name === 'InternalServerError' ? 500 : 400), name === 'ECONNRESET' ? { code: name } : {});
          },
        );
        const { context, stats } = harness(kinesis, maxRetries);

        await sendWithRetries(entries(count), context);

        expectBalancedAccounting(stats, count);
        expect(new Set(kinesis.accepted).size).toBe(kinesis.accepted.length);
        expect(stats.sent).toBe(kinesis.accepted.length);
        expect(stats.requests).toBe(kinesis.calls.length);
        expect(stats.requests).toBeLessThanOrEqual(maxRetries + 1);
      },
    ));
  });
});

describe('backoffDelay', () => {
  test('draws from zero up to base times two to the retry, capped', () => {
    const policy = { maxRetries: 10, baseDelayMs: 100, maxDelayMs: 5000 };

    expect([1, 2, 3, 6, 7, 10].map((retry) => backoffDelay(retry, policy, () => 0.999))).toEqual([99, 199, 399, 3196, 4995, 4995]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
  });
});

describe('classifyRequestError', () => {
  test.each([
    ['ThrottlingException (400)', 'throttled', awsError('ThrottlingException', 400)],
    ['ProvisionedThroughputExceededException (400)', 'throttled', awsError('ProvisionedThroughputExceededException', 400)],
    ['LimitExceededException (400)', 'throttled', awsError('LimitExceededException', 400)],
    ['SomethingNew (429)', 'throttled', awsError('SomethingNew', 429)],
    ['SlowDown (503, $retryable throttling)', 'throttled', awsError('SlowDown', 503, { $retryable: { throttling: true } })],
    ['InternalFailure (500)', 'transient', awsError('InternalFailure', 500)],
    ['ServiceUnavailable (503)', 'transient', awsError('ServiceUnavailable', 503)],
    ['SomethingNew (502)', 'transient', awsError('SomethingNew', 502)],
    ['TimeoutError (0)', 'transient', awsError('TimeoutError', 0)],
    ['CustomRetryable (400, $retryable)', 'transient', awsError('CustomRetryable', 400, { $retryable: {} })],
    ['a network error ECONNREFUSED', 'transient', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['ResourceNotFoundException (400)', 'fatal', awsError('ResourceNotFoundException', 400)],
    ['AccessDeniedException (400)', 'fatal', awsError('AccessDeniedException', 400)],
    ['ValidationException (400)', 'fatal', awsError('ValidationException', 400)],
    ['no credentials', 'fatal', new Error('Could not load credentials from any providers')],
    ['a thrown string', 'fatal', 'a string'],
  ])('%s is %s', (_label, kind, error) => {
    expect(classifyRequestError(error)).toBe(kind);
  });
});

describe('errorCode', () => {
  test('is a network error\'s code, else the error\'s name', () => {
    expect(errorCode(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe('ECONNRESET');
    expect(errorCode(awsError('ResourceNotFoundException', 400))).toBe('ResourceNotFoundException');
    expect(errorCode(null)).toBe('UnknownError');
  });
});
