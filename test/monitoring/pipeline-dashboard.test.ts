import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { FlinkApplicationCode, HttpIngestionAuth, PipelinePreset, RedshiftTarget, StreamingPipeline } from '../../src';
import { DEFAULTS } from '../../src/presets/defaults';
import { DashboardMetric, dashboardMetrics, dashboardWidgets, renderValue } from '../support/dashboard';
import { newStack, templateOf } from '../support/stack';

/** The alarms a pipeline should have, with the pattern's thresholds, from the resources in its stack. */
function expectedAlarms(stack: Stack, pipeline: StreamingPipeline, template: Template) {
  const ref = (value: unknown) => stack.resolve(value);
  const ingest = ref(pipeline.ingestStream.stream.streamName);
  const enriched = ref(pipeline.enrichedStream.stream.streamName);
  const consumer = pipeline.processor.sourceConsumer;
  const kinesis = (metricName: string, streamName: unknown, threshold: number, extra: object = {}) => ({
    Namespace: 'AWS/Kinesis',
    MetricName: metricName,
    Dimensions: [{ Name: 'StreamName', Value: streamName }],
    Statistic: 'Sum',
    Period: 300,
    Threshold: threshold,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'notBreaching',
    ...extra,
  });
  const deliveryStreams = Object.entries(template.findResources('AWS::KinesisFirehose::DeliveryStream'));
  const freshnessMetric = (type: string) => ({ S3: 'DeliveryToS3', Amazonopensearchservice: 'DeliveryToAmazonOpenSearchService', Redshift: 'DeliveryToRedshift' })[type];
  return [
    {
      Namespace: 'AWS/Kinesis',
      ...(consumer === undefined
        ? { MetricName: 'GetRecords.IteratorAgeMilliseconds', Dimensions: [{ Name: 'StreamName', Value: ingest }] }
        : {
          MetricName: 'SubscribeToShardEvent.MillisBehindLatest',
          Dimensions: [{ Name: 'ConsumerName', Value: ref(consumer.streamConsumerName) }, { Name: 'StreamName', Value: ingest }],
        }),
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 300_000,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'breaching',
    },
    kinesis('WriteProvisionedThroughputExceeded', ingest, 0),
    kinesis('ReadProvisionedThroughputExceeded', ingest, 0),
    kinesis('WriteProvisionedThroughputExceeded', enriched, 0),
    kinesis('ReadProvisionedThroughputExceeded', enriched, 0),
    {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: ref(pipeline.processor.function.functionName) }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 10,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    },
    ...deliveryStreams.map(([logicalId, resource]) => {
      const destination = Object.keys(resource.Properties).find(key => key.endsWith('DestinationConfiguration'))!.replace(/^(Extended)?/, '').replace('DestinationConfiguration', '');
      const firehose = (id: string, metricName: string) => ({
        Id: id,
        ReturnData: false,
        MetricStat: {
          Metric: { Namespace: 'AWS/Firehose', MetricName: metricName, Dimensions: [{ Name: 'DeliveryStreamName', Value: { Ref: logicalId } }] },
          Period: 300,
          Stat: 'Maximum',
        },
      });
      // The larger of the delivery stream's freshness (s) and how far its reading of the enriched stream lags (ms).
      return {
        Metrics: [
          { Id: 'expr_1', Expression: 'MAX([freshness, sourceLag / 1000])', Label: 'delivery lag (s)', ReturnData: true },
          firehose('freshness', `${freshnessMetric(destination)}.DataFreshness`),
          firehose('sourceLag', 'KinesisMillisBehindLatest'),
        ],
        Threshold: 900,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      };
    }),
    {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: ref(pipeline.processor.deadLetterQueue.queueName) }],
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'ignore',
    },
    // The data lake's quality: any evaluation with failed rules in the last day.
    {
      Metrics: [{
        Id: 'm1',
        Label: 'failed evaluations and crawls',
        ReturnData: true,
        MetricStat: {
          Metric: { Namespace: 'AWS/Events', MetricName: 'TriggeredRules', Dimensions: [{ Name: 'RuleName', Value: ref(pipeline.dataLake.dataQuality!.resultsRule.ruleName) }] },
          Period: 86_400,
          Stat: 'Sum',
        },
      }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    },
  ];
}

function alarmsOf(template: Template) {
  return Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(alarm => alarm.Properties);
}

