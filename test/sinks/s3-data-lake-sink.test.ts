import { Duration, Size } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { IngestStream, S3DataLakeSink, S3DataLakeSinkOptions } from '../../src';
import { iamStatementsIn, newStack, templateOf } from '../support/stack';

function sinkTemplate(options: S3DataLakeSinkOptions = {}) {
  const stack = newStack();
  const source = new IngestStream(stack, 'Enriched');
  new S3DataLakeSink(stack, 'DataLake', { ...options, sourceStream: source.stream });
  return templateOf(stack);
}

describe('S3DataLakeSink', () => {
  test('Firehose reads the stream and writes the pattern\'s prefixes with 128 MiB / 300 s buffering, encrypted', () => {
    const template = sinkTemplate();
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'KinesisStreamAsSource',
      KinesisStreamSourceConfiguration: {
        KinesisStreamARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('EnrichedStream'), 'Arn'] },
        RoleARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('DataLakeRole'), 'Arn'] },
      },
      ExtendedS3DestinationConfiguration: Match.objectLike({
        Prefix: 'data/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/',
        ErrorOutputPrefix: 'errors/!{firehose:error-output-type}/',
        BufferingHints: { IntervalInSeconds: 300, SizeInMBs: 128 },
        CompressionFormat: 'GZIP',
        EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('DataLakeKey'), 'Arn'] } } },
        CloudWatchLoggingOptions: Match.objectLike({ Enabled: true }),
      }),
    });
  });

  test('data lake bucket: KMS, versioned, no public access, TLS only, access logs to the log bucket', () => {
    const template = sinkTemplate();
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) })] },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('AccessLogsBucket') }, LogFilePrefix: 'data-lake/' },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      },
      DeletionPolicy: 'Retain',
    });
    // Log delivery is granted by bucket policy, not by ACL, so ACLs stay disabled.
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'logging.s3.amazonaws.com' } })]) },
    });
    const policies = template.findResources('AWS::S3::BucketPolicy');
    for (const policy of Object.values(policies)) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining({
        Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }));
    }
  });

  test('delivery role: exactly the actions Firehose needs, object writes scoped to the two prefixes', () => {
    const template = sinkTemplate();
    template.resourceCountIs('AWS::IAM::Policy', 0);
    const statements = iamStatementsIn(template);
    expect(statements.map(statement => statement.Action)).toEqual([
      ['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetShardIterator', 'kinesis:GetRecords', 'kinesis:ListShards'],
      'kms:Decrypt',
      ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
      ['s3:PutObject', 's3:AbortMultipartUpload'],
      ['kms:GenerateDataKey', 'kms:Decrypt'],
      'logs:PutLogEvents',
    ]);
    const objectResources = JSON.stringify(statements[3].Resource);
    expect(objectResources).toContain('/data/*');
    expect(objectResources).toContain('/errors/*');
  });

  test('the delivery stream waits for its role policy', () => {
    const template = sinkTemplate();
    const [deliveryStream] = Object.values(template.findResources('AWS::KinesisFirehose::DeliveryStream'));
    expect(deliveryStream.DependsOn).toEqual([expect.stringMatching(/^DataLakeRolePolicy/)]);
  });

  test('buffering can be changed', () => {
    sinkTemplate({ bufferingSize: Size.mebibytes(64), bufferingInterval: Duration.seconds(60) })
      .hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
        ExtendedS3DestinationConfiguration: Match.objectLike({ BufferingHints: { IntervalInSeconds: 60, SizeInMBs: 64 } }),
      });
  });

  test.each([
    [{ bufferingSize: Size.mebibytes(129) }, 'Invalid S3DataLakeSinkProps.bufferingSize (MiB): 129. Allowed: an integer from 1 to 128.'],
    [{ bufferingInterval: Duration.seconds(901) }, 'Invalid S3DataLakeSinkProps.bufferingInterval: 901 seconds. Allowed: a whole number of seconds from 0 to 900.'],
  ])('rejects %j', (options, message) => {
    expect(() => sinkTemplate(options)).toThrow(message);
  });
});
