import { Token } from 'aws-cdk-lib';
import { DataProcessingOption, InitialPosition, LogFormat, PartitionKeyOption } from '../../src';
import { AgentConfigInput, KinesisAgentFlow, renderAgentConfig, validateFlows } from '../../src/ingest/kinesis-agent-config';

const ENDPOINTS = {
  kinesisEndpoint: 'https://kinesis.eu-west-1.amazonaws.com',
  cloudwatchEndpoint: 'https://monitoring.eu-west-1.amazonaws.com',
};

function render(flows: KinesisAgentFlow[], overrides: Partial<AgentConfigInput> = {}) {
  return renderAgentConfig({ streamName: 'clicks', emitMetrics: true, ...ENDPOINTS, flows, ...overrides });
}

describe('renderAgentConfig', () => {
  test('one flow without options: endpoints, metrics on, and the agent defaults written out', () => {
    expect(render([{ filePattern: '/var/log/app/*.log' }])).toEqual({
      'cloudwatch.emitMetrics': true,
      'cloudwatch.endpoint': 'https://monitoring.eu-west-1.amazonaws.com',
      'kinesis.endpoint': 'https://kinesis.eu-west-1.amazonaws.com',
      'flows': [
        { filePattern: '/var/log/app/*.log', kinesisStream: 'clicks', partitionKeyOption: 'RANDOM', initialPosition: 'END_OF_FILE' },
      ],
    });
  });

  test('several flows with every processing option, in the order given', () => {
    const config = render([
      {
        filePattern: '/var/log/httpd/access_log*',
        partitionKeyOption: PartitionKeyOption.DETERMINISTIC,
        initialPosition: InitialPosition.START_OF_FILE,
        dataProcessingOptions: [DataProcessingOption.logToJson(LogFormat.COMBINEDAPACHELOG), DataProcessingOption.addEc2Metadata()],
      },
      {
        filePattern: '/var/log/app/trace.log',
        dataProcessingOptions: [
          DataProcessingOption.singleLine(),
          DataProcessingOption.logToJson(LogFormat.SYSLOG, {
            matchPattern: '^(\\S+) (\\S+) (.*)$',
            customFieldNames: ['time', 'level', 'text'],
          }),
        ],
      },
      {
        filePattern: '/data/export/*.csv',
        dataProcessingOptions: [DataProcessingOption.csvToJson(['id', 'amount'], '\\t')],
      },
      {
        filePattern: '/var/log/messages',
        dataProcessingOptions: [
          DataProcessingOption.logToJson(LogFormat.RFC3339SYSLOG, { customFieldNames: ['ts', 'host', 'prog', 'pid', 'msg'] }),
        ],
      },
    ], { emitMetrics: false });
    expect(config).toEqual({
      'cloudwatch.emitMetrics': false,
      'cloudwatch.endpoint': 'https://monitoring.eu-west-1.amazonaws.com',
      'kinesis.endpoint': 'https://kinesis.eu-west-1.amazonaws.com',
      'flows': [
        {
          filePattern: '/var/log/httpd/access_log*',
          kinesisStream: 'clicks',
          partitionKeyOption: 'DETERMINISTIC',
          initialPosition: 'START_OF_FILE',
          dataProcessingOptions: [
            { optionName: 'LOGTOJSON', logFormat: 'COMBINEDAPACHELOG' },
            { optionName: 'ADDEC2METADATA', logFormat: 'RFC3339SYSLOG' },
          ],
        },
        {
          filePattern: '/var/log/app/trace.log',
          kinesisStream: 'clicks',
          partitionKeyOption: 'RANDOM',
          initialPosition: 'END_OF_FILE',
          dataProcessingOptions: [
            { optionName: 'SINGLELINE' },
            { optionName: 'LOGTOJSON', logFormat: 'SYSLOG', matchPattern: '^(\\S+) (\\S+) (.*)$', customFieldNames: ['time', 'level', 'text'] },
          ],
        },
        {
          filePattern: '/data/export/*.csv',
          kinesisStream: 'clicks',
          partitionKeyOption: 'RANDOM',
          initialPosition: 'END_OF_FILE',
          dataProcessingOptions: [{ optionName: 'CSVTOJSON', customFieldNames: ['id', 'amount'], delimiter: '\\t' }],
        },
        {
          filePattern: '/var/log/messages',
          kinesisStream: 'clicks',
          partitionKeyOption: 'RANDOM',
          initialPosition: 'END_OF_FILE',
          dataProcessingOptions: [{ optionName: 'LOGTOJSON', logFormat: 'RFC3339SYSLOG', customFieldNames: ['ts', 'host', 'prog', 'pid', 'msg'] }],
        },
      ],
    });
  });

  test('an empty list of processing options is left out', () => {
    expect(render([{ filePattern: '/var/log/a.log', dataProcessingOptions: [] }]).flows[0]).not.toHaveProperty('dataProcessingOptions');
  });

  test('is pure: the same input renders equal objects that share nothing', () => {
    const flows = [{ filePattern: '/var/log/a.log', dataProcessingOptions: [DataProcessingOption.csvToJson(['a'])] }];
    const first = render(flows);
    first.flows[0].dataProcessingOptions[0].customFieldNames.push('changed');
    expect(render(flows)).toEqual(render(flows));
    expect(render(flows).flows[0].dataProcessingOptions[0].customFieldNames).toEqual(['a']);
  });
});

