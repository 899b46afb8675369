import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import {
  BucketAnswer,
  createEvent,
  deleteEvent,
  resourceProperties,
  ResponseBucket,
  SAMPLE_CONFIGURATION,
  startResponseBucket,
  updateEvent,
} from './fixtures';
import {
  DEFAULT_ATTEMPT_TIMEOUT_MS,
  DEFAULT_RETRY_DELAYS_MS,
  isDeleteOfFailedCreate,
  MAX_BODY_IN_MESSAGE,
  MAX_RESPONSE_BYTES,
  Outcome,
  RESPONSE_SAFETY_MARGIN_MS,
  responseBody,
  sendResponse,
  withDeadline,
} from '../../../lambda-src/search-domain-access/respond';

const properties = resourceProperties(SAMPLE_CONFIGURATION);
const CURRENT_ID = 'security-configuration:vpc-clicks-abc123.us-east-1.es.amazonaws.com';
const LOG_STREAM = '2024/06/01/[$LATEST]abcdef';

const create = createEvent(properties);
const update = updateEvent(properties, properties, CURRENT_ID);
const remove = deleteEvent(properties, CURRENT_ID);

const echoed = (event: CloudFormationCustomResourceEvent) => ({
  StackId: event.StackId,
  RequestId: event.RequestId,
  LogicalResourceId: event.LogicalResourceId,
  NoEcho: false,
});

const failed = (error: unknown): Outcome => ({ status: 'FAILED', error });
const bytes = (document: unknown) => Buffer.byteLength(JSON.stringify(document));

describe('responseBody', () => {
  test('reports a success with its physical id and data, naming the log stream', () => {
    const outcome: Outcome = { status: 'SUCCESS', physicalResourceId: CURRENT_ID, data: { Endpoint: 'vpc-clicks' } };

    expect(responseBody(update, outcome, LOG_STREAM)).toStrictEqual({
      Status: 'SUCCESS',
      Reason: `See CloudWatch log stream ${LOG_STREAM}`,
      PhysicalResourceId: CURRENT_ID,
      ...echoed(update),
      Data: { Endpoint: 'vpc-clicks' },
    });
  });

  test('leaves out the reason without a log stream, and the data without data', () => {
    expect(responseBody(create, { status: 'SUCCESS', physicalResourceId: CURRENT_ID })).toStrictEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: CURRENT_ID,
      ...echoed(create),
    });
  });

  test('defaults a success\'s physical id to the request\'s id on Create and to the current id otherwise', () => {
    expect(responseBody(create, { status: 'SUCCESS' }).PhysicalResourceId).toBe(create.RequestId);
    expect(responseBody(update, { status: 'SUCCESS' }).PhysicalResourceId).toBe(CURRENT_ID);
    expect(responseBody(remove, { status: 'SUCCESS' }).PhysicalResourceId).toBe(CURRENT_ID);
  });

  test('reports a failure with its error message, keeping the current physical id of an Update or Delete', () => {
    for (const event of [update, remove]) {
      expect(responseBody(event, failed(new Error('PUT /roles answered 500')), LOG_STREAM)).toStrictEqual({
        Status: 'FAILED',
        Reason: 'PUT /roles answered 500',
        PhysicalResourceId: CURRENT_ID,
        ...echoed(event),
      });
    }
  });

  test('makes up a physical id for a failed Create, which its rollback Delete is recognised by', () => {
    const body = responseBody(create, failed(new Error('invalid')));

    expect(body.PhysicalResourceId).toBe(`SearchDomainSecurityConfiguration-failed-${create.RequestId}`);
    const rollback = { ...deleteEvent(properties, body.PhysicalResourceId), RequestId: 'another-request' };
    expect(isDeleteOfFailedCreate(rollback)).toBe(true);
    expect(isDeleteOfFailedCreate(remove)).toBe(false);
    expect(isDeleteOfFailedCreate(updateEvent(properties, properties, body.PhysicalResourceId))).toBe(false);
    expect(isDeleteOfFailedCreate({ ...rollback, LogicalResourceId: 'OtherResource' })).toBe(false);
  });

  test('reports what was thrown when it is not an Error', () => {
    expect(responseBody(update, failed('socket closed')).Reason).toBe('socket closed');
  });

  test('cuts a long reason so that the document stays under CloudFormation\'s limit and valid JSON', () => {
    // Quotes and line breaks grow when escaped, and 'é' takes two bytes: the limit is on the escaped UTF-8.
    const message = 'Role "clicks_writer" rejected: é\n'.repeat(1_000);

    const body = responseBody(create, failed(new Error(message)));

    expect(bytes(body)).toBeLessThan(MAX_RESPONSE_BYTES);
    expect(bytes(body)).toBeGreaterThan(MAX_RESPONSE_BYTES - 10);
    expect(JSON.parse(JSON.stringify(body))).toEqual(body);
    expect(body.Reason).toMatch(/…$/);
    expect(message.startsWith(body.Reason!.slice(0, -1))).toBe(true);
  });

  test('keeps a reason that just fits whole, and cuts one a byte longer', () => {
    const room = MAX_RESPONSE_BYTES - 1 - bytes(responseBody(update, failed(new Error(''))));

    const fits = responseBody(update, failed(new Error('x'.repeat(room))));
    const over = responseBody(update, failed(new Error('x'.repeat(room + 1))));

    expect(fits.Reason).toBe('x'.repeat(room));
    expect(bytes(fits)).toBe(MAX_RESPONSE_BYTES - 1);
    expect(over.Reason).toMatch(/^x+…$/);
    expect(bytes(over)).toBeLessThan(MAX_RESPONSE_BYTES);
  });

  test('never splits a character made of a surrogate pair', () => {
    const body = responseBody(create, failed(new Error('🔥'.repeat(2_000))));

    expect(body.Reason).toMatch(/^(🔥)+…$/u);
    expect(bytes(body)).toBeLessThan(MAX_RESPONSE_BYTES);
  });
});

