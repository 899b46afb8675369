import { Duration, Size, Stack } from 'aws-cdk-lib';
import { FirehoseTransformer, FirehoseTransformerProps } from '../../src';
import { synthesizeWithNagPacks } from '../support/compliance';
import { functionEnvironment, iamStatementsIn, newStack, templateOf } from '../support/stack';

function transformerTemplate(props: FirehoseTransformerProps = {}) {
  const stack = newStack();
  const transformer = new FirehoseTransformer(stack, 'Transformer', props);
  return { transformer, template: templateOf(stack) };
}

describe('FirehoseTransformer', () => {
  test('the bundled handler on Node.js 24, arm64, traced, with JSON logs in an encrypted group and bounded concurrency', () => {
    const { template } = transformerTemplate();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 256,
      Timeout: 60,
      ReservedConcurrentExecutions: 10,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: Object.keys(template.findResources('AWS::Logs::LogGroup'))[0] } },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [Object.keys(template.findResources('AWS::KMS::Key'))[0], 'Arn'] } });
    expect(functionEnvironment(template)).toEqual({ NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: 'firehose-transformer' });
  });

  test('its role may write its log group and X-Ray, nothing else', () => {
    const { template } = transformerTemplate();
    expect(iamStatementsIn(template).map(s => s.Action)).toEqual([
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
      ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
    ]);
  });

  test('options become the handler\'s variables; defaults are left out', () => {
    const { template, transformer } = transformerTemplate({
      flattenSeparator: '.',
      fieldRenames: { timestamp: 'event_timestamp' },
      dropFields: ['metadata_attributes', 'page'],
      newlineDelimited: false,
      bufferingSize: Size.mebibytes(3),
      bufferingInterval: Duration.seconds(0),
    });
    expect(functionEnvironment(template)).toMatchObject({
      FLATTEN_SEPARATOR: '.',
      FIELD_RENAMES: '{"timestamp":"event_timestamp"}',
      DROP_FIELDS: 'metadata_attributes,page',
      NEWLINE_DELIMITED: 'false',
    });
    expect([transformer.bufferingSize.toMebibytes(), transformer.bufferingInterval.toSeconds()]).toEqual([3, 0]);
    expect(functionEnvironment(transformerTemplate({ flattenNested: false }).template)).toMatchObject({ FLATTEN_NESTED: 'false' });
  });

  test.each([
    [{ flattenNested: false, flattenSeparator: '.' }, 'Invalid FirehoseTransformerProps.flattenSeparator: ".". Allowed: only with flattenNested true.'],
    [{ flattenSeparator: ' ' }, 'Invalid FirehoseTransformerProps.flattenSeparator: " ". Allowed: one or more characters other than whitespace.'],
    [{ fieldRenames: { a: 'a' } }, 'Invalid FirehoseTransformerProps.fieldRenames: "a" -> "a"'],
    [{ fieldRenames: { a: 'b', b: 'c' } }, 'Invalid FirehoseTransformerProps.fieldRenames: "a" -> "b"'],
    [{ fieldRenames: { a: 'c', b: 'c' } }, 'Invalid FirehoseTransformerProps.fieldRenames: "a" -> "c"'],
    [{ fieldRenames: { a: ' ' } }, 'Invalid FirehoseTransformerProps.fieldRenames: "a" -> " "'],
    [{ dropFields: ['a,b'] }, 'Invalid FirehoseTransformerProps.dropFields: "a,b". Allowed: field names without commas that fieldRenames does not name.'],
    [{ fieldRenames: { a: 'b' }, dropFields: ['b'] }, 'Invalid FirehoseTransformerProps.dropFields: "b"'],
    [{ bufferingSize: Size.mebibytes(4) }, 'Invalid FirehoseTransformerProps.bufferingSize (MiB): 4. Allowed: an integer from 1 to 3.'],
    [{ bufferingInterval: Duration.seconds(901) }, 'Invalid FirehoseTransformerProps.bufferingInterval: 901 seconds. Allowed: a whole number of seconds from 0 to 900.'],
  ])('rejects %j', (props, message) => {
    expect(() => transformerTemplate(props)).toThrow(message);
  });

  test('no unacknowledged finding except running outside a VPC', () => {
    const [result] = synthesizeWithNagPacks(app => {
      const stack = new Stack(app, 'Transformer');
      new FirehoseTransformer(stack, 'Transformer');
      return [stack];
    });
    expect(result.findings.map(f => f.rule).sort()).toEqual([
      'HIPAA.Security-LambdaInsideVPC', 'NIST.800.53.R5-LambdaInsideVPC', 'PCI.DSS.321-LambdaInsideVPC',
    ]);
  });
});
