import { Duration, Size, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { FirehoseTransformer, IngestStream, PipelineNetwork, RedshiftSink, RedshiftSinkProps, RedshiftTarget } from '../../src';
import { synthesizeWithNagPacks } from '../support/compliance';
import { iamStatementsIn, newStack, templateOf } from '../support/stack';

const CLUSTER = RedshiftTarget.provisionedCluster({
  endpointAddress: 'analytics.abc123xyz.us-east-1.redshift.amazonaws.com',
  databaseName: 'events',
});

function addSink(stack: Stack, options: Partial<RedshiftSinkProps> = {}) {
  return new RedshiftSink(stack, 'Warehouse', {
    sourceStream: new IngestStream(stack, 'Enriched').stream,
    target: CLUSTER,
    tableName: 'analytics.enriched_events',
    credentials: secretsmanager.Secret.fromSecretCompleteArn(stack, 'Credentials',
      'arn:aws:secretsmanager:us-east-1:111122223333:secret:firehose-loader-AbCdEf'),
    ...options,
  });
}

function sinkTemplate(options: Partial<RedshiftSinkProps> = {}) {
  const stack = newStack();
  const sink = addSink(stack, options);
  return { stack, sink, template: templateOf(stack) };
}

describe('RedshiftSink', () => {
  test('COPY into the table through a GZIP-compressed, KMS-encrypted intermediate bucket, with credentials from Secrets Manager', () => {
    const { template } = sinkTemplate();
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'KinesisStreamAsSource',
      KinesisStreamSourceConfiguration: Match.objectLike({ KinesisStreamARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('EnrichedStream'), 'Arn'] } }),
      RedshiftDestinationConfiguration: Match.objectLike({
        ClusterJDBCURL: 'jdbc:redshift://analytics.abc123xyz.us-east-1.redshift.amazonaws.com:5439/events',
        // ignorecase: Redshift columns are lower case, record keys may not be.
        CopyCommand: { DataTableName: 'analytics.enriched_events', CopyOptions: "JSON 'auto ignorecase' GZIP TIMEFORMAT 'auto'" },
        SecretsManagerConfiguration: Match.objectLike({ Enabled: true, SecretARN: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:firehose-loader-AbCdEf' }),
        RetryOptions: { DurationInSeconds: 3600 },
        S3Configuration: Match.objectLike({
          Prefix: 'intermediate/',
          // Firehose rejects an error prefix in Redshift's S3 configurations.
          ErrorOutputPrefix: Match.absent(),
          BufferingHints: { SizeInMBs: 64, IntervalInSeconds: 300 },
          CompressionFormat: 'GZIP',
          EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('WarehouseKey'), 'Arn'] } } },
          CloudWatchLoggingOptions: Match.objectLike({ Enabled: true }),
        }),
        S3BackupMode: 'Enabled',
        S3BackupConfiguration: Match.objectLike({ Prefix: 'backup/', ErrorOutputPrefix: Match.absent() }),
        ProcessingConfiguration: {
          Enabled: true,
          Processors: [{
            Type: 'Lambda',
            Parameters: [
              { ParameterName: 'LambdaArn', ParameterValue: { 'Fn::GetAtt': [Match.stringLikeRegexp('WarehouseTransformerFunction'), 'Arn'] } },
              { ParameterName: 'BufferSizeInMBs', ParameterValue: '1' },
              { ParameterName: 'BufferIntervalInSeconds', ParameterValue: '60' },
            ],
          }],
        },
      }),
    });
  });

  test('delivery role: the stream, its logs, the two prefixes, the key, the secret and the transformer, nothing more', () => {
    const { template } = sinkTemplate();
    template.resourceCountIs('AWS::IAM::Policy', 0);
    const statements = iamStatementsIn(template).filter(s => JSON.stringify(s.Resource).includes('Warehouse') || JSON.stringify(s).includes('kinesis:')
      || JSON.stringify(s).includes('secretsmanager'));
    expect(statements.map(s => s.Action)).toEqual(expect.arrayContaining([
      ['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetShardIterator', 'kinesis:GetRecords', 'kinesis:ListShards'],
      'logs:PutLogEvents',
      ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
      ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
      ['kms:GenerateDataKey', 'kms:Decrypt'],
      ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      ['lambda:InvokeFunction', 'lambda:GetFunctionConfiguration'],
    ]));
    const secret = statements.find(s => JSON.stringify(s.Action).includes('secretsmanager'))!;
    expect(secret.Resource).toBe('arn:aws:secretsmanager:us-east-1:111122223333:secret:firehose-loader-AbCdEf');
    const objects = statements.find(s => JSON.stringify(s.Action).includes('s3:PutObject'))!;
    expect(JSON.stringify(objects.Resource)).toMatch(/intermediate\/\*.*backup\/\*/);
    const invoke = statements.find(s => JSON.stringify(s.Action).includes('lambda:InvokeFunction'))!;
    expect(invoke.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^WarehouseTransformerFunction/), 'Arn'] });
  });

  test('a secret imported by name is granted with its random suffix, and its key may decrypt it', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'SecretKey', 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    addSink(stack, { credentials: secretsmanager.Secret.fromSecretAttributes(stack, 'Loader', { secretPartialArn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:loader', encryptionKey: key }) });
    const statements = iamStatementsIn(templateOf(stack));
    expect(statements).toContainEqual(expect.objectContaining({
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      Resource: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:loader-??????',
    }));
    expect(statements).toContainEqual({
      Action: 'kms:Decrypt',
      Effect: 'Allow',
      Resource: key.keyArn,
      Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
    });
  });

  test('staged files expire after a week; backups stay', () => {
    const { template } = sinkTemplate();
    const [bucket] = Object.entries(template.findResources('AWS::S3::Bucket')).filter(([id]) => /^WarehouseBucket/.test(id)).map(([, b]) => b);
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([
      { Id: 'intermediate-files', Prefix: 'intermediate/', ExpirationInDays: 7, Status: 'Enabled' },
      { Id: 'versions-and-uploads', NoncurrentVersionExpiration: { NoncurrentDays: 30 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 }, Status: 'Enabled' },
    ]);
  });

  test('a Serverless workgroup, columns, COPY options, retries, buffering and a transformer of your own', () => {
    const stack = newStack();
    const transformer = new FirehoseTransformer(stack, 'Flatten', { fieldRenames: { timestamp: 'event_timestamp' } });
    addSink(stack, {
      target: RedshiftTarget.serverlessWorkgroup({ endpointAddress: 'wg.111122223333.us-east-1.redshift-serverless.amazonaws.com', port: 5440, databaseName: 'dev' }),
      columns: ['event_id', 'event_timestamp'],
      copyOptions: "JSON 'auto ignorecase' GZIP",
      retryDuration: Duration.seconds(0),
      bufferingSize: Size.mebibytes(128),
      bufferingInterval: Duration.seconds(900),
      transformer,
    });
    const template = templateOf(stack);
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      RedshiftDestinationConfiguration: Match.objectLike({
        ClusterJDBCURL: 'jdbc:redshift://wg.111122223333.us-east-1.redshift-serverless.amazonaws.com:5440/dev',
        CopyCommand: { DataTableName: 'analytics.enriched_events', DataTableColumns: 'event_id,event_timestamp', CopyOptions: "JSON 'auto ignorecase' GZIP" },
        RetryOptions: { DurationInSeconds: 0 },
        S3Configuration: Match.objectLike({ BufferingHints: { SizeInMBs: 128, IntervalInSeconds: 900 } }),
      }),
    });
    // One function: the given transformer, none of the sink's own.
    template.resourceCountIs('AWS::Lambda::Function', 1);
  });

  test.each([
    [{ tableName: 'a.b.c' }, 'Invalid RedshiftSinkProps.tableName: "a.b.c". Allowed: a table name, optionally after a schema name and a dot'],
    [{ tableName: '1events' }, 'Invalid RedshiftSinkProps.tableName: "1events"'],
    [{ columns: [] }, 'Invalid RedshiftSinkProps.columns: []. Allowed: at least one column name'],
    [{ columns: ['ok', 'not ok'] }, 'Invalid RedshiftSinkProps.columns: ["ok","not ok"]'],
    [{ retryDuration: Duration.seconds(7201) }, 'Invalid RedshiftSinkProps.retryDuration: 7201 seconds. Allowed: a whole number of seconds from 0 to 7200.'],
    [{ bufferingSize: Size.mebibytes(129) }, 'Invalid RedshiftSinkProps.bufferingSize (MiB): 129. Allowed: an integer from 1 to 128.'],
    [{ bufferingInterval: Duration.seconds(901) }, 'Invalid RedshiftSinkProps.bufferingInterval: 901 seconds. Allowed: a whole number of seconds from 0 to 900.'],
  ])('rejects %j', (options, message) => {
    expect(() => sinkTemplate(options)).toThrow(message);
  });

  test('rejects a port outside Redshift\'s range', () => {
    expect(() => RedshiftTarget.provisionedCluster({ endpointAddress: 'x', port: 80, databaseName: 'd' }))
      .toThrow('Invalid RedshiftEndpointProps.port: 80. Allowed: an integer from 1150 to 65535.');
  });

  test('metrics: Redshift delivery success and freshness up to the table', () => {
    const { sink } = sinkTemplate();
    expect(sink.metricDeliverySuccess().metricName).toBe('DeliveryToRedshift.Success');
    expect(sink.metricDataFreshness().metricName).toBe('DeliveryToRedshift.DataFreshness');
  });

  test('no unacknowledged finding in any pack except the transformer outside a VPC; none with transformerVpc', () => {
    const [outside, inside] = synthesizeWithNagPacks(app => {
      const insideStack = new Stack(app, 'Inside');
      addSink(insideStack, { transformerVpc: new PipelineNetwork(insideStack, 'Network').vpc });
      return [addSink(new Stack(app, 'Warehouse')).node.scope as Stack, insideStack];
    });
    expect(outside.findings.map(f => f.rule).sort()).toEqual([
      'HIPAA.Security-LambdaInsideVPC', 'NIST.800.53.R5-LambdaInsideVPC', 'PCI.DSS.321-LambdaInsideVPC',
    ]);
    expect(inside.findings).toEqual([]);
  });

  test('transformerVpc places the default transformer; with a transformer of your own it is an error', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    addSink(stack, { transformerVpc: vpc, transformerVpcSubnets: { subnets: [vpc.isolatedSubnets[0]] } });
    templateOf(stack).hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: { SubnetIds: [stack.resolve(vpc.isolatedSubnets[0].subnetId)], SecurityGroupIds: [Match.anyValue()] },
    });
    const other = newStack();
    const transformer = new FirehoseTransformer(other, 'Own');
    expect(() => addSink(other, { transformer, transformerVpc: new ec2.Vpc(other, 'Vpc') }))
      .toThrow('Invalid RedshiftSinkProps.transformerVpc: given with transformer. Allowed: the transformer\'s own vpc (FirehoseTransformerProps.vpc).');
    expect(() => addSink(newStack(), { transformerVpcSubnets: {} }))
      .toThrow('Invalid RedshiftSinkProps.transformerVpcSubnets: set without transformerVpc.');
  });
});
