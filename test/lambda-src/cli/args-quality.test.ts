import { Command, parseCommandLine, UsageError } from '../../../lambda-src/cli/args';

function parse(argv: string[], env: Record<string, string> = {}): Command {
  return parseCommandLine(argv, env);
}

/** The UsageError a command line gets, as its message and where it points for help. */
function refusal(argv: string[], env: Record<string, string> = {}): { message: string; helpHint: string } {
  let thrown: unknown;
  try {
    parse(argv, env);
  } catch (error) {
    thrown = error;
  }
  if (!(thrown instanceof UsageError)) {
    throw new Error(`no UsageError for ${argv.join(' ')}: ${String(thrown)}`);
  }
  return { message: thrown.message, helpHint: thrown.helpHint };
}

describe('parseCommandLine: quality', () => {
  const SEED_COLUMNS = { idColumn: 'event_id', timestampColumn: 'event_timestamp', requiredColumns: ['event_id', 'event_type', 'event_timestamp', 'user_id'] };

  test('defaults to the seed schema\'s columns as the data lake names them, and the seed\'s day', () => {
    expect(parse(['quality', '--path', './lake'])).toEqual({
      kind: 'quality',
      options: { path: { kind: 'local', path: './lake' }, notBefore: '2024-01-01', ...SEED_COLUMNS, region: undefined, endpointUrl: undefined },
    });
  });

  test('reads every quality option, for an S3 path', () => {
    const command = parse([
      'quality', '--path', 's3://my-lake/events/', '--not-before', '2025-02-28', '--id-column', 'order_id', '--timestamp-column=placed_at',
      '--required-columns', 'order_id,_customer,line2', '--region', 'eu-west-1', '--endpoint-url', 'http://127.0.0.1:4569',
    ]);

    expect(command).toEqual({
      kind: 'quality',
      options: {
        path: { kind: 's3', uri: 's3://my-lake/events/', bucket: 'my-lake', prefix: 'events/' },
        notBefore: '2025-02-28',
        idColumn: 'order_id',
        timestampColumn: 'placed_at',
        requiredColumns: ['order_id', '_customer', 'line2'],
        region: 'eu-west-1',
        endpointUrl: 'http://127.0.0.1:4569',
      },
    });
  });

  test('takes the S3 endpoint from AWS_ENDPOINT_URL_S3 unless --endpoint-url is given, and only for an S3 path', () => {
    const env = { AWS_ENDPOINT_URL_S3: 'http://localhost:4569' };
    const endpoint = (argv: string[], given = env) => {
      const command = parse(['quality', ...argv], given);
      return command.kind === 'quality' && command.options.endpointUrl;
    };

    expect(endpoint(['--path', 's3://lake'])).toBe('http://localhost:4569');
    expect(endpoint(['--path', 's3://lake', '--endpoint-url', 'https://s3.example.com'])).toBe('https://s3.example.com');
    expect(endpoint(['--path', 'lake'])).toBeUndefined();
    expect(endpoint(['--path', 's3://lake'], { AWS_ENDPOINT_URL_S3: '' })).toBeUndefined();
    expect(refusal(['quality', '--path', 's3://lake'], { AWS_ENDPOINT_URL_S3: 'minio' }).message)
      .toBe('invalid AWS_ENDPOINT_URL_S3 "minio": allowed is an http:// or https:// URL');
  });

  test('asks for help with quality', () => {
    expect(parse(['quality', '--help'])).toEqual({ kind: 'help', command: 'quality' });
    expect(parse(['quality', '--path', 's3://NO', '-h'])).toEqual({ kind: 'help', command: 'quality' });
  });

  const COLUMN = 'a column name (lower-case letters, digits and underscores, not starting with a digit, as Glue names columns)';

  test.each([
    [['quality'], 'missing --path: allowed is a local folder or Parquet file, or s3://<bucket>/<prefix>'],
    [['quality', '--path', 'lake', '--stream', 'x'],
      'unknown option --stream: allowed are --path, --not-before, --id-column, --timestamp-column, --required-columns, --region, --endpoint-url, --help'],
    [['quality', '--path', 'lake', 'more'], 'unexpected argument "more": quality takes options only'],
    [['quality', '--path', 'a', '--path', 'b'], '--path given twice ("a", "b"): allowed is once'],
    [['quality', '--path', '--not-before', '2024-01-01'], '--path needs a value: allowed is a local folder or Parquet file, or s3://<bucket>/<prefix>'],
    [['quality', '--path='], 'invalid --path "": allowed is a local folder or Parquet file, or s3://<bucket>/<prefix>'],
    [['quality', '--path', 's3://Lake/x'], 'invalid --path "s3://Lake/x": allowed is a local folder or Parquet file, or s3://<bucket>/<prefix>'],
    [['quality', '--path', 's3:lake'], 'invalid --path "s3:lake": allowed is a local folder or Parquet file, or s3://<bucket>/<prefix>'],
    [['quality', '--path', 'lake', '--not-before', '2024-02-30'], 'invalid --not-before "2024-02-30": allowed is a calendar date as YYYY-MM-DD, e.g. 2024-01-01'],
    [['quality', '--path', 'lake', '--not-before', '1/1/2024'], 'invalid --not-before "1/1/2024": allowed is a calendar date as YYYY-MM-DD, e.g. 2024-01-01'],
    [['quality', '--path', 'lake', '--id-column', 'Event_Id'], `invalid --id-column "Event_Id": allowed is ${COLUMN}`],
    [['quality', '--path', 'lake', '--id-column='], `invalid --id-column "": allowed is ${COLUMN}`],
    [['quality', '--path', 'lake', '--timestamp-column', '1st'], `invalid --timestamp-column "1st": allowed is ${COLUMN}`],
    [['quality', '--path', 'lake', '--required-columns', 'a,,b'], `invalid --required-columns "a,,b": allowed is a comma-separated list, each ${COLUMN}`],
    [['quality', '--path', 'lake', '--required-columns='], `invalid --required-columns "": allowed is a comma-separated list, each ${COLUMN}`],
    [['quality', '--path', 'lake', '--required-columns', 'a, b'], `invalid --required-columns "a, b": allowed is a comma-separated list, each ${COLUMN}`],
    [['quality', '--path', 's3://lake', '--region', 'Frankfurt'], 'invalid --region "Frankfurt": allowed is an AWS region code such as us-east-1'],
    [['quality', '--path', 's3://lake', '--endpoint-url', 'localhost:4569'], 'invalid --endpoint-url "localhost:4569": allowed is an http:// or https:// URL'],
    [['quality', '--path', './lake', '--region', 'eu-west-1'], 'invalid --region "eu-west-1": --path "./lake" is local; allowed is an s3:// --path or no --region'],
    [['quality', '--path', './lake', '--endpoint-url', 'http://localhost:4569'],
      'invalid --endpoint-url "http://localhost:4569": --path "./lake" is local; allowed is an s3:// --path or no --endpoint-url'],
  ])('%j is refused: %s', (argv, message) => {
    expect(refusal(argv)).toEqual({ message, helpHint: 'cdk-streaming-pipeline quality --help' });
  });
});
