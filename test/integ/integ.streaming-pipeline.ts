/**
 * Deployable end-to-end test of the dev preset, run by integ-runner (see the README, "End-to-end test against an
 * account"). Offline, `npx projen integ` only compares the pipeline stack's template with the committed snapshot
 * in integ.streaming-pipeline.ts.snapshot/; deployed, the assertions below run in the account:
 *
 * 1. seed events go in through the HTTP endpoint (SigV4-signed PUT /records and PUT /record) and the SDK
 *    (PutRecords); an unsigned request gets 403 and an invalid body 400;
 * 2. an event without `event_id` goes in through the SDK (PutRecord), where nothing validates it before the processor;
 * 3. the enriched stream holds every seed event, enriched (`processed_at`, timestamps in UTC), and not the invalid one;
 * 4. the invalid event is in the dead-letter queue, with the processor's reason;
 * 5. the data lake holds Parquet files under the seed's prefix with every seed event, and nothing under `errors/`;
 * 6. the data-quality crawler registers the new partitions, and an evaluation of the ruleset (all partitions: the test's
 *    data is today's, the schedule evaluates yesterday's) succeeds with every rule passed.
 */
import * as path from 'path';
import { AwsApiCall, ExpectedResult, IApiCall, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { PipelinePreset, StreamingPipeline } from '../../src';
import { DEFAULTS } from '../../src/presets/defaults';

// No stack traces in the metadata: they hold absolute paths of the machine that synthesized the snapshot.
const app = new App({ stackTraces: false, context: { [cxapi.DISABLE_CREATION_STACK_TRACES]: true } });

// The stack under test, and the only one in the snapshot comparison: the dev preset with HTTP ingestion (IAM auth,
// the default), everything removed with the stack. Without an env it is region-agnostic, as integ-runner requires.
const stack = new Stack(app, 'streaming-pipeline-integ');
const pipeline = new StreamingPipeline(stack, 'Pipeline', {
  preset: PipelinePreset.DEV,
  httpIngestion: {},
  removalPolicy: RemovalPolicy.DESTROY,
});
// The data lake and its access log bucket hold objects once the test ran, and CloudFormation deletes only empty
// buckets; this empties them (after denying new writes) when the stack is destroyed.
pipeline.with(new s3.mixins.BucketAutoDeleteObjects());

// The test's own producers and readers live in the assertion stack, outside the snapshot.
const assertionStack = new Stack(app, 'streaming-pipeline-integ-assertions');
const integ = new IntegTest(app, 'StreamingPipelineInteg', {
  testCases: [stack],
  assertionStack,
  // Each run deploys a fresh pipeline (no deploy of the previous snapshot first), so the snapshot needs no assets:
  // integ-runner leaves the asset directories out of it.
  stackUpdateWorkflow: false,
});

/** A test-only function bundled from handlers/ with esbuild, its logs removed with the stack. */
function testFunction(id: string, entry: string): nodejs.NodejsFunction {
  return new nodejs.NodejsFunction(assertionStack, id, {
    entry: path.join(__dirname, 'handlers', entry),
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: 512,
    timeout: Duration.minutes(2),
    bundling: { minify: true, sourceMap: false },
    logGroup: new logs.LogGroup(assertionStack, `${id}Logs`, { retention: logs.RetentionDays.ONE_WEEK, removalPolicy: RemovalPolicy.DESTROY }),
  });
}

// HTTP puts go through a function that signs them with SigV4, as IAM producers do: integ-tests-alpha's httpApiCall
// cannot sign, and API Gateway's TestInvokeMethod skips authorization, so neither exercises the real endpoint.
const httpProducer = testFunction('HttpProducer', 'http-producer.ts');
pipeline.httpIngestion!.grantInvoke(httpProducer);
const streamReader = testFunction('StreamReader', 'stream-reader.ts');
pipeline.enrichedStream.grantRead(streamReader);
const dataLakeReader = testFunction('DataLakeReader', 'data-lake-reader.ts');
pipeline.dataLake.bucket.grantRead(dataLakeReader);

/** The seed event's time, as the processor writes it (UTC). */
const SEED_TIMESTAMP = '2024-01-15T10:30:00Z';

/** The pattern's clickstream event (the seed event). */
interface SeedEvent {
  readonly event_id?: string;
  readonly event_type: string;
  readonly timestamp: string;
  readonly user_id: string;
  readonly page: string;
  readonly metadata: { readonly browser: string; readonly device: string };
}

/** A seed event with an id and a user of this test. */
function seedEvent(eventId: string, userId: string, timestamp = SEED_TIMESTAMP): SeedEvent & { readonly event_id: string } {
  return {
    event_id: eventId,
    event_type: 'page_view',
    timestamp,
    user_id: userId,
    page: '/products/123',
    metadata: { browser: 'Chrome', device: 'mobile' },
  };
}
const httpBatch = [seedEvent('integ-http-batch-1', 'integ-user-1'), seedEvent('integ-http-batch-2', 'integ-user-2')];
// The same time with an offset, which the processor rewrites in UTC.
const httpSingle = seedEvent('integ-http-single-1', 'integ-user-3', '2024-01-15T11:30:00+01:00');
const sdkBatch = [seedEvent('integ-sdk-batch-1', 'integ-user-4'), seedEvent('integ-sdk-batch-2', 'integ-user-5')];
const INVALID_USER = 'integ-invalid-user';
// Without its required event_id (JSON leaves undefined out).
const invalidEvent: SeedEvent = { ...seedEvent('integ-invalid-1', INVALID_USER), event_id: undefined };
const validEvents = [...httpBatch, httpSingle, ...sdkBatch];
const validEventIds = validEvents.map(event => event.event_id).sort();

/** ISO-8601 in UTC with a `Z`, as the processor writes `processed_at` and normalized timestamps. */
const ISO_UTC = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,3})?Z$';

