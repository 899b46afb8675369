import * as fs from 'fs';
import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { FieldType, EnrichmentProcessor, EnrichmentProcessorOptions, IngestStream, RecordSchema } from '../../src';
import { iamStatementsIn, newStack, templateOf } from '../support/stack';

function processorStack(options: EnrichmentProcessorOptions = {}, recordSchema?: RecordSchema): { stack: Stack; template: Template } {
  const stack = newStack();
  const source = new IngestStream(stack, 'Source');
  const destination = new IngestStream(stack, 'Destination');
  new EnrichmentProcessor(stack, 'Processor', {
    ...options,
    recordSchema,
    sourceStream: source.stream,
    destinationStream: destination.stream,
  });
  return { stack, template: templateOf(stack) };
}

describe('EnrichmentProcessor', () => {
  test('function: Node.js 24 on arm64, tracing, JSON logs, reserved concurrency, the handler contract in its environment', () => {
    const { template } = processorStack();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 512,
      Timeout: 60,
      ReservedConcurrentExecutions: 100,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
      Environment: {
        Variables: {
          OUTPUT_STREAM_NAME: { Ref: Match.stringLikeRegexp('DestinationStream') },
          RECORD_SCHEMA: RecordSchema.seedEvent().toJson(),
          PARTITION_KEY_FIELD: 'user_id',
          POWERTOOLS_SERVICE_NAME: 'enrichment-processor',
          POWERTOOLS_LOG_LEVEL: 'INFO',
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
  });

  test('event source: the pattern\'s batch settings, partial batch responses, bisect, bounded retries, DLQ on failure', () => {
    const { template } = processorStack();
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('SourceStream'), 'Arn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 5,
      ParallelizationFactor: 4,
      MaximumRetryAttempts: 5,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('DeadLetterQueue'), 'Arn'] } } },
    });
  });

  test('dead-letter queue: KMS, TLS only, 14 days', () => {
    const { template } = processorStack();
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ProcessorKey'), 'Arn'] },
      MessageRetentionPeriod: 1_209_600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
  });

  test('execution role: one customer-managed policy, no AWS-managed or inline policies, no wildcard actions', () => {
    const { template } = processorStack();
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] },
      ManagedPolicyArns: Match.absent(),
    });
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', { Roles: [{ Ref: Match.stringLikeRegexp('ProcessorRole') }] });
    const statements = iamStatementsIn(template);
    const actions = statements.flatMap(statement => ([] as string[]).concat(statement.Action));
    expect(actions.filter(action => action.includes('*'))).toEqual([]);
    expect(statements).toContainEqual(expect.objectContaining({
      Action: ['kinesis:PutRecord', 'kinesis:PutRecords', 'kinesis:ListShards', 'kinesis:DescribeStreamSummary'],
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^DestinationStream/), 'Arn'] },
    }));
    expect(statements).toContainEqual(expect.objectContaining({
      Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
    }));
    expect(statements).toContainEqual(expect.objectContaining({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] }));
  });

  test('log group: retention, encrypted with the processor key', () => {
    const { template } = processorStack();
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      RetentionInDays: 365,
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ProcessorKey'), 'Arn'] },
    });
  });

  test('explicit options win over defaults', () => {
    const { template } = processorStack({
      batchSize: 500,
      maxBatchingWindow: Duration.seconds(1),
      parallelizationFactor: 10,
      reservedConcurrentExecutions: 20,
      retryAttempts: 2,
      memorySize: 1024,
      timeout: Duration.seconds(120),
      partitionKeyField: 'event_id',
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 500, MaximumBatchingWindowInSeconds: 1, ParallelizationFactor: 10, MaximumRetryAttempts: 2,
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 1024,
      Timeout: 120,
      ReservedConcurrentExecutions: 20,
      Environment: { Variables: Match.objectLike({ PARTITION_KEY_FIELD: 'event_id' }) },
    });
  });

  test('a consumer of another stream is rejected', () => {
    const stack = newStack();
    const source = new IngestStream(stack, 'Source');
    const other = new IngestStream(stack, 'Other');
    expect(() => new EnrichmentProcessor(stack, 'Processor', {
      sourceStream: source.stream,
      sourceConsumer: other.addConsumer('reader'),
      destinationStream: new IngestStream(stack, 'Destination').stream,
    })).toThrow('Invalid EnrichmentProcessorProps.sourceConsumer: it consumes another stream than sourceStream.');
  });

  test('normalization options reach the handler, checked against the schema', () => {
    const { template } = processorStack({
      normalization: { trimFields: ['user_id', 'page'], lowerCaseFields: ['event_type'], dropUnknownFields: true },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          NORMALIZE_TRIM_FIELDS: 'user_id,page',
          NORMALIZE_LOWERCASE_FIELDS: 'event_type',
          UNKNOWN_FIELDS: 'drop',
        }),
      },
    });
    const defaults = processorStack().template.toJSON();
    expect(JSON.stringify(defaults)).not.toMatch(/NORMALIZE_|UNKNOWN_FIELDS/);
  });

  test.each([
    [{ trimFields: ['metadata'] }, 'Invalid NormalizationOptions.trimFields: "metadata". Allowed: string or timestamp fields of the record schema (event_id, event_type, timestamp, user_id, page).'],
    [{ lowerCaseFields: ['country'] }, 'Invalid NormalizationOptions.lowerCaseFields: "country"'],
  ])('rejects normalization %j', (normalization, message) => {
    expect(() => processorStack({ normalization })).toThrow(message);
  });

  test('a custom schema reaches the handler', () => {
    const schema = RecordSchema.fromFields([{ name: 'device_id', type: FieldType.STRING, required: true }]);
    const { template } = processorStack({ partitionKeyField: 'device_id' }, schema);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ RECORD_SCHEMA: schema.toJson(), PARTITION_KEY_FIELD: 'device_id' }) },
    });
  });

  test.each([
    [{ batchSize: 0 }, 'Invalid EnrichmentProcessorProps.batchSize: 0. Allowed: an integer from 1 to 10000.'],
    [{ batchSize: 10_001 }, 'Invalid EnrichmentProcessorProps.batchSize: 10001'],
    [{ maxBatchingWindow: Duration.seconds(301) }, 'Invalid EnrichmentProcessorProps.maxBatchingWindow: 301 seconds. Allowed: a whole number of seconds from 0 to 300.'],
    [{ parallelizationFactor: 11 }, 'Invalid EnrichmentProcessorProps.parallelizationFactor: 11. Allowed: an integer from 1 to 10.'],
    [{ reservedConcurrentExecutions: 0 }, 'Invalid EnrichmentProcessorProps.reservedConcurrentExecutions: 0'],
    [{ retryAttempts: -1 }, 'Invalid EnrichmentProcessorProps.retryAttempts: -1'],
    [{ memorySize: 64 }, 'Invalid EnrichmentProcessorProps.memorySize: 64. Allowed: an integer from 128 to 10240.'],
    [{ timeout: Duration.minutes(16) }, 'Invalid EnrichmentProcessorProps.timeout: 960 seconds. Allowed: a whole number of seconds from 1 to 900.'],
    [{ partitionKeyField: 'account_id' }, 'Invalid EnrichmentProcessorProps.partitionKeyField: "account_id". Allowed: a field of the record schema (event_id, event_type, timestamp, user_id, page, metadata).'],
  ])('rejects %j', (options, message) => {
    expect(() => processorStack(options)).toThrow(message);
  });

  test('the function code is the pre-bundled handler shipped in assets/', () => {
    const bundle = path.join(__dirname, '..', '..', 'assets', 'enrichment-processor', 'index.js');
    expect(fs.statSync(bundle).size).toBeGreaterThan(10_000);
    expect(fs.readFileSync(bundle, 'utf-8')).toContain('PutRecords');
  });
});
