import { Command, parseCommandLine, UsageError } from '../../../lambda-src/cli/args';

const REQUIRED = ['--stream', 'clicks', '--rate', '100', '--duration', '30s'];
const ARN = 'arn:aws:kinesis:eu-west-1:123456789012:stream/clicks';

function parse(argv: string[], env: Record<string, string> = {}): Command {
  return parseCommandLine(argv, env);
}

function usageError(argv: string[], env: Record<string, string> = {}): UsageError {
  try {
    parse(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error(`no error for ${argv.join(' ')}`);
}

describe('parseCommandLine', () => {
  test('reads every load option', () => {
    const command = parse([
      'load', '--stream', 'clicks', '--rate', '10000', '--duration', '10m', '--template', 'event.json', '--partition-keys', '50',
      '--max-retries', '0', '--region', 'eu-central-1', '--endpoint-url=http://127.0.0.1:4567',
    ]);

    expect(command).toEqual({
      kind: 'load',
      options: {
        stream: { name: 'clicks' },
        ratePerSecond: 10000,
        durationMs: 600_000,
        durationText: '10m',
        templatePath: 'event.json',
        partitionKeys: 50,
        maxRetries: 0,
        region: 'eu-central-1',
        endpointUrl: 'http://127.0.0.1:4567',
      },
    });
  });

  test('defaults to the seed event, 1,000 users, 5 retries, and the SDK region and endpoint', () => {
    expect(parse(['load', ...REQUIRED])).toEqual({
      kind: 'load',
      options: {
        stream: { name: 'clicks' },
        ratePerSecond: 100,
        durationMs: 30_000,
        durationText: '30s',
        templatePath: undefined,
        partitionKeys: 1000,
        maxRetries: 5,
        region: undefined,
        endpointUrl: undefined,
      },
    });
  });

  test('takes options in any order, before or after the command', () => {
    const command = parse(['--rate', '100', 'load', '--duration', '30s', '--stream', 'clicks']);
    expect(command.kind === 'load' && command.options.ratePerSecond).toBe(100);
  });

  test('takes the region of a stream ARN, and --region only when it agrees', () => {
    const expected = { name: 'clicks', arn: ARN, region: 'eu-west-1' };
    for (const extra of [[], ['--region', 'eu-west-1']]) {
      const command = parse(['load', '--stream', ARN, '--rate', '1', '--duration', '1s', ...extra]);
      expect(command.kind === 'load' && [command.options.stream, command.options.region]).toEqual([expected, 'eu-west-1']);
    }
  });

  test('takes the endpoint from AWS_ENDPOINT_URL_KINESIS unless --endpoint-url is given', () => {
    const env = { AWS_ENDPOINT_URL_KINESIS: 'http://localhost:4567' };
    const fromEnv = parse(['load', ...REQUIRED], env);
    const fromFlag = parse(['load', ...REQUIRED, '--endpoint-url', 'https://kinesis.example.com'], env);
    const emptyEnv = parse(['load', ...REQUIRED], { AWS_ENDPOINT_URL_KINESIS: '' });

    expect(fromEnv.kind === 'load' && fromEnv.options.endpointUrl).toBe('http://localhost:4567');
    expect(fromFlag.kind === 'load' && fromFlag.options.endpointUrl).toBe('https://kinesis.example.com');
    expect(emptyEnv.kind === 'load' && emptyEnv.options.endpointUrl).toBeUndefined();
  });

  test('asks for help with the program or with load, wherever --help or -h stands, whatever else is wrong', () => {
    expect(parse(['--help'])).toEqual({ kind: 'help', command: undefined });
    expect(parse(['-h'])).toEqual({ kind: 'help', command: undefined });
    expect(parse(['load', '--help'])).toEqual({ kind: 'help', command: 'load' });
    expect(parse(['load', '--rate', 'fast', '--bogus', '-h'])).toEqual({ kind: 'help', command: 'load' });
  });

  test('asks for the version with --version or -V', () => {
    expect(parse(['--version'])).toEqual({ kind: 'version' });
    expect(parse(['-V'])).toEqual({ kind: 'version' });
  });

  test.each([
    [[], 'missing command: allowed are load, quality', 'cdk-streaming-pipeline --help'],
    [['lod', ...REQUIRED], 'unknown command "lod": allowed are load, quality', 'cdk-streaming-pipeline --help'],
    [['--rate'], 'unknown option --rate without a command: allowed are the commands load and quality, --help, --version', 'cdk-streaming-pipeline --help'],
    [['load', ...REQUIRED, '--rps', '5'],
      'unknown option --rps: allowed are --stream, --rate, --duration, --template, --partition-keys, --max-retries, --region, '
      + '--endpoint-url, --help', 'cdk-streaming-pipeline load --help'],
    [['load', ...REQUIRED, '-r'],
      'unknown option -r: allowed are --stream, --rate, --duration, --template, --partition-keys, --max-retries, --region, '
      + '--endpoint-url, --help', 'cdk-streaming-pipeline load --help'],
    [['load', ...REQUIRED, '--constructor', 'x'],
      'unknown option --constructor: allowed are --stream, --rate, --duration, --template, --partition-keys, --max-retries, --region, '
      + '--endpoint-url, --help', 'cdk-streaming-pipeline load --help'],
    [['load', ...REQUIRED, 'extra'], 'unexpected argument "extra": load takes options only', 'cdk-streaming-pipeline load --help'],
    [['load', '--rate', '100', '--duration', '30s'],
      'missing --stream: allowed is a stream name (1 to 128 of A-Z a-z 0-9 _ . -) or a stream ARN (arn:aws:kinesis:<region>:<account>:stream/<name>)',
      'cdk-streaming-pipeline load --help'],
    [['load', '--stream', 'clicks', '--duration', '30s'], 'missing --rate: allowed is a positive integer (records per second)',
      'cdk-streaming-pipeline load --help'],
    [['load', '--stream', 'clicks', '--rate', '5'],
      'missing --duration: allowed is a positive duration such as 30s, 10m, 1h or 1h30m (units h, m, s, ms; a bare number is seconds)',
      'cdk-streaming-pipeline load --help'],
  ])('%j is refused: %s', (argv, message, helpHint) => {
    const error = usageError(argv);
    expect(error.message).toBe(message);
    expect(error.helpHint).toBe(helpHint);
  });

  test.each([
    ['--rate', '0', 'a positive integer (records per second)'],
    ['--rate', '1.5', 'a positive integer (records per second)'],
    ['--rate', '-5', 'a positive integer (records per second)'],
    ['--rate', '1e4', 'a positive integer (records per second)'],
    ['--rate', '10,000', 'a positive integer (records per second)'],
    ['--rate', '99999999999999999999', 'a positive integer (records per second)'],
    ['--duration', '10x', 'a positive duration such as 30s, 10m, 1h or 1h30m (units h, m, s, ms; a bare number is seconds)'],
    ['--duration', '0s', 'a positive duration such as 30s, 10m, 1h or 1h30m (units h, m, s, ms; a bare number is seconds)'],
    ['--duration', '30m1h', 'a positive duration such as 30s, 10m, 1h or 1h30m (units h, m, s, ms; a bare number is seconds)'],
    ['--stream', 'my stream', 'a stream name (1 to 128 of A-Z a-z 0-9 _ . -) or a stream ARN (arn:aws:kinesis:<region>:<account>:stream/<name>)'],
    ['--stream', 'arn:aws:sqs:us-east-1:123456789012:queue',
      'a stream name (1 to 128 of A-Z a-z 0-9 _ . -) or a stream ARN (arn:aws:kinesis:<region>:<account>:stream/<name>)'],
    ['--partition-keys', '0', 'a positive integer (how many distinct users, and so partition keys)'],
    ['--max-retries', '101', 'an integer from 0 to 100'],
    ['--max-retries', 'many', 'an integer from 0 to 100'],
    ['--region', 'US East', 'an AWS region code such as us-east-1'],
    ['--endpoint-url', 'localhost:4567', 'an http:// or https:// URL'],
    ['--endpoint-url', 'ftp://example.com', 'an http:// or https:// URL'],
  ])('%s %s is refused, naming the option, the value and what is allowed', (option, value, allowed) => {
    const argv = ['load', ...REQUIRED.filter((_, i) => REQUIRED[i - (i % 2)] !== option), option, value];

    expect(usageError(argv).message).toBe(`invalid ${option} "${value}": allowed is ${allowed}`);
  });

  test.each([
    [['load', '--stream', '--rate', '5', '--duration', '1s'], '--stream needs a value: allowed is a stream name'],
    [['load', ...REQUIRED, '--template'], '--template needs a value: allowed is a path to a JSON file'],
    [['load', ...REQUIRED, '--region', '-h'], '--region needs a value: allowed is an AWS region code such as us-east-1'],
  ])('%j: an option followed by another option, or by nothing, has no value', (argv, start) => {
    expect(usageError(argv).message.startsWith(start)).toBe(true);
  });

  test('a duration too short for one record at the rate is refused, saying how long it must be', () => {
    expect(usageError(['load', '--stream', 'clicks', '--rate', '3', '--duration', '300ms']).message)
      .toBe('invalid --duration "300ms": at --rate 3 it makes no record; allowed is at least 334ms');
    expect(parse(['load', '--stream', 'clicks', '--rate', '3', '--duration', '334ms']).kind).toBe('load');
  });

  test('an option given twice is refused rather than one value silently winning', () => {
    expect(usageError(['load', ...REQUIRED, '--rate', '200']).message).toBe('--rate given twice ("100", "200"): allowed is once');
  });

  test('an empty inline value is refused as that option\'s value', () => {
    expect(usageError(['load', ...REQUIRED.slice(2), '--stream=']).message).toMatch(/^invalid --stream "": allowed is a stream name/);
  });

  test('a --region that contradicts the stream ARN is refused', () => {
    expect(usageError(['load', '--stream', ARN, '--rate', '1', '--duration', '1s', '--region', 'us-east-1']).message)
      .toBe('invalid --region "us-east-1": the --stream ARN is in eu-west-1; allowed is that region or none');
  });

  test('a malformed AWS_ENDPOINT_URL_KINESIS is refused, naming the variable', () => {
    expect(usageError(['load', ...REQUIRED], { AWS_ENDPOINT_URL_KINESIS: 'kinesalite' }).message)
      .toBe('invalid AWS_ENDPOINT_URL_KINESIS "kinesalite": allowed is an http:// or https:// URL');
  });
});
