import type { CdkCustomResourceResponse, CloudFormationCustomResourceEvent } from 'aws-lambda';
import { createEvent, deleteEvent, resourceProperties, SAMPLE_CONFIGURATION } from './fixtures';

type Handler = (event: CloudFormationCustomResourceEvent) => Promise<CdkCustomResourceResponse>;

/** Loads the handler module afresh with `env` as the function's environment, as a cold start would. */
function coldStart(env: Record<string, string>): Handler {
  const saved = process.env;
  // POWERTOOLS_DEV sends the logger's lines to the global console, where the test reads them.
  process.env = { POWERTOOLS_DEV: 'true', ...env };
  try {
    let handler: Handler | undefined;
    jest.isolateModules(() => {
      handler = jest.requireActual<typeof import('../../../lambda-src/search-domain-access/index')>('../../../lambda-src/search-domain-access/index').handler;
    });
    return handler!;
  } finally {
    process.env = saved;
  }
}

/** Runs `body` with the logger's error lines captured, parsed from JSON. */
async function withErrorLines(body: (lines: () => Array<Record<string, unknown>>) => Promise<void>): Promise<void> {
  const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    await body(() => error.mock.calls.map(([line]) => JSON.parse(line as string)));
  } finally {
    error.mockRestore();
  }
}

// Only what needs no domain: every request the handler sends goes over https to the endpoint, which tests cannot reach.
describe('handler', () => {
  test('fails a Create with an invalid configuration, logging why', async () => {
    const handler = coldStart({ AWS_REGION: 'us-east-1' });
    const properties = resourceProperties({ ...SAMPLE_CONFIGURATION, builtInMappings: [{ role: 'all_access', backendRoles: [] }] });

    await withErrorLines(async (lines) => {
      await expect(handler(createEvent(properties))).rejects.toThrow('Configuration.builtInMappings[0].backendRoles must list at least one IAM role ARN');
      expect(lines()).toEqual([expect.objectContaining({
        level: 'ERROR',
        message: 'Security configuration not applied; CloudFormation reports the resource failed',
        requestType: 'Create',
        error: 'Configuration.builtInMappings[0].backendRoles must list at least one IAM role ARN',
      })]);
    });
  });

  test('succeeds a Delete whose properties are invalid, logging that nothing was removed', async () => {
    const handler = coldStart({ AWS_REGION: 'us-east-1' });
    const properties = { ...resourceProperties(SAMPLE_CONFIGURATION), Configuration: '' };

    await withErrorLines(async (lines) => {
      expect(await handler(deleteEvent(properties, 'security-configuration:x'))).toEqual({ PhysicalResourceId: 'security-configuration:x' });
      expect(lines()).toEqual([expect.objectContaining({
        level: 'ERROR',
        message: 'Security configuration NOT removed: its properties are invalid; whatever it applied stays on the domain',
      })]);
    });
  });

  test('fails its cold start without AWS_REGION', () => {
    expect(() => coldStart({})).toThrow('AWS_REGION is missing or empty');
  });
});