/** Code for a Flink application, in a bucket outside the stack. */
function flinkCode() {
  return FlinkApplicationCode.fromBucket(s3.Bucket.fromBucketName(new Stack(), 'Artifacts', 'flink-artifacts'), 'analytics.jar');
}

const topicRef = { Ref: Match.stringLikeRegexp('^PipelineMonitoringAlarmTopic') };

describe('PipelineDashboard', () => {
  test.each([
    [PipelinePreset.DEV, 9],
    [PipelinePreset.STAGING, 10],
    [PipelinePreset.PROD, 10],
  ])('%#: every alarm of the preset with its metric, dimensions, statistic, period, threshold, comparison and actions (%p alarms)', (preset, count) => {
    const stack = newStack();
    const pipeline = new StreamingPipeline(stack, 'Pipeline', { preset });
    const template = templateOf(stack);
    const expected = expectedAlarms(stack, pipeline, template);
    expect(expected).toHaveLength(count);
    expect(alarmsOf(template)).toHaveLength(count);
    for (const alarm of expected) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...alarm,
        EvaluationPeriods: 1,
        AlarmDescription: Match.stringLikeRegexp('Runbook: the "Runbook" section'),
        AlarmActions: [topicRef],
        OKActions: [topicRef],
      });
    }
    expect(pipeline.monitoring.alarms).toHaveLength(count);
    // One per sink: the data lake, and OpenSearch in staging and prod.
    expect(pipeline.monitoring.deliveryFreshnessAlarms).toHaveLength(count - 8);
    expect(pipeline.monitoring.dataQualityAlarm).toBeDefined();
    // Every alarm names the resource it watches: an alarm without its dimensions never fires.
    for (const alarm of alarmsOf(template)) {
      type Stat = { MetricStat?: { Metric: { Dimensions: unknown[] } } };
      const dimensionLists: unknown[][] = alarm.Metrics === undefined ? [alarm.Dimensions]
        : (alarm.Metrics as Stat[]).filter(metric => metric.MetricStat).map(metric => metric.MetricStat!.Metric.Dimensions);
      expect(dimensionLists.length).toBeGreaterThan(0);
      dimensionLists.forEach(dimensions => expect(dimensions.length).toBeGreaterThan(0));
    }
  });

  test('the composite health alarm fires when any alarm does and notifies on ALARM and OK', () => {
    const stack = newStack();
    const pipeline = new StreamingPipeline(stack, 'Pipeline');
    const template = templateOf(stack);
    const [composite] = Object.values(template.findResources('AWS::CloudWatch::CompositeAlarm')).map(alarm => alarm.Properties);
    expect(composite).toMatchObject({ AlarmActions: [expect.objectContaining({ Ref: expect.stringMatching(/^PipelineMonitoringAlarmTopic/) })] });
    expect(composite.OKActions).toEqual(composite.AlarmActions);
    const rule = JSON.stringify(stack.resolve(composite.AlarmRule));
    const alarmIds = Object.keys(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarmIds).toHaveLength(pipeline.monitoring.alarms.length);
    for (const alarmId of alarmIds) {
      expect(rule).toContain(alarmId);
    }
    expect(rule.match(/ALARM\(/g)).toHaveLength(alarmIds.length);
    expect(rule.match(/ OR /g)).toHaveLength(alarmIds.length - 1);
  });

  test('HTTP ingestion adds its 5XX rate alarm: more than 1 % of requests, once there are at least 20', () => {
    const stack = newStack();
    const pipeline = new StreamingPipeline(stack, 'Pipeline', { httpIngestion: { auth: HttpIngestionAuth.iam() } });
    const template = templateOf(stack);
    expect(alarmsOf(template)).toHaveLength(10);
    const [restApi] = Object.values(template.findResources('AWS::ApiGateway::RestApi'));
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [
        { Id: 'expr_1', Expression: 'IF(requests >= 20, 100 * serverErrors / requests, 0)', Label: '5XX responses (%)', ReturnData: true },
        ...[['requests', 'Count'], ['serverErrors', '5XXError']].map(([id, metricName]) => ({
          Id: id,
          ReturnData: false,
          MetricStat: {
            Metric: { Namespace: 'AWS/ApiGateway', MetricName: metricName, Dimensions: [{ Name: 'ApiName', Value: restApi.Properties.Name }, { Name: 'Stage', Value: 'v1' }] },
            Period: 300,
            Stat: 'Sum',
          },
        })),
      ],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [topicRef],
      OKActions: [topicRef],
    });
    expect(pipeline.monitoring.httpServerErrorAlarm).toBeDefined();
  });

  test('thresholds: an explicit prop wins over a custom preset\'s, which wins over the pattern\'s', () => {
    const stack = newStack();
    const preset = PipelinePreset.custom('quiet', {
      ...PipelinePreset.DEV.settings,
      alarmThresholds: { iteratorAge: Duration.minutes(10), processorErrors: 50, deliveryFreshness: Duration.minutes(30) },
    });
    new StreamingPipeline(stack, 'Pipeline', { preset, alarmThresholds: { processorErrors: 100, deadLetterMessages: 5, throttledWrites: 20 } });
    const byMetric = (metricName: string) => alarmsOf(templateOf(stack))
      .filter(alarm => alarm.MetricName === metricName).map(alarm => alarm.Threshold);
    expect(byMetric('GetRecords.IteratorAgeMilliseconds')).toEqual([600_000]);
    expect(byMetric('Errors')).toEqual([100]);
    const freshness = alarmsOf(templateOf(stack)).filter(alarm => JSON.stringify(alarm.Metrics ?? []).includes('DeliveryToS3.DataFreshness'));
    expect(freshness.map(alarm => alarm.Threshold)).toEqual([1_800]);
    expect(byMetric('ApproximateNumberOfMessagesVisible')).toEqual([5]);
    expect(byMetric('WriteProvisionedThroughputExceeded')).toEqual([20, 20]);
    expect(byMetric('ReadProvisionedThroughputExceeded')).toEqual([0, 0]);
  });

  test.each([
    [{ deadLetterMessages: 0 }, 'Invalid StreamingPipelineProps.alarmThresholds.deadLetterMessages: 0. Allowed: an integer from 1 to'],
    [{ processorErrors: 2.5 }, 'Invalid StreamingPipelineProps.alarmThresholds.processorErrors: 2.5. Allowed: an integer from 0 to'],
    [{ throttledReads: -1 }, 'Invalid StreamingPipelineProps.alarmThresholds.throttledReads: -1. Allowed: an integer from 0 to'],
    [{ iteratorAge: Duration.millis(500) }, 'Invalid StreamingPipelineProps.alarmThresholds.iteratorAge: 0.5 seconds. Allowed: a whole number of seconds from 1 to 31536000.'],
    [{ deliveryFreshness: Duration.days(400) }, 'Invalid StreamingPipelineProps.alarmThresholds.deliveryFreshness: 34560000 seconds. Allowed: a whole number of seconds from 1 to 31536000.'],
    [{ httpServerErrorPercent: 100 }, 'Invalid StreamingPipelineProps.alarmThresholds.httpServerErrorPercent: 100. Allowed: a percentage from 0 to less than 100.'],
  ])('rejects thresholds %j', (alarmThresholds, message) => {
    expect(() => new StreamingPipeline(newStack(), 'Pipeline', { alarmThresholds })).toThrow(message);
  });

  test('a bad threshold of a custom preset names the preset', () => {
    const preset = PipelinePreset.custom('noisy', { ...PipelinePreset.DEV.settings, alarmThresholds: { deadLetterMessages: 0 } });
    expect(() => new StreamingPipeline(newStack(), 'Pipeline', { preset }))
      .toThrow('Invalid PipelinePreset "noisy" alarmThresholds.deadLetterMessages: 0.');
  });

  test('alarm topic: encrypted with the pipeline key, HTTPS only, and the key lets CloudWatch and EventBridge publish', () => {
    const stack = newStack();
    const pipeline = new StreamingPipeline(stack, 'Pipeline');
    const template = templateOf(stack);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('PipelineKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          // The data-quality results, published by EventBridge.
          Match.objectLike({ Effect: 'Allow', Action: 'sns:Publish', Principal: { Service: 'events.amazonaws.com' } }),
        ],
      },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: Match.absent(),
      Targets: [Match.objectLike({ Arn: stack.resolve(pipeline.monitoring.alarmTopic.topicArn) })],
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
    // The data-quality results: EventBridge's SnsTopic target lets the service use the key.
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] })]),
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
    const titles = ['Ingest: incoming records', 'Processing: iterator age (ms)', 'Delivery (DataLake): data freshness and source lag (s)', 'Failures: dead-letter queue messages']
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

  test('Flink analytics adds its row: uptime, checkpoints, records lag', () => {
    const stack = newStack();
    new StreamingPipeline(stack, 'Pipeline', { preset: PipelinePreset.PROD, analytics: { code: flinkCode() } });
    expect(dashboardWidgets(templateOf(stack)).slice(-3).map(widget => widget.title))
      .toEqual(['Flink: uptime and downtime (ms)', 'Flink: checkpoints', 'Flink: records lag (ms behind latest)']);
  });

  test('widgets per enabled component: HTTP ingestion joins the ingest row, each sink adds a delivery row', () => {
    const plain = newStack();
    new StreamingPipeline(plain, 'Pipeline');
    const withHttp = newStack('WithHttp');
    new StreamingPipeline(withHttp, 'Pipeline', { preset: PipelinePreset.STAGING, httpIngestion: { auth: HttpIngestionAuth.iam() } });
    const titles = (stack: Stack) => dashboardWidgets(templateOf(stack)).map(widget => widget.title);
    const ingest = ['Ingest: incoming records', 'Ingest: incoming bytes', 'Ingest: PutRecords records', 'Ingest: PutRecords latency (ms)',
      'Ingest: throttled writes and reads'];
    const http = ['HTTP ingestion: 4XX and 5XX responses', 'HTTP ingestion: latency (ms)'];
    const processing = ['Processing: iterator age (ms)', 'Processing: invocations, errors, throttles', 'Processing: duration (ms)',
      'Processing: concurrent executions', 'Processing: records', 'Processing: reference cache hit ratio (%)', 'Enriched stream: incoming records',
      'Enriched stream: throttled writes and reads'];
    const delivery = (sink: string) => [`Delivery (${sink}): records read from the stream`, `Delivery (${sink}): success`,
      `Delivery (${sink}): data freshness and source lag (s)`, `Delivery (${sink}): source lag (ms behind latest)`];
    const failures = ['Failures: dead-letter queue messages', 'Failures: oldest dead letter (s)', 'Alarms',
      'Data quality: failed evaluations and crawls (per day)'];
    expect(titles(plain)).toEqual([...ingest, ...processing, ...delivery('DataLake'), ...failures]);
    expect(titles(withHttp)).toEqual([...ingest, ...http, ...processing, ...delivery('DataLake'), ...delivery('OpenSearch'), ...failures]);
  });

  test.each([
    ['dev', () => ({ preset: PipelinePreset.DEV })],
    ['staging with HTTP ingestion', () => ({ preset: PipelinePreset.STAGING, httpIngestion: { auth: HttpIngestionAuth.iam() } })],
    ['prod with Flink analytics', () => ({ preset: PipelinePreset.PROD, analytics: { code: flinkCode() } })],
  ])('%s: every metric on the dashboard belongs to a resource of the same stack (no dangling metric)', (_name, props) => {
    const stack = newStack();
    new StreamingPipeline(stack, 'Pipeline', props());
    const template = templateOf(stack);
    const resources: Record<string, { Type: string; Properties: Record<string, unknown> }> = template.toJSON().Resources;
    const metrics = dashboardMetrics(template);
    expect(metrics.length).toBeGreaterThan(20);
    const problems = metrics.flatMap(metric => danglingDimensions(metric, resources));
    expect(problems).toEqual([]);
  });
});

