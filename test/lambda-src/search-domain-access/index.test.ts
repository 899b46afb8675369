import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
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
import type { handleEvent } from '../../../lambda-src/search-domain-access/apply';
import { RESPONSE_SAFETY_MARGIN_MS } from '../../../lambda-src/search-domain-access/respond';

type Handler = (event: CloudFormationCustomResourceEvent, context: Context) => Promise<void>;

const APPLY_MODULE = '../../../lambda-src/search-domain-access/apply';
const LOG_STREAM = '2024/06/01/[$LATEST]abcdef';

const lambdaContext = (remainingMs = 300_000): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'search-domain-access',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:search-domain-access',
  memoryLimitInMB: '256',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: '/aws/lambda/search-domain-access',
  logStreamName: LOG_STREAM,
  getRemainingTimeInMillis: () => remainingMs,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/**
 * Loads the handler module afresh with `env` as the function's environment, as a cold start would; with `applyEvent`,
 * in place of the real `handleEvent`, for what cannot happen without a domain.
 */
function coldStart(env: Record<string, string>, applyEvent?: typeof handleEvent): Handler {
  const saved = process.env;
  // POWERTOOLS_DEV sends the logger's lines to the global console, where the test reads them.
  process.env = { POWERTOOLS_DEV: 'true', ...env };
  try {
    let handler: Handler | undefined;
    jest.isolateModules(() => {
      if (applyEvent !== undefined) {
        jest.doMock(APPLY_MODULE, () => ({ ...jest.requireActual(APPLY_MODULE), handleEvent: applyEvent }));
      }
      handler = jest.requireActual<typeof import('../../../lambda-src/search-domain-access/index')>('../../../lambda-src/search-domain-access/index').handler;
    });
    return handler!;
  } finally {
    jest.dontMock(APPLY_MODULE);
    process.env = saved;
  }
}

/** Runs `body` with the logger's lines captured, parsed from JSON, in the order they were written. */
async function withLogLines(body: (lines: (level?: string) => Array<Record<string, unknown>>) => Promise<void>): Promise<void> {
  const written: Array<Record<string, unknown>> = [];
  const spies = (['info', 'warn', 'error'] as const).map((method) =>
    jest.spyOn(console, method).mockImplementation((line: string) => {
      written.push(JSON.parse(line));
    }),
  );
  try {
    await body((level) => written.filter((line) => level === undefined || line.level === level));
  } finally {
    spies.forEach((spy) => spy.mockRestore());
  }
}

let bucket: ResponseBucket | undefined;

afterEach(async () => {
  await bucket?.close();
  bucket = undefined;
});

/** Starts the bucket CloudFormation reads responses from, and points `event` at it. */
async function answeredAt(event: CloudFormationCustomResourceEvent, answers: BucketAnswer[] = []): Promise<CloudFormationCustomResourceEvent> {
  bucket = await startResponseBucket(answers);
  return { ...event, ResponseURL: bucket.responseUrl };
}

const echoed = (event: CloudFormationCustomResourceEvent) => ({
  StackId: event.StackId,
  RequestId: event.RequestId,
  LogicalResourceId: event.LogicalResourceId,
  NoEcho: false,
});

