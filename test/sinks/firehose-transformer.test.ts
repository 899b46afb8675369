import { Duration, Size, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { FirehoseTransformer, FirehoseTransformerProps, PipelineNetwork } from '../../src';
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

  test('outside a VPC, no unacknowledged finding but LambdaInsideVPC; in a VPC, none at all', () => {
    const [outside, inside] = synthesizeWithNagPacks(app => {
      const outsideStack = new Stack(app, 'Outside');
      new FirehoseTransformer(outsideStack, 'Transformer');
      const insideStack = new Stack(app, 'Inside');
      new FirehoseTransformer(insideStack, 'Transformer', { vpc: new PipelineNetwork(insideStack, 'Network').vpc });
      return [outsideStack, insideStack];
    });
    expect(outside.findings.map(f => f.rule).sort()).toEqual([
      'HIPAA.Security-LambdaInsideVPC', 'NIST.800.53.R5-LambdaInsideVPC', 'PCI.DSS.321-LambdaInsideVPC',
    ]);
    expect(inside.findings).toEqual([]);
  });

  test('in a VPC: the private subnets, a security group that allows no traffic, network interfaces only there', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    new FirehoseTransformer(stack, 'Transformer', { vpc });
    const template = templateOf(stack);
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(fn.Properties.VpcConfig.SubnetIds).toEqual(vpc.privateSubnets.map(subnet => stack.resolve(subnet.subnetId)));
    const [group] = Object.values(template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^Firehose transformer') } }));
    expect(group.Properties.SecurityGroupIngress).toBeUndefined();
    expect(group.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })]);
    const create = iamStatementsIn(template).find(statement => statement.Action === 'ec2:CreateNetworkInterface')!;
    expect(JSON.stringify(create.Resource)).toContain('security-group/');
    expect(() => new FirehoseTransformer(newStack(), 'Transformer', { vpcSubnets: {} }))
      .toThrow('Invalid FirehoseTransformerProps.vpcSubnets: set without vpc. Allowed: only together with FirehoseTransformerProps.vpc.');
  });
});
