import type { Context, FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { b64, DELIVERY_STREAM_ARN, enrichedSeedEvent, firehoseEvent, jsonData, recordId, utf8Of } from './fixtures';

type Handler = (event: FirehoseTransformationEvent, context: Context) => Promise<FirehoseTransformationResult>;

const CONTEXT: Context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'firehose-transformer',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:firehose-transformer',
  memoryLimitInMB: '256',
  awsRequestId: 'd7bf0bd7-8c72-11e6-9a41-93e812345678',
  logGroupName: '/aws/lambda/firehose-transformer',
  logStreamName: '2024/06/01/[$LATEST]abcdef',
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

/** Loads the handler module afresh with `env` added, as a cold start with that configuration would. */
function coldStart(env: Record<string, string>): Handler {
  const saved = process.env;
  // POWERTOOLS_DEV sends the logger's lines to the global console, where the test reads them.
  process.env = { ...saved, POWERTOOLS_DEV: 'true', ...env };
  try {
    let handler: Handler | undefined;
    jest.isolateModules(() => {
      handler = jest.requireActual<typeof import('../../../lambda-src/firehose-transformer/index')>('../../../lambda-src/firehose-transformer/index').handler;
    });
    return handler!;
  } finally {
    process.env = saved;
  }
}

/** The logger's JSON lines written through one console method. */
function logLines(spy: jest.SpyInstance): Array<Record<string, unknown>> {
  return spy.mock.calls.map(([line]) => JSON.parse(line as string));
}

describe('handler', () => {
  test('converts enriched seed events for the delivery stream, failing and logging only the records it cannot convert', async () => {
    const handler = coldStart({ FIELD_RENAMES: '{"timestamp":"event_timestamp"}', DROP_FIELDS: 'session_id' });
    const info = jest.spyOn(console, 'info').mockImplementation(() => undefined);
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const collision = jsonData(enrichedSeedEvent(2, { metadata_browser: 'top-level' }));
    const event = firehoseEvent([
      jsonData(enrichedSeedEvent(0)),
      b64(`${JSON.stringify(enrichedSeedEvent(1))}\n`),
      collision,
      b64('not json'),
      jsonData(enrichedSeedEvent(4)),
    ]);

    try {
      const response = await handler(event, CONTEXT);

      expect(response.records.map((r) => [r.recordId, r.result])).toEqual([
        [recordId(0), 'Ok'], [recordId(1), 'Ok'], [recordId(2), 'ProcessingFailed'], [recordId(3), 'ProcessingFailed'], [recordId(4), 'Ok'],
      ]);
      const expected = (i: number, device: string) => `${JSON.stringify({
        event_id: `evt-${i}`,
        event_type: i % 2 === 0 ? 'page_view' : 'click',
        event_timestamp: '2024-01-15T10:30:00Z',
        user_id: `user-${i % 3}`,
        page: `/products/${i}`,
        metadata_browser: 'firefox',
        metadata_device: device,
        processed_at: '2024-06-01T12:00:00.000Z',
      })}\n`;
      expect([0, 1, 4].map((i) => utf8Of(response.records[i].data!))).toEqual([expected(0, 'desktop'), expected(1, 'mobile'), expected(4, 'desktop')]);
      expect(response.records[2].data).toBe(collision);
      expect(response.records[3].data).toBe(event.records[3].data);

      expect(logLines(error)).toEqual([
        expect.objectContaining({
          level: 'ERROR',
          recordId: recordId(2),
          reason: 'flattening gives more than one field the name "metadata_browser"',
          function_request_id: CONTEXT.awsRequestId,
        }),
        expect.objectContaining({ level: 'ERROR', recordId: recordId(3), reason: 'record data is not valid JSON' }),
      ]);
      expect(logLines(info)).toEqual([expect.objectContaining({
        level: 'INFO',
        message: 'Records transformed',
        deliveryStreamArn: DELIVERY_STREAM_ARN,
        invocationId: event.invocationId,
        received: 5,
        Ok: 3,
        Dropped: 0,
        ProcessingFailed: 2,
        responseBytes: Buffer.byteLength(JSON.stringify(response)),
      })]);
    } finally {
      info.mockRestore();
      error.mockRestore();
    }
  });

  test('fails its cold start on a bad configuration, naming the variable', () => {
    expect(() => coldStart({ FLATTEN_NESTED: 'maybe' })).toThrow('FLATTEN_NESTED must be "true" or "false", got "maybe"');
  });
});