describe('DataProcessingOption', () => {
  test('csvToJson without a delimiter leaves the agent default (comma)', () => {
    expect(DataProcessingOption.csvToJson(['a', 'b']).toJson()).toEqual({ optionName: 'CSVTOJSON', customFieldNames: ['a', 'b'] });
  });

  test('later changes to the caller\'s field list do not change the option', () => {
    const names = ['a', 'b'];
    const option = DataProcessingOption.csvToJson(names);
    names.push('c');
    expect(option.toJson().customFieldNames).toEqual(['a', 'b']);
  });

  test.each([
    [LogFormat.COMMONAPACHELOG, 7],
    [LogFormat.COMBINEDAPACHELOG, 9],
    [LogFormat.APACHEERRORLOG, 7],
    [LogFormat.SYSLOG, 5],
    [LogFormat.RFC3339SYSLOG, 5],
  ])('logToJson(%s) accepts exactly %d custom field names without a matchPattern', (format, count) => {
    const names = Array.from({ length: count }, (_, index) => `f${index}`);
    expect(DataProcessingOption.logToJson(format, { customFieldNames: names }).toJson()).toEqual({
      optionName: 'LOGTOJSON', logFormat: format, customFieldNames: names,
    });
    expect(() => DataProcessingOption.logToJson(format, { customFieldNames: names.slice(1) })).toThrow(
      `Invalid DataProcessingOption.logToJson customFieldNames: ${count - 1} names for ${format}. Allowed: exactly ${count} names`);
  });

  test.each([
    [() => DataProcessingOption.csvToJson([]), 'Invalid DataProcessingOption.csvToJson customFieldNames: []. Allowed: at least one field name.'],
    [() => DataProcessingOption.csvToJson(['a'], ''), 'Invalid DataProcessingOption.csvToJson delimiter: "". Allowed: a non-empty string, or omit it for a comma.'],
    [() => DataProcessingOption.logToJson(LogFormat.SYSLOG, { matchPattern: '^(.*)$' }),
      'Invalid DataProcessingOption.logToJson matchPattern: "^(.*)$" without customFieldNames. Allowed: a matchPattern together with customFieldNames, one per capture group.'],
    [() => DataProcessingOption.logToJson(LogFormat.COMMONAPACHELOG, { customFieldNames: ['host'] }),
      'Invalid DataProcessingOption.logToJson customFieldNames: 1 names for COMMONAPACHELOG. Allowed: exactly 7 names, one for each of host, ident, authuser, datetime, request, response, bytes; or a matchPattern.'],
  ])('rejects invalid options (%#)', (create, message) => {
    expect(create).toThrow(message);
  });
});

describe('validateFlows', () => {
  const prop = 'KinesisAgentProducerProps.flows';

  test('accepts absolute file patterns with wildcards in the file name, and tokens', () => {
    expect(() => validateFlows(prop, [
      { filePattern: '/var/log/app/*.log' },
      { filePattern: '/var/log/httpd/access_log*' },
      { filePattern: Token.asString({ Ref: 'LogPath' }) },
    ])).not.toThrow();
  });

  test.each([
    [[], 'Invalid KinesisAgentProducerProps.flows: []. Allowed: at least one flow.'],
    [[{ filePattern: '' }], 'Invalid KinesisAgentProducerProps.flows[0].filePattern: "". Allowed: an absolute path without surrounding spaces, e.g. "/var/log/app/*.log".'],
    [[{ filePattern: 'logs/app.log' }], 'Invalid KinesisAgentProducerProps.flows[0].filePattern: "logs/app.log". Allowed: an absolute path'],
    [[{ filePattern: '/var/log/a.log' }, { filePattern: ' /var/log/b.log' }], 'Invalid KinesisAgentProducerProps.flows[1].filePattern: " /var/log/b.log". Allowed: an absolute path'],
    [[{ filePattern: '/var/log/app/' }], 'Invalid KinesisAgentProducerProps.flows[0].filePattern: "/var/log/app/" names a directory. Allowed: a file name or a file name pattern, e.g. "/var/log/app/*.log".'],
    [[{ filePattern: '/var/log/a.log' }, { filePattern: '/var/log/a.log' }],
      'Invalid KinesisAgentProducerProps.flows[1].filePattern: "/var/log/a.log" appears twice. Allowed: each file pattern once; two flows for one file would send every line twice.'],
  ])('rejects %j', (flows, message) => {
    expect(() => validateFlows(prop, flows)).toThrow(message);
  });
});