/** Which resource each dimension of a namespace names, and how the dashboard refers to it. */
type DimensionTarget = { type: string; reference: 'Ref' | string; rendered?: (ref: string) => string } | { type: string; property: string } | { literal: string };
const DIMENSION_RESOURCES: Record<string, Record<string, DimensionTarget>> = {
  'AWS/Kinesis': {
    StreamName: { type: 'AWS::Kinesis::Stream', reference: 'Ref' },
    ConsumerName: { type: 'AWS::Kinesis::StreamConsumer', reference: 'ConsumerName' },
  },
  'AWS/Lambda': { FunctionName: { type: 'AWS::Lambda::Function', reference: 'Ref' } },
  'AWS/SQS': { QueueName: { type: 'AWS::SQS::Queue', reference: 'QueueName' } },
  'AWS/Firehose': { DeliveryStreamName: { type: 'AWS::KinesisFirehose::DeliveryStream', reference: 'Ref' } },
  'AWS/ApiGateway': {
    ApiName: { type: 'AWS::ApiGateway::RestApi', property: 'Name' },
    Stage: { type: 'AWS::ApiGateway::Stage', property: 'StageName' },
  },
  'AWS/Events': { RuleName: { type: 'AWS::Events::Rule', reference: 'Ref' } },
  'AWS/KinesisAnalytics': {
    Application: { type: 'AWS::KinesisAnalyticsV2::Application', reference: 'Ref' },
    // The Kinesis source's lag is published per input stream, its name with underscores for hyphens.
    Flow: { literal: 'Input' },
    Id: { type: 'AWS::Kinesis::Stream', reference: 'Ref', rendered: (ref: string) => `Replace(-,_,${ref})` },
  },
  [DEFAULTS.processorObservability.metricsNamespace]: {
    FunctionName: { type: 'AWS::Lambda::Function', reference: 'Ref' },
    service: { type: 'AWS::Lambda::Function', property: 'Environment.Variables.POWERTOOLS_SERVICE_NAME' },
  },
};