/** A PUT through the HTTP endpoint by the test producer. */
function httpPut(resource: 'records' | 'record', body: unknown, sign = true): IApiCall {
  return integ.assertions.invokeFunction({
    functionName: httpProducer.functionName,
    payload: assertionStack.toJsonString({ url: `${pipeline.httpIngestion!.url}${resource}`, body, sign }),
  });
}

/** Lets the SDK calls of the assertion providers (the call's and, when it waits, its waiter's) use the pipeline key. */
function allowKey(call: IApiCall, actions: string[]): void {
  const statement = { Effect: 'Allow', Action: actions, Resource: [pipeline.encryptionKey.keyArn] };
  call.provider.addToRolePolicy(statement);
  if (call instanceof AwsApiCall) {
    call.waiterProvider?.addToRolePolicy(statement);
  }
}

// 1. Seed events through the HTTP endpoint: a signed batch and a signed single record are accepted...
const putHttpBatch = httpPut('records', { records: httpBatch }).expect(ExpectedResult.objectLike({
  Payload: Match.serializedJson(Match.objectLike({ status: 200, body: Match.objectLike({ FailedRecordCount: 0 }) })),
}));
const putHttpSingle = httpPut('record', httpSingle).expect(ExpectedResult.objectLike({
  Payload: Match.serializedJson(Match.objectLike({ status: 200, body: Match.objectLike({ SequenceNumber: Match.stringLikeRegexp('^\\d+$') }) })),
}));
// ... an unsigned request is refused by IAM authorization, and a body without a required field by the request model.
const putHttpUnsigned = httpPut('record', seedEvent('integ-http-unsigned-1', INVALID_USER), false).expect(ExpectedResult.objectLike({
  Payload: Match.serializedJson(Match.objectLike({ status: 403 })),
}));
const putHttpInvalid = httpPut('record', invalidEvent).expect(ExpectedResult.objectLike({
  Payload: Match.serializedJson(Match.objectLike({ status: 400, body: Match.objectLike({ error: 'BadRequestBody' }) })),
}));