describe('sendResponse', () => {
  let bucket: ResponseBucket | undefined;

  afterEach(async () => {
    await bucket?.close();
    bucket = undefined;
  });

  async function start(answers: BucketAnswer[] = []): Promise<ResponseBucket> {
    bucket = await startResponseBucket(answers);
    return bucket;
  }

  const success = responseBody(update, { status: 'SUCCESS', physicalResourceId: CURRENT_ID }, LOG_STREAM);

  test('leaves time for every attempt to time out within the safety margin', () => {
    const worstCase = DEFAULT_ATTEMPT_TIMEOUT_MS * (DEFAULT_RETRY_DELAYS_MS.length + 1) + DEFAULT_RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);

    expect(worstCase).toBeLessThan(RESPONSE_SAFETY_MARGIN_MS);
  });

  test('PUTs the document to the pre-signed URL without a content type, as S3 signed it', async () => {
    const { responseUrl, received, documents } = await start();

    await sendResponse(responseUrl, success);

    expect(received).toEqual([expect.objectContaining({ method: 'PUT', url: responseUrl.slice(responseUrl.indexOf('/cloudformation-response')) })]);
    expect(received[0].headers['content-type']).toBe('');
    expect(received[0].headers['content-length']).toBe(String(Buffer.byteLength(received[0].body)));
    expect(documents()).toEqual([success]);
  });

  test.each([
    ['Create', create, `SearchDomainSecurityConfiguration-failed-${create.RequestId}`],
    ['Update', update, CURRENT_ID],
    ['Delete', remove, CURRENT_ID],
  ])('delivers a failed %s', async (_type, event, physicalResourceId) => {
    const { responseUrl, documents } = await start();

    await sendResponse(responseUrl, responseBody(event, failed(new Error('domain unreachable'))));

    expect(documents()).toEqual([{ Status: 'FAILED', Reason: 'domain unreachable', PhysicalResourceId: physicalResourceId, ...echoed(event) }]);
  });

  test('delivers a failure with a huge message cut to fit', async () => {
    const { responseUrl, received, documents } = await start();

    await sendResponse(responseUrl, responseBody(create, failed(new Error('stack trace line\n'.repeat(5_000)))));

    expect(Number(received[0].headers['content-length'])).toBeLessThan(MAX_RESPONSE_BYTES);
    expect(documents()).toEqual([expect.objectContaining({ Status: 'FAILED', Reason: expect.stringMatching(/^stack trace line\n.*…$/s) })]);
  });

  test('retries a 5xx and a dropped connection, telling of each retry, until one is delivered', async () => {
    const { responseUrl, documents } = await start([{ status: 500, body: '<Error><Code>InternalError</Code></Error>' }, 'drop']);
    const retries: Array<[string, number]> = [];

    await sendResponse(responseUrl, success, { retryDelaysMs: [1, 2, 3], onRetry: (reason, delayMs) => retries.push([reason, delayMs]) });

    expect(documents()).toEqual([success, success, success]);
    expect(retries).toEqual([
      ['answered 500: <Error><Code>InternalError</Code></Error>', 1],
      [expect.stringMatching(/^failed: /), 2],
    ]);
  });

  test('fails at once on a 4xx, with its status and body but not the URL\'s signature', async () => {
    const { responseUrl, received } = await start([{ status: 403, body: '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>' }]);
    const onRetry = jest.fn();

    const sent = sendResponse(responseUrl, success, { retryDelaysMs: [1, 1], onRetry });

    await expect(sent).rejects.toThrow(
      `Response to CloudFormation not delivered: PUT to ${new URL(responseUrl).host} answered 403: <Error><Code>AccessDenied</Code><Message>Request has expired`,
    );
    await expect(sent).rejects.not.toThrow('secret-signature');
    expect(received).toHaveLength(1);
    expect(onRetry).not.toHaveBeenCalled();
  });

  test('gives up after one attempt more than there are retry delays, naming the last status', async () => {
    const { responseUrl, received } = await start([{ status: 503 }, { status: 503 }, { status: 503 }]);

    await expect(sendResponse(responseUrl, success, { retryDelaysMs: [1, 1] })).rejects.toThrow(/answered 503 \(gave up after 3 attempts\)$/);
    expect(received).toHaveLength(3);
  });

  test('cuts a long body in its error message', async () => {
    const { responseUrl } = await start([{ status: 400, body: 'x'.repeat(5_000) }]);

    await expect(sendResponse(responseUrl, success)).rejects.toThrow(new RegExp(`answered 400: x{${MAX_BODY_IN_MESSAGE}}…$`));
  });

  test('times out an attempt that gets no answer, and retries it', async () => {
    const { responseUrl, received } = await start(['hang', 'hang']);

    await expect(sendResponse(responseUrl, success, { attemptTimeoutMs: 20, retryDelaysMs: [1] })).rejects.toThrow(
      'failed: no response within 20 ms (gave up after 2 attempts)',
    );
    expect(received).toHaveLength(2);
  });

  test('rejects a URL that is neither https nor http', async () => {
    await expect(sendResponse('ftp://example.com/response', success)).rejects.toThrow('Response URL has protocol ftp:; only https: and http: are supported');
  });
});