/**
 * The metrics each namespace publishes that the dashboard may draw, as the services document them (Kinesis Data Streams,
 * Lambda, SQS, Firehose with a Kinesis source, API Gateway, EventBridge rules, Managed Flink) and as the processor publishes them.
 */
const DOCUMENTED_METRICS: Record<string, string[]> = {
  'AWS/Kinesis': ['IncomingRecords', 'IncomingBytes', 'PutRecords.SuccessfulRecords', 'PutRecords.FailedRecords', 'PutRecords.ThrottledRecords',
    'PutRecords.Latency', 'WriteProvisionedThroughputExceeded', 'ReadProvisionedThroughputExceeded', 'GetRecords.IteratorAgeMilliseconds',
    'SubscribeToShardEvent.MillisBehindLatest'],
  'AWS/Lambda': ['Invocations', 'Errors', 'Throttles', 'Duration', 'ConcurrentExecutions'],
  'AWS/SQS': ['ApproximateNumberOfMessagesVisible', 'ApproximateAgeOfOldestMessage'],
  'AWS/Firehose': ['DataReadFromKinesisStream.Records', 'KinesisMillisBehindLatest', 'DeliveryToS3.Success', 'DeliveryToS3.DataFreshness',
    'DeliveryToAmazonOpenSearchService.Success', 'DeliveryToAmazonOpenSearchService.DataFreshness', 'DeliveryToRedshift.Success',
    'DeliveryToRedshift.DataFreshness'],
  'AWS/ApiGateway': ['Count', '4XXError', '5XXError', 'Latency'],
  'AWS/Events': ['TriggeredRules'],
  'AWS/KinesisAnalytics': ['uptime', 'downtime', 'fullRestarts', 'numberOfFailedCheckpoints', 'lastCheckpointDuration', 'millisBehindLatest'],
  [DEFAULTS.processorObservability.metricsNamespace]: ['RecordsIn', 'RecordsEnriched', 'RecordsInvalid', 'RecordsDeduplicated', 'RecordsRetried',
    'ReferenceCacheHitRatio', 'ReferenceLookupLatency', 'ReferenceSharedCacheErrors'],
};

