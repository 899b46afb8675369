import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { PipelinePreset, ProcessorMetric, StreamingPipeline } from '../../src';
import { functionEnvironment, iamStatementsIn, newStack, processorStack, templateOf } from '../support/stack';

describe('EnrichmentProcessor sessionization and deduplication', () => {
  test('off by default: no state table, no variables, no write permissions', () => {
    const { processor, template } = processorStack();

    expect(processor.stateTable).toBeUndefined();
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    expect(Object.keys(functionEnvironment(template)).filter(name => /^(STATE|SESSION|DEDUP)_/.test(name))).toEqual([]);
  });

  test('defaults: 30-minute sessions by user_id and timestamp, 24-hour deduplication by event_id, in one new table', () => {
    const { processor, template } = processorStack({ sessionization: {}, deduplication: {} });

    expect(processor.stateTable).toBeDefined();
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ProcessorKey'), 'Arn'] } },
      DeletionProtectionEnabled: true,
    });
    expect(functionEnvironment(template)).toEqual(expect.objectContaining({
      STATE_TABLE_NAME: { Ref: expect.stringMatching(/^ProcessorStateTable/) },
      SESSION_KEY_FIELD: 'user_id',
      SESSION_TIMESTAMP_FIELD: 'timestamp',
      SESSION_GAP_SECONDS: '1800',
      DEDUP_ID_FIELD: 'event_id',
      DEDUP_WINDOW_SECONDS: '86400',
      DEDUP_LEASE_SECONDS: '60',
    }));
  });

  test('the role may read, conditionally write and batch-write the state table, and use its key; nothing else', () => {
    const { template } = processorStack({ deduplication: { window: Duration.hours(1) } });

    const stateStatements = iamStatementsIn(template).filter(s => JSON.stringify(s.Action).includes('dynamodb:'));
    expect(stateStatements).toEqual([expect.objectContaining({
      Action: ['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:BatchWriteItem'],
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ProcessorStateTable/), 'Arn'] },
    })]);
    expect(functionEnvironment(template).DEDUP_WINDOW_SECONDS).toBe('3600');
  });

  test('an imported table is used as given; deduplication can be turned off explicitly', () => {
    const stack = newStack();
    const table = dynamodb.Table.fromTableName(stack, 'State', 'my-state');
    const { processor, template } = processorStack({ sessionization: {}, deduplication: { enabled: false }, stateTable: table }, stack);

    expect(processor.stateTable).toBe(table);
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    expect(functionEnvironment(template)).toEqual(expect.objectContaining({ STATE_TABLE_NAME: 'my-state', SESSION_GAP_SECONDS: '1800' }));
    expect(functionEnvironment(template).DEDUP_WINDOW_SECONDS).toBeUndefined();
  });

  test('a destroyable processor\'s state table can be deleted', () => {
    const { template } = processorStack({ sessionization: {}, removalPolicy: RemovalPolicy.DESTROY });

    template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: false });
  });

  test.each([
    [{ sessionization: { inactivityGap: Duration.seconds(30) } },
      'Invalid EnrichmentProcessorProps.sessionization.inactivityGap: 30 seconds. Allowed: a whole number of seconds from 60 to 86400.'],
    [{ deduplication: { window: Duration.days(8) } },
      'Invalid EnrichmentProcessorProps.deduplication.window: 691200 seconds. Allowed: a whole number of seconds from 60 to 604800.'],
    [{ sessionization: { keyField: 'metadata' } },
      'Invalid EnrichmentProcessorProps.sessionization.keyField: "metadata". Allowed: a string field of the record schema (event_id, event_type, user_id, page).'],
    [{ sessionization: { timestampField: 'user_id' } },
      'Invalid EnrichmentProcessorProps.sessionization.timestampField: "user_id". Allowed: a timestamp field of the record schema (timestamp).'],
    [{ deduplication: { idField: 'nope' } },
      'Invalid EnrichmentProcessorProps.deduplication.idField: "nope". Allowed: a string field of the record schema (event_id, event_type, user_id, page).'],
    [{ stateTable: dynamodb.Table.fromTableName(newStack(), 'T', 't') },
      'Invalid EnrichmentProcessorProps.stateTable: given without sessionization or deduplication. Allowed: only together with either.'],
  ])('rejects %p', (options, message) => {
    expect(() => processorStack(options)).toThrow(message);
  });

  test('the PROD preset deduplicates; DEV and STAGING do not; the pipeline\'s processor options win', () => {
    const dedupOf = (preset: PipelinePreset, processor?: object) => {
      const stack = newStack();
      new StreamingPipeline(stack, 'Pipeline', { preset, processor });
      return functionEnvironment(templateOf(stack)).DEDUP_WINDOW_SECONDS;
    };

    expect([dedupOf(PipelinePreset.DEV), dedupOf(PipelinePreset.STAGING), dedupOf(PipelinePreset.PROD)]).toEqual([undefined, undefined, '86400']);
    expect(dedupOf(PipelinePreset.PROD, { deduplication: { enabled: false } })).toBeUndefined();
    expect(dedupOf(PipelinePreset.DEV, { deduplication: { window: Duration.hours(2) } })).toBe('7200');
  });

  test('metric() reads the handler\'s embedded metrics by namespace, service and function', () => {
    const stack = newStack();
    const { processor } = processorStack({}, stack);

    const stat = (name: ProcessorMetric) => stack.resolve(processor.metric(name).toMetricConfig().metricStat);

    expect(stat(ProcessorMetric.RECORDS_INVALID)).toEqual(expect.objectContaining({
      namespace: 'StreamingPipeline',
      metricName: 'RecordsInvalid',
      statistic: 'Sum',
      dimensions: expect.arrayContaining([
        { name: 'service', value: 'enrichment-processor' },
        { name: 'FunctionName', value: { Ref: expect.stringMatching(/^ProcessorFunction/) } },
      ]),
    }));
    expect(stat(ProcessorMetric.REFERENCE_LOOKUP_LATENCY).statistic).toBe('Average');
  });
});
