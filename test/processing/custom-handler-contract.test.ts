import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { seedEvent } from '../lambda-src/enrichment-processor/fixtures';
import { HandlerHarness, INPUT_STREAM, startHandlerHarness } from '../lambda-src/enrichment-processor/harness';
import { TEST_CREDENTIALS, TEST_REGION } from '../support/emulator';

/** The moto venv (test/support/install-emulators.sh) brings boto3, which the README's Python handler uses. */
const PYTHON = path.join(__dirname, '..', '..', '.emulators', 'moto', 'bin', 'python');
const OUTPUT_STREAM = 'python-enriched';

/** The Python handler the README shows under "Bring your own handler", exactly as printed there. */
function readmePythonHandler(): string {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('#### Bring your own handler'));
  const match = /```python\n([\s\S]*?)```/.exec(section);
  if (!match) {
    throw new Error('README.md has no Python handler under "Bring your own handler"');
  }
  return match[1];
}

let harness: HandlerHarness;
let handlerDir: string;

beforeAll(async () => {
  harness = await startHandlerHarness();
  await harness.kinesis.createStream(OUTPUT_STREAM, 1);
  handlerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'python-handler-'));
  fs.writeFileSync(path.join(handlerDir, 'app.py'), readmePythonHandler());
});

afterAll(async () => {
  await harness.stop();
  fs.rmSync(handlerDir, { recursive: true, force: true });
});

/**
 * Invokes the Python handler the way Lambda would, with the environment the construct gives it. Asynchronously: the
 * emulators run in this process and must keep answering while Python waits for them.
 */
async function invokePython(event: unknown): Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }> {
  const script = `import json, app; print(json.dumps(app.handler(json.loads(${JSON.stringify(JSON.stringify(event))}), None)))`;
  const { stdout } = await promisify(execFile)(PYTHON, ['-c', script], {
    cwd: handlerDir,
    maxBuffer: 16 * 1024 * 1024,
    env: {
      PATH: process.env.PATH,
      OUTPUT_STREAM_NAME: OUTPUT_STREAM,
      PARTITION_KEY_FIELD: 'user_id',
      AWS_ENDPOINT_URL_KINESIS: harness.kinesis.endpoint,
      AWS_REGION: TEST_REGION,
      AWS_DEFAULT_REGION: TEST_REGION,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    },
  });
  return JSON.parse(stdout);
}

describe('the README\'s Python handler honours the custom handler contract', () => {
  test('forwards each record and reports the first one it cannot handle, so Kinesis retries from there', async () => {
    const event = await harness.deliver([seedEvent(1), seedEvent(2), 'not json', seedEvent(4)]);
    expect(event.Records[0].eventSourceARN).toContain(INPUT_STREAM);

    const response = await invokePython(event);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[2].kinesis.sequenceNumber }] });
    const published = (await harness.kinesis.readAll(OUTPUT_STREAM)).map((r) => [r.partitionKey, r.json]);
    expect(published).toEqual([1, 2].map((i) => [seedEvent(i).user_id, { ...seedEvent(i), source: 'python' }]));
  });
});
