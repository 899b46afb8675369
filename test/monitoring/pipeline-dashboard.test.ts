import { Match } from 'aws-cdk-lib/assertions';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { RedshiftTarget, StreamingPipeline } from '../../src';
import { newStack, templateOf } from '../support/stack';

describe('PipelineDashboard', () => {
  test('iterator-age alarm: the pattern\'s 5 minutes over 300 s, on the ingest stream, notifying on ALARM and OK', () => {
    const stack = newStack();
    const pipeline = new StreamingPipeline(stack, 'Pipeline');
    const template = templateOf(stack);
    const streamLogicalId = stack.resolve((pipeline.ingestStream.stream.node.defaultChild as never as { logicalId: string }).logicalId);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Kinesis',
      MetricName: 'GetRecords.IteratorAgeMilliseconds',
      Dimensions: [{ Name: 'StreamName', Value: { Ref: streamLogicalId } }],
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 300_000,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmTopic') }],
      OKActions: [{ Ref: Match.stringLikeRegexp('AlarmTopic') }],
    });
  });

  test('dead-letter alarm: any visible message', () => {
    const stack = newStack();
    new StreamingPipeline(stack, 'Pipeline');
    templateOf(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('DeadLetterQueue'), 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmTopic') }],
    });
  });

  test('alarm topic: encrypted with the pipeline key, HTTPS only, and the key lets CloudWatch publish', () => {
    const stack = newStack();
    new StreamingPipeline(stack, 'Pipeline');
    const template = templateOf(stack);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('PipelineKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        })]),
      },
    });
  });

  test('a given topic is used instead of a new one', () => {
    const stack = newStack();
    const topic = sns.Topic.fromTopicArn(stack, 'Existing', 'arn:aws:sns:us-east-1:111122223333:on-call');
    new StreamingPipeline(stack, 'Pipeline', { alarmTopic: topic });
    const template = templateOf(stack);
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: ['arn:aws:sns:us-east-1:111122223333:on-call'] });
  });

  test('dashboard rows follow the data: ingest, processing, delivery, failures', () => {
    const stack = newStack();
    new StreamingPipeline(stack, 'Pipeline');
    const [dashboard] = Object.values(templateOf(stack).findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(stack.resolve(dashboard.Properties.DashboardBody));
    const titles = ['Ingest: incoming records', 'Processing: iterator age (ms)', 'Delivery (DataLake): data freshness (s)', 'Failures: dead-letter queue messages']
      .map(title => body.indexOf(title));
    expect(titles.every(index => index >= 0)).toBe(true);
    expect([...titles].sort((a, b) => a - b)).toEqual(titles);
    expect(body).toContain('DeliveryToS3.DataFreshness');
  });

  test('each sink gets its delivery row: data lake, OpenSearch, Redshift', () => {
    const stack = newStack();
    new StreamingPipeline(stack, 'Pipeline', {
      openSearch: { domain: opensearch.Domain.fromDomainEndpoint(stack, 'Search', 'https://search-logs-abc123.us-east-1.es.amazonaws.com') },
      redshift: {
        target: RedshiftTarget.provisionedCluster({ endpointAddress: 'wh.example.us-east-1.redshift.amazonaws.com', databaseName: 'events' }),
        tableName: 'enriched_events',
        credentials: secretsmanager.Secret.fromSecretNameV2(stack, 'Loader', 'firehose-loader'),
      },
    });
    const [dashboard] = Object.values(templateOf(stack).findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(stack.resolve(dashboard.Properties.DashboardBody));
    const rows = ['Delivery (DataLake): success', 'DeliveryToS3.Success', 'Delivery (OpenSearch): success', 'DeliveryToAmazonOpenSearchService.Success',
      'Delivery (Redshift): success', 'DeliveryToRedshift.Success']
      .map(text => body.indexOf(text));
    expect(rows.every(index => index >= 0)).toBe(true);
    expect([...rows].sort((a, b) => a - b)).toEqual(rows);
  });
});