describe('withDeadline', () => {
  const after = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

  test('settles as the work does when it finishes first, clearing its timer', async () => {
    const started = jest.spyOn(global, 'setTimeout');
    const cleared = jest.spyOn(global, 'clearTimeout');
    const deadlineTimers = () => started.mock.calls.flatMap(([, ms], i) => (ms === 10_000 ? [started.mock.results[i].value] : []));
    try {
      await expect(withDeadline(after(20, 'applied'), 10_000)).resolves.toBe('applied');
      await expect(withDeadline(Promise.reject(new Error('PUT /roles answered 500')), 10_000)).rejects.toThrow('PUT /roles answered 500');

      expect(deadlineTimers()).toHaveLength(2);
      for (const timer of deadlineTimers()) {
        expect(cleared).toHaveBeenCalledWith(timer);
      }
    } finally {
      started.mockRestore();
      cleared.mockRestore();
    }
  });

  test('rejects when the deadline comes first', async () => {
    const never = new Promise<string>(() => undefined);

    await expect(withDeadline(never, 20)).rejects.toThrow("Timed out before the function's deadline: not done after 20 ms");
  });

  test('rejects at once when the deadline has already passed', async () => {
    await expect(withDeadline(new Promise(() => undefined), -5)).rejects.toThrow("Timed out before the function's deadline: not done after 0 ms");
  });
});