describe('handler', () => {
  // Without a stand-in for handleEvent, only what needs no domain: every request it sends goes over https to the endpoint,
  // which tests cannot reach.
  test('reports a Create with an invalid configuration failed, logging why, and resolves', async () => {
    const handler = coldStart({ AWS_REGION: 'us-east-1' });
    const properties = resourceProperties({ ...SAMPLE_CONFIGURATION, builtInMappings: [{ role: 'all_access', backendRoles: [] }] });
    const event = await answeredAt(createEvent(properties));

    await withLogLines(async (lines) => {
      await expect(handler(event, lambdaContext())).resolves.toBeUndefined();
      expect(lines('ERROR')).toEqual([expect.objectContaining({
        message: 'Security configuration not applied; CloudFormation reports the resource failed',
        requestType: 'Create',
        error: 'Configuration.builtInMappings[0].backendRoles must list at least one IAM role ARN',
      })]);
      expect(lines('INFO')).toEqual([expect.objectContaining({
        message: 'Outcome reported to CloudFormation',
        status: 'FAILED',
        function_request_id: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
      })]);
    });
    expect(bucket!.received).toEqual([expect.objectContaining({ method: 'PUT', url: new URL(event.ResponseURL).pathname + new URL(event.ResponseURL).search })]);
    expect(bucket!.documents()).toEqual([{
      Status: 'FAILED',
      Reason: 'Configuration.builtInMappings[0].backendRoles must list at least one IAM role ARN',
      PhysicalResourceId: `SearchDomainSecurityConfiguration-failed-${event.RequestId}`,
      ...echoed(event),
    }]);
  });

  test('reports a Delete whose properties are invalid succeeded, logging that nothing was removed', async () => {
    const handler = coldStart({ AWS_REGION: 'us-east-1' });
    const event = await answeredAt(deleteEvent({ ...resourceProperties(SAMPLE_CONFIGURATION), Configuration: '' }, 'security-configuration:x'));

    await withLogLines(async (lines) => {
      await handler(event, lambdaContext());
      expect(lines('ERROR')).toEqual([expect.objectContaining({
        message: 'Security configuration NOT removed: its properties are invalid; whatever it applied stays on the domain',
      })]);
    });
    expect(bucket!.documents()).toEqual([{
      Status: 'SUCCESS',
      Reason: `See CloudWatch log stream ${LOG_STREAM}`,
      PhysicalResourceId: 'security-configuration:x',
      ...echoed(event),
    }]);
  });

  test('reports the Delete that rolls back a failed Create succeeded, without trying to remove anything', async () => {
    const handler = coldStart({ AWS_REGION: 'us-east-1' });
    const failedId = `SearchDomainSecurityConfiguration-failed-${createEvent({}).RequestId}`;
    // Invalid properties: had the handler tried to remove the configuration, it would have logged an error.
    const event = await answeredAt({
      ...deleteEvent({ ...resourceProperties(SAMPLE_CONFIGURATION), Configuration: '' }, failedId),
      RequestId: 'b4c1d2e3-0000-4000-8000-000000000002',
    });

    await withLogLines(async (lines) => {
      await handler(event, lambdaContext());
      expect(lines('ERROR')).toEqual([]);
      expect(lines('INFO')[0]).toEqual(expect.objectContaining({ message: 'Nothing removed: this Delete rolls back a Create that failed', physicalResourceId: failedId }));
    });
    expect(bucket!.documents()).toEqual([expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: failedId, RequestId: event.RequestId })]);
  });

  test('reports the physical id handleEvent returns for a Create', async () => {
    const handler = coldStart({ AWS_REGION: 'us-east-1' }, async () => ({ PhysicalResourceId: 'security-configuration:vpc-clicks' }));
    const event = await answeredAt(createEvent(resourceProperties(SAMPLE_CONFIGURATION)));

    await withLogLines(async () => handler(event, lambdaContext()));

    expect(bucket!.documents()).toEqual([expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: 'security-configuration:vpc-clicks' })]);
  });

  test('reports an Update failed when it outlasts the time kept back for answering, and resolves', async () => {
    const handler = coldStart({ AWS_REGION: 'us-east-1' }, () => new Promise(() => undefined));
    const properties = resourceProperties(SAMPLE_CONFIGURATION);
    const event = await answeredAt(updateEvent(properties, properties, 'security-configuration:x'));

    await withLogLines(async (lines) => {
      await expect(handler(event, lambdaContext(RESPONSE_SAFETY_MARGIN_MS + 20))).resolves.toBeUndefined();
      expect(lines('INFO')).toEqual([expect.objectContaining({
        message: 'Outcome reported to CloudFormation',
        status: 'FAILED',
        reason: "Timed out before the function's deadline: not done after 20 ms",
      })]);
    });
    expect(bucket!.documents()).toEqual([{
      Status: 'FAILED',
      Reason: "Timed out before the function's deadline: not done after 20 ms",
      PhysicalResourceId: 'security-configuration:x',
      ...echoed(event),
    }]);
  });

  test('rejects, logging why, when the response cannot be delivered', async () => {
    const handler = coldStart({ AWS_REGION: 'us-east-1' }, async () => ({ PhysicalResourceId: 'security-configuration:x' }));
    const event = await answeredAt(createEvent(resourceProperties(SAMPLE_CONFIGURATION)), [{ status: 403, body: 'Request has expired' }]);

    await withLogLines(async (lines) => {
      await expect(handler(event, lambdaContext())).rejects.toThrow('answered 403: Request has expired');
      expect(lines('ERROR')).toEqual([expect.objectContaining({
        message: 'CloudFormation not told the outcome; it waits for the resource until its own timeout',
        status: 'SUCCESS',
        error: expect.stringContaining('answered 403: Request has expired'),
      })]);
    });
    expect(bucket!.received).toHaveLength(1);
  });

  test('fails its cold start without AWS_REGION', () => {
    expect(() => coldStart({})).toThrow('AWS_REGION is missing or empty');
  });
});