// ... and through the SDK, as a producer with grantWrite would.
const putSdkBatch = integ.assertions.awsApiCall('Kinesis', 'putRecords', {
  StreamName: pipeline.ingestStream.stream.streamName,
  Records: sdkBatch.map(event => ({ Data: JSON.stringify(event), PartitionKey: event.user_id })),
}).expect(ExpectedResult.objectLike({ FailedRecordCount: 0 }));
allowKey(putSdkBatch, ['kms:GenerateDataKey']);

// 2. An invalid event (no event_id) through the SDK: only the processor sees it.
const putSdkInvalid = integ.assertions.awsApiCall('Kinesis', 'putRecord', {
  StreamName: pipeline.ingestStream.stream.streamName,
  Data: JSON.stringify(invalidEvent),
  PartitionKey: INVALID_USER,
}).expect(ExpectedResult.objectLike({ SequenceNumber: Match.stringLikeRegexp('^\\d+$') }));
allowKey(putSdkInvalid, ['kms:GenerateDataKey']);

// 3. The enriched stream: every seed event once, enriched; the invalid and refused events are not there (the reader
// answers the records of all the test's users, so an extra record fails the exact list).
const enrichedRecords = integ.assertions.invokeFunction({
  functionName: streamReader.functionName,
  payload: assertionStack.toJsonString({
    streamName: pipeline.enrichedStream.stream.streamName,
    userIds: [...validEvents.map(event => event.user_id), INVALID_USER],
  }),
}).expect(ExpectedResult.objectLike({
  Payload: Match.serializedJson(Match.objectLike({
    records: [...validEvents].sort((a, b) => a.event_id.localeCompare(b.event_id)).map(event => Match.objectLike({
      event_id: event.event_id,
      user_id: event.user_id,
      event_type: event.event_type,
      timestamp: SEED_TIMESTAMP,
      processed_at: Match.stringLikeRegexp(ISO_UTC),
    })),
  })),
})).waitForAssertions({ totalTimeout: Duration.minutes(10), interval: Duration.seconds(20) });

// 4. The dead-letter queue: the invalid event with the processor's reason. Reading does not hide the message from
// the next attempt (visibility timeout 0).
const deadLetters = integ.assertions.awsApiCall('SQS', 'receiveMessage', {
  QueueUrl: pipeline.processor.deadLetterQueue.queueUrl,
  MaxNumberOfMessages: 10,
  VisibilityTimeout: 0,
  WaitTimeSeconds: 10,
}).expect(ExpectedResult.objectLike({
  Messages: Match.arrayWith([Match.objectLike({
    Body: Match.serializedJson(Match.objectLike({
      source: 'cdk-streaming-pipeline/enrichment-processor',
      reasons: ['field "event_id" is required but missing'],
      partitionKey: INVALID_USER,
    })),
  })]),
})).waitForAssertions({ totalTimeout: Duration.minutes(10), interval: Duration.seconds(20) });
allowKey(deadLetters, ['kms:Decrypt']);

// 5. The data lake: Parquet files under the seed's prefix (data/year=.../month=/day=/hour=/) holding every seed
// event. Firehose buffers up to 300 s (the dev preset keeps the pattern's buffering) before it writes a file.
const seedPrefix = DEFAULTS.dataLake.dataOutputPrefix.split('!{')[0];
const dataLakeFiles = integ.assertions.invokeFunction({
  functionName: dataLakeReader.functionName,
  payload: assertionStack.toJsonString({ bucketName: pipeline.dataLake.bucket.bucketName, prefix: seedPrefix }),
}).expect(ExpectedResult.objectLike({
  Payload: Match.serializedJson(Match.objectLike({
    keys: Match.arrayWith([Match.stringLikeRegexp(`^${seedPrefix}\\d{4}/month=\\d{2}/day=\\d{2}/hour=\\d{2}/.+`)]),
    notParquet: [],
    columns: Match.arrayWith(['event_id', 'event_timestamp', 'processed_at', 'user_id']),
    eventIds: validEventIds,
  })),
})).waitForAssertions({ totalTimeout: Duration.minutes(20), interval: Duration.seconds(30) });

