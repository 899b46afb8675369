import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CfnStream, Stream, StreamMode } from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IngestStream } from '../../src';
import { iamStatementsIn, newStack, templateOf } from '../support/stack';

describe('IngestStream', () => {
  test('defaults: on-demand, 24 hours, customer-managed key with rotation, shard-level metrics, retained', () => {
    const stack = newStack();
    new IngestStream(stack, 'Ingest');
    const template = templateOf(stack);
    template.hasResource('AWS::Kinesis::Stream', {
      Properties: {
        StreamModeDetails: { StreamMode: 'ON_DEMAND' },
        RetentionPeriodHours: 24,
        StreamEncryption: { EncryptionType: 'KMS', KeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('IngestKey'), 'Arn'] } },
        DesiredShardLevelMetrics: ['IncomingBytes', 'IncomingRecords', 'IteratorAgeMilliseconds'],
        ShardCount: Match.absent(),
      },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('provisioned with a shard count and longer retention', () => {
    const stack = newStack();
    new IngestStream(stack, 'Ingest', { streamMode: StreamMode.PROVISIONED, shardCount: 6, retentionPeriod: Duration.days(7) });
    templateOf(stack).hasResourceProperties('AWS::Kinesis::Stream', {
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      ShardCount: 6,
      RetentionPeriodHours: 168,
    });
  });

  test('provisioned without a shard count gets one shard', () => {
    const stack = newStack();
    new IngestStream(stack, 'Ingest', { streamMode: StreamMode.PROVISIONED });
    templateOf(stack).hasResourceProperties('AWS::Kinesis::Stream', { ShardCount: 1 });
  });

  test.each([
    [{ retentionPeriod: Duration.hours(23) }, 'Invalid IngestStreamProps.retentionPeriod: 23 hours. Allowed: a whole number of hours from 24 to 8760.'],
    [{ retentionPeriod: Duration.hours(8761) }, 'Invalid IngestStreamProps.retentionPeriod: 8761 hours'],
    [{ retentionPeriod: Duration.minutes(1470) }, 'Invalid IngestStreamProps.retentionPeriod: 24.5 hours'],
    [{ streamMode: StreamMode.PROVISIONED, shardCount: 0 }, 'Invalid IngestStreamProps.shardCount: 0. Allowed: an integer from 1 to 10000.'],
    [{ streamMode: StreamMode.PROVISIONED, shardCount: 2.5 }, 'Invalid IngestStreamProps.shardCount: 2.5'],
    [{ streamMode: StreamMode.ON_DEMAND, shardCount: 2 }, 'Invalid IngestStreamProps.shardCount: 2 with streamMode ON_DEMAND'],
  ])('rejects %j', (props, message) => {
    expect(() => new IngestStream(newStack(), 'Ingest', props)).toThrow(message);
  });

  test('grantWrite allows putting records and a data key, nothing more', () => {
    const stack = newStack();
    const ingest = new IngestStream(stack, 'Ingest');
    const producer = new iam.Role(stack, 'Producer', { assumedBy: new iam.AccountRootPrincipal() });
    ingest.grantWrite(producer);
    templateOf(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Action: ['kinesis:PutRecord', 'kinesis:PutRecords', 'kinesis:ListShards', 'kinesis:DescribeStreamSummary'],
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('IngestStream'), 'Arn'] },
          },
          {
            Action: 'kms:GenerateDataKey',
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('IngestKey'), 'Arn'] },
          },
        ],
      },
    });
  });

  test('grantRead includes decryption with the stream key', () => {
    const stack = newStack();
    const ingest = new IngestStream(stack, 'Ingest');
    const consumer = new iam.Role(stack, 'Consumer', { assumedBy: new iam.AccountRootPrincipal() });
    ingest.grantRead(consumer);
    templateOf(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: Match.arrayWith(['kinesis:GetRecords', 'kinesis:GetShardIterator']) }),
          Match.objectLike({ Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('IngestKey'), 'Arn'] } }),
        ]),
      },
    });
  });

  test('metrics carry the stream dimension and the statistic the dashboard needs', () => {
    const stack = newStack();
    const ingest = new IngestStream(stack, 'Ingest');
    const resolve = (value: unknown) => stack.resolve(value);
    const iteratorAge = ingest.metricIteratorAge();
    expect(iteratorAge.metricName).toBe('GetRecords.IteratorAgeMilliseconds');
    expect(iteratorAge.statistic).toBe('Maximum');
    const streamLogicalId = resolve(stack.getLogicalId(ingest.stream.node.defaultChild as CfnStream));
    expect(resolve(iteratorAge.dimensions)).toEqual({ StreamName: { Ref: streamLogicalId } });
    expect(ingest.metricIncomingRecords().statistic).toBe('Sum');
    expect(ingest.metricIncomingBytes().metricName).toBe('IncomingBytes');
    expect(ingest.metricWriteThrottled().metricName).toBe('WriteProvisionedThroughputExceeded');
    expect(ingest.metricReadThrottled()).toMatchObject({ metricName: 'ReadProvisionedThroughputExceeded', statistic: 'Sum' });
    expect(resolve(ingest.metricReadThrottled().dimensions)).toEqual({ StreamName: { Ref: streamLogicalId } });
  });

  test('a provisioned stream sized from expected traffic carries the estimate', () => {
    const stack = newStack();
    const ingest = new IngestStream(stack, 'Ingest', {
      streamMode: StreamMode.PROVISIONED,
      throughput: { writeMegabytesPerSecond: 5, headroomPercent: 20 },
    });
    templateOf(stack).hasResourceProperties('AWS::Kinesis::Stream', { ShardCount: 6 });
    expect(ingest.shardEstimate?.explanation).toMatch(/^6 shards: write 5 MB\/s needs 5/);
  });

  test.each([
    [{ throughput: { writeMegabytesPerSecond: 5 } }, 'Invalid IngestStreamProps.throughput with streamMode ON_DEMAND'],
    [{ streamMode: StreamMode.PROVISIONED, shardCount: 2, throughput: { writeMegabytesPerSecond: 5 } }, 'Invalid IngestStreamProps.throughput together with shardCount 2. Allowed: one of the two.'],
  ])('rejects conflicting sizing %#', (props, message) => {
    expect(() => new IngestStream(newStack(), 'Ingest', props)).toThrow(message);
  });

  test('wraps an existing stream: creates nothing, grants and metrics still work', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const existing = Stream.fromStreamAttributes(stack, 'Existing', {
      streamArn: 'arn:aws:kinesis:us-east-1:111122223333:stream/clicks',
      encryptionKey: key,
    });
    const ingest = new IngestStream(stack, 'Ingest', { stream: existing });
    ingest.grantWrite(new iam.Role(stack, 'Producer', { assumedBy: new iam.AccountRootPrincipal() }));
    const template = templateOf(stack);
    template.resourceCountIs('AWS::Kinesis::Stream', 0);
    template.resourceCountIs('AWS::KMS::Key', 0);
    expect(ingest.stream).toBe(existing);
    expect(ingest.encryptionKey).toBe(key);
    expect(iamStatementsIn(template)).toEqual([
      expect.objectContaining({ Action: expect.arrayContaining(['kinesis:PutRecords']), Resource: 'arn:aws:kinesis:us-east-1:111122223333:stream/clicks' }),
      expect.objectContaining({ Action: 'kms:GenerateDataKey', Resource: key.keyArn }),
    ]);
    expect(stack.resolve(ingest.metricIteratorAge().dimensions)).toEqual({ StreamName: 'clicks' });
  });

  test.each(['streamMode', 'shardCount', 'retentionPeriod', 'encryptionKey', 'removalPolicy', 'throughput'])(
    'an existing stream cannot be combined with %s', (prop) => {
      const stack = newStack();
      const existing = Stream.fromStreamArn(stack, 'Existing', 'arn:aws:kinesis:us-east-1:111122223333:stream/clicks');
      const values: Record<string, unknown> = {
        streamMode: StreamMode.PROVISIONED,
        shardCount: 2,
        retentionPeriod: Duration.hours(48),
        encryptionKey: new kms.Key(stack, 'Key'),
        removalPolicy: RemovalPolicy.DESTROY,
        throughput: { writeMegabytesPerSecond: 1 },
      };
      expect(() => new IngestStream(stack, 'Ingest', { stream: existing, [prop]: values[prop] }))
        .toThrow(`Invalid IngestStreamProps.${prop} with an existing stream.`);
    });

  test('addConsumer registers an enhanced fan-out consumer on the stream', () => {
    const stack = newStack();
    const ingest = new IngestStream(stack, 'Ingest');
    const consumer = ingest.addConsumer('analytics');
    templateOf(stack).hasResourceProperties('AWS::Kinesis::StreamConsumer', {
      ConsumerName: 'analytics',
      StreamARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('IngestStream'), 'Arn'] },
    });
    expect(consumer.stream).toBe(ingest.stream);
  });

  test.each(['', 'has space', 'x'.repeat(129)])('addConsumer rejects the name %j', (name) => {
    expect(() => new IngestStream(newStack(), 'Ingest').addConsumer(name)).toThrow('Invalid IngestStream consumer name');
  });
});
