import { Duration, Size, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IngestStream, S3DataLakeSink, S3DataLakeSinkOptions } from '../../src';
import { synthesizeWithNagPacks } from '../support/compliance';
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
        LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('AccessLogsBucket') }, LogFilePrefix: 'access-logs/' },
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

  describe('replication', () => {
    function addReplicatedSink(stack: Stack): void {
      const source = new IngestStream(stack, 'Enriched');
      new S3DataLakeSink(stack, 'DataLake', {
        sourceStream: source.stream,
        replication: {
          bucket: s3.Bucket.fromBucketAttributes(stack, 'Replica', { bucketName: 'replica', region: 'us-west-2' }),
          encryptionKey: kms.Key.fromKeyArn(stack, 'ReplicaKey', REPLICA_KEY_ARN),
        },
      });
    }

    function replicatedTemplate() {
      const stack = newStack();
      addReplicatedSink(stack);
      return templateOf(stack);
    }

    test('both buckets replicate every object to the destination, re-encrypted with its key', () => {
      const template = replicatedTemplate();
      const configurations = Object.values(template.findResources('AWS::S3::Bucket')).map(bucket => bucket.Properties.ReplicationConfiguration);
      expect(configurations).toHaveLength(2);
      for (const configuration of configurations) {
        expect(configuration).toMatchObject({
          Role: { 'Fn::GetAtt': [expect.stringMatching(/^DataLakeReplicationRole/), 'Arn'] },
          Rules: [expect.objectContaining({
            Status: 'Enabled',
            Destination: expect.objectContaining({ EncryptionConfiguration: { ReplicaKmsKeyID: REPLICA_KEY_ARN } }),
            SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
          })],
        });
      }
    });

    test('the replication role may do only what replication needs', () => {
      const template = replicatedTemplate();
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 's3.amazonaws.com' } })] },
      });
      const actions = iamStatementsIn(template).flatMap(statement => ([] as string[]).concat(statement.Action));
      expect(actions).toEqual(expect.arrayContaining([
        's3:GetReplicationConfiguration', 's3:GetObjectVersionForReplication', 's3:ReplicateObject', 'kms:Encrypt',
      ]));
      expect(actions.filter(action => action.includes('*'))).toEqual([]);
    });

    test('replication clears the replication findings of every pack and leaves nothing unacknowledged', () => {
      const [result] = synthesizeWithNagPacks(app => {
        const stack = new Stack(app, 'Replicated');
        addReplicatedSink(stack);
        return [stack];
      });
      expect(result.findings).toEqual([]);
    });
  });
});

const REPLICA_KEY_ARN = 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