/** What is wrong with a metric's dimensions: each must name an existing resource of the type its namespace watches. */
function danglingDimensions(metric: DashboardMetric, resources: Record<string, { Type: string; Properties: Record<string, unknown> }>): string[] {
  const known = DIMENSION_RESOURCES[metric.namespace];
  const where = `${metric.widget}: ${metric.namespace} ${metric.metricName}`;
  if (known === undefined) {
    return [`${where}: namespace of no resource in the stack`];
  }
  if (!DOCUMENTED_METRICS[metric.namespace]?.includes(metric.metricName)) {
    return [`${where}: not a metric the namespace publishes`];
  }
  if (Object.keys(metric.dimensions).length === 0) {
    return [`${where}: no dimensions`];
  }
  return Object.entries(metric.dimensions).flatMap(([name, value]) => {
    const expected = known[name];
    if (expected === undefined) {
      return [`${where}: unexpected dimension ${name}`];
    }
    if ('literal' in expected) {
      return value === expected.literal ? [] : [`${where}: ${name} ${value} is not ${expected.literal}`];
    }
    const ofType = Object.entries(resources).filter(([, resource]) => resource.Type === expected.type);
    const found = 'property' in expected
      ? ofType.some(([, resource]) => renderValue(expected.property.split('.')
        .reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], resource.Properties)) === value)
      : ofType.some(([logicalId]) => {
        const reference = expected.reference === 'Ref' ? `Ref:${logicalId}` : `GetAtt:${logicalId}.${expected.reference}`;
        return value === (expected.rendered?.(reference) ?? reference);
      });
    return found ? [] : [`${where}: ${name} ${value} names no ${expected.type} of the stack`];
  });
}