// ... and no record that Firehose could not convert.
const conversionErrors = integ.assertions.awsApiCall('S3', 'listObjectsV2', {
  Bucket: pipeline.dataLake.bucket.bucketName,
  Prefix: DEFAULTS.dataLake.errorOutputPrefix.split('!{')[0],
}).expect(ExpectedResult.objectLike({ KeyCount: 0 }));
// The SDK call is ListObjectsV2; the IAM action is s3:ListBucket.
conversionErrors.provider.addToRolePolicy({ Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [pipeline.dataLake.bucket.bucketArn] });

// 6. Data quality: the crawler registers today's partitions, then the ruleset, evaluated as the schedule does but on
// every partition, passes on the seed events.
const quality = pipeline.dataLake.dataQuality!;
const startCrawl = integ.assertions.awsApiCall('Glue', 'startCrawler', { Name: quality.crawler.ref });
const crawled = integ.assertions.awsApiCall('Glue', 'getCrawler', { Name: quality.crawler.ref })
  .expect(ExpectedResult.objectLike({ Crawler: Match.objectLike({ State: 'READY', LastCrawl: Match.objectLike({ Status: 'SUCCEEDED' }) }) }))
  .waitForAssertions({ totalTimeout: Duration.minutes(20), interval: Duration.seconds(30) });
const evaluation = integ.assertions.awsApiCall('Glue', 'startDataQualityRulesetEvaluationRun', {
  DataSource: { GlueTable: { DatabaseName: pipeline.dataLake.databaseName, TableName: pipeline.dataLake.tableName } },
  Role: quality.evaluationRole.roleArn,
  RulesetNames: [quality.rulesetName],
  NumberOfWorkers: DEFAULTS.dataQuality.workers,
  Timeout: 30,
  AdditionalRunOptions: { CloudWatchMetricsEnabled: true },
});
evaluation.provider.addToRolePolicy({ Effect: 'Allow', Action: ['iam:PassRole'], Resource: [quality.evaluationRole.roleArn] });
const evaluated = integ.assertions.awsApiCall('Glue', 'getDataQualityRulesetEvaluationRun', { RunId: evaluation.getAttString('RunId') })
  .expect(ExpectedResult.objectLike({ Status: 'SUCCEEDED' }))
  .waitForAssertions({ totalTimeout: Duration.minutes(30), interval: Duration.seconds(30) });
// The run's result, read once it succeeded: every rule of the ruleset passed.
const evaluationRun = integ.assertions.awsApiCall('Glue', 'getDataQualityRulesetEvaluationRun', { RunId: evaluation.getAttString('RunId') });
const qualityResult = integ.assertions.awsApiCall('Glue', 'getDataQualityResult', { ResultId: evaluationRun.getAttString('ResultIds.0') })
  .expect(ExpectedResult.objectLike({
    RulesetName: quality.rulesetName,
    RuleResults: quality.dqdl.split('\n').slice(1, -1).map(() => Match.objectLike({ Result: 'PASS' })),
  }));

// Producers first, then the checks, one after the other.
putHttpBatch
  .next(putHttpSingle)
  .next(putHttpUnsigned)
  .next(putHttpInvalid)
  .next(putSdkBatch)
  .next(putSdkInvalid)
  .next(enrichedRecords)
  .next(deadLetters)
  .next(dataLakeFiles)
  .next(conversionErrors)
  .next(startCrawl)
  .next(crawled)
  .next(evaluation)
  .next(evaluated)
  .next(evaluationRun)
  .next(qualityResult);

app.synth();
