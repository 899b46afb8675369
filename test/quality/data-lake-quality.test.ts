import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DataLakeQuality, DataLakeQualityOptions, IngestStream, S3DataLakeSink } from '../../src';
import { synthesizeWithNagPacks } from '../support/compliance';
import { IamStatement, newStack, templateOf } from '../support/stack';

/** A data lake sink with its data-quality checks, and the stack's template. */
function qualityStack(options: DataLakeQualityOptions = {}, stack: Stack = newStack()) {
  const sink = new S3DataLakeSink(stack, 'DataLake', { sourceStream: new IngestStream(stack, 'Enriched').stream, dataQuality: options });
  return { stack, sink, quality: sink.dataQuality!, template: templateOf(stack) };
}

/** The statements of the managed policy attached to the role whose logical id starts with `rolePrefix`. */
function statementsOfRole(template: Template, rolePrefix: string): IamStatement[] {
  const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))
    .filter(policy => JSON.stringify(policy.Properties.Roles).includes(rolePrefix));
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement;
}

/** The schedule, and its target's input as the object Scheduler sends, references rendered as `<LogicalId>`. */
function scheduleInput(template: Template) {
  const [schedule] = Object.values(template.findResources('AWS::Scheduler::Schedule'));
  const input: string | { 'Fn::Join': [string, unknown[]] } = schedule.Properties.Target.Input;
  const text = typeof input === 'string' ? input : input['Fn::Join'][1]
    .map(part => typeof part === 'string' ? part : `<${Object.values(part as Record<string, string[]>)[0][0]}>`).join('');
  return { schedule: schedule.Properties, input: JSON.parse(text) };
}

describe('DataLakeQuality', () => {
  test('a data lake sink checks its table by default: the ruleset carries the seed\'s checks on the sink\'s table', () => {
    const { stack, sink, quality, template } = qualityStack();
    expect(quality).toBeInstanceOf(DataLakeQuality);
    template.resourceCountIs('AWS::Glue::DataQualityRuleset', 1);
    template.hasResourceProperties('AWS::Glue::DataQualityRuleset', {
      Name: Match.stringLikeRegexp('^TestStack-DataLake-DataQuality-'),
      Ruleset: quality.dqdl,
      TargetTable: { DatabaseName: stack.resolve(sink.databaseName), TableName: 'enriched_events' },
    });
    expect(quality.dqdl).toBe([
      'Rules = [',
      '  IsComplete "event_id",',
      '  IsUnique "event_id",',
      '  ColumnValues "event_timestamp" > "2024-01-01",',
      '  IsComplete "event_type",',
      '  IsComplete "event_timestamp",',
      '  IsComplete "user_id"',
      ']',
    ].join('\n'));
  });

  test('enabled: false creates none of it', () => {
    const stack = newStack();
    const sink = new S3DataLakeSink(stack, 'DataLake', { sourceStream: new IngestStream(stack, 'Enriched').stream, dataQuality: { enabled: false } });
    expect(sink.dataQuality).toBeUndefined();
    const template = templateOf(stack);
    for (const type of ['AWS::Glue::DataQualityRuleset', 'AWS::Glue::Crawler', 'AWS::Scheduler::Schedule', 'AWS::Events::Rule']) {
      template.resourceCountIs(type, 0);
    }
  });

  test('the crawler registers partitions of the table only, 45 minutes before the evaluation, with encrypted logs', () => {
    const { stack, sink, template } = qualityStack({ scheduleHourUtc: 4 });
    template.hasResourceProperties('AWS::Glue::Crawler', {
      Targets: { CatalogTargets: [{ DatabaseName: stack.resolve(sink.databaseName), Tables: ['enriched_events'] }] },
      SchemaChangePolicy: { UpdateBehavior: 'LOG', DeleteBehavior: 'LOG' },
      Configuration: JSON.stringify({ Version: 1.0, CrawlerOutput: { Partitions: { AddOrUpdateBehavior: 'InheritFromTable' } } }),
      Schedule: { ScheduleExpression: 'cron(0 4 * * ? *)' },
      CrawlerSecurityConfiguration: { Ref: Match.stringLikeRegexp('^DataLakeDataQualitySecurityConfiguration') },
    });
    const keyArn = stack.resolve(sink.encryptionKey.keyArn);
    template.hasResourceProperties('AWS::Glue::SecurityConfiguration', {
      EncryptionConfiguration: {
        CloudWatchEncryption: { CloudWatchEncryptionMode: 'SSE-KMS', KmsKeyArn: keyArn },
        JobBookmarksEncryption: { JobBookmarksEncryptionMode: 'CSE-KMS', KmsKeyArn: keyArn },
        S3Encryptions: [{ S3EncryptionMode: 'SSE-KMS', KmsKeyArn: keyArn }],
      },
    });
    expect(scheduleInput(template).schedule.ScheduleExpression).toBe('cron(45 4 * * ? *)');
    // The crawler starts on its schedule once its permissions exist.
    const [crawler] = Object.values(template.findResources('AWS::Glue::Crawler'));
    expect(crawler.DependsOn).toContainEqual(expect.stringMatching(/^DataLakeDataQualityCrawlerRolePolicy/));
  });

  test('the schedule starts one evaluation per invocation of the last day\'s partitions, as the evaluation role, with metrics', () => {
    const { stack, sink, quality, template } = qualityStack();
    const { schedule, input } = scheduleInput(template);
    expect(schedule.ScheduleExpression).toBe('cron(45 1 * * ? *)');
    expect(schedule.ScheduleExpressionTimezone).toBe('Etc/UTC');
    expect(JSON.stringify(schedule.Target.Arn)).toContain(':scheduler:::aws-sdk:glue:startDataQualityRulesetEvaluationRun');
    expect(schedule.Target.RetryPolicy).toEqual({ MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 });
    expect(schedule.KmsKeyArn).toEqual(stack.resolve(sink.encryptionKey.keyArn));
    expect(input).toEqual({
      DataSource: {
        GlueTable: {
          DatabaseName: stack.resolve(sink.databaseName),
          TableName: 'enriched_events',
          // The full UTC day before the run: Firehose partitions by arrival time in UTC.
          AdditionalOptions: {
            pushDownPredicate: "concat(year, '-', month, '-', day) >= date_format(date_sub(current_date(), 1), 'yyyy-MM-dd') "
              + "AND concat(year, '-', month, '-', day) < date_format(current_date(), 'yyyy-MM-dd')",
          },
        },
      },
      Role: `<${stack.resolve(quality.evaluationRole.roleArn)['Fn::GetAtt'][0]}>`,
      RulesetNames: [stack.resolve(quality.rulesetName)],
      NumberOfWorkers: 2,
      Timeout: 60,
      AdditionalRunOptions: { CloudWatchMetricsEnabled: true },
      // Scheduler's retries of one invocation start one run: each attempt has its own execution id, not its own time.
      ClientToken: '<aws.scheduler.scheduled-time>',
    });
  });

  test('options reach the schedule: days, workers, timeout, date', () => {
    const { quality, template } = qualityStack({ evaluatedDays: 7, workers: 10, timeout: Duration.minutes(90), notBefore: '2025-06-01' });
    const { input } = scheduleInput(template);
    expect(input.DataSource.GlueTable.AdditionalOptions.pushDownPredicate).toContain('date_sub(current_date(), 7)');
    expect(input).toMatchObject({ NumberOfWorkers: 10, Timeout: 90 });
    expect(quality.dqdl).toContain('ColumnValues "event_timestamp" > "2025-06-01"');
  });

  test.each([
    [{ evaluatedDays: 0 }, 'Invalid DataLakeQualityProps.evaluatedDays: 0. Allowed: an integer from 1 to 31.'],
    [{ evaluatedDays: 1.5 }, 'Invalid DataLakeQualityProps.evaluatedDays: 1.5. Allowed: an integer from 1 to 31.'],
    [{ scheduleHourUtc: 24 }, 'Invalid DataLakeQualityProps.scheduleHourUtc: 24. Allowed: an integer from 0 to 23.'],
    [{ workers: 1 }, 'Invalid DataLakeQualityProps.workers: 1. Allowed: an integer from 2 to 100.'],
    [{ timeout: Duration.seconds(30) }, 'Invalid DataLakeQualityProps.timeout: 0.5 minutes. Allowed: a whole number of minutes from 1 to 2880.'],
    [{ timeout: Duration.seconds(90) }, 'Invalid DataLakeQualityProps.timeout: 1.5 minutes. Allowed: a whole number of minutes from 1 to 2880.'],
    [{ timeout: Duration.hours(49) }, 'Invalid DataLakeQualityProps.timeout: 2940 minutes. Allowed: a whole number of minutes from 1 to 2880.'],
    [{ notBefore: '2024-02-30' }, 'Invalid DataLakeQualityProps.notBefore: "2024-02-30". Allowed: a calendar date as YYYY-MM-DD, e.g. 2024-01-01.'],
    [{ idField: 'page_views' }, 'Invalid DataLakeQualityProps.idField: "page_views".'],
  ])('rejects %p', (options, message) => {
    expect(() => qualityStack(options)).toThrow(message);
  });

  test('the evaluation role reads the table, its partitions and objects, publishes results and its metrics, nothing else', () => {
    const { stack, sink, quality, template } = qualityStack();
    const statements = statementsOfRole(template, 'DataLakeDataQualityEvaluationRole');
    expect(statements.map(statement => statement.Action)).toEqual([
      ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions', 'glue:GetPartition', 'glue:BatchGetPartition'],
      ['s3:ListBucket', 's3:GetBucketLocation'],
      's3:GetObject',
      'kms:Decrypt',
      ['glue:GetDataQualityRuleset', 'glue:GetDataQualityRulesetEvaluationRun', 'glue:GetDataQualityResult', 'glue:PublishDataQuality'],
      's3:GetObject',
      'cloudwatch:PutMetricData',
      ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
    ]);
    const resource = (index: number) => JSON.stringify(statements[index].Resource);
    expect(resource(0)).toMatch(/:catalog".*:database\/.*:table\/.*\/enriched_events"/);
    expect(resource(2)).toContain('/data/*');
    expect(statements[3].Resource).toEqual(stack.resolve(sink.encryptionKey.keyArn));
    expect(statements[4].Resource).toEqual(stack.resolve(quality.rulesetArn));
    // Glue Data Quality's libraries, in AWS's bucket of the region.
    expect(JSON.stringify(statements[5].Resource)).toContain(':s3:::aws-glue-ml-data-quality-assets-');
    expect(statements[6]).toMatchObject({ Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': 'Glue Data Quality' } } });
    // Glue checks that it can assume the role, without naming the account: no condition it would not meet.
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'glue.amazonaws.com' } }] },
      Description: Match.stringLikeRegexp('^Evaluates the data quality ruleset'),
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        })],
      },
    });
  });

  test('the crawler role adds partitions to this table only and writes its own encrypted log group', () => {
    const { template } = qualityStack();
    const statements = statementsOfRole(template, 'DataLakeDataQualityCrawlerRole');
    expect(statements.map(statement => statement.Action)).toEqual([
      ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions', 'glue:GetPartition', 'glue:BatchGetPartition', 'glue:BatchCreatePartition',
        'glue:CreatePartition', 'glue:UpdatePartition', 'glue:BatchUpdatePartition'],
      ['s3:ListBucket', 's3:GetBucketLocation'],
      's3:GetObject',
      'kms:Decrypt',
      ['logs:CreateLogGroup', 'logs:AssociateKmsKey'],
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
      ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'],
    ]);
    // The log group Glue names after the role and the security configuration.
    const logGroup = JSON.stringify(statements[4].Resource);
    expect(logGroup).toContain(':log-group:/aws-glue/crawlers-role/');
    expect(logGroup).toMatch(/DataLakeDataQualityCrawlerRole.*-TestStack-DataLake-DataQuality-/);
  });

  test('the scheduler may start this ruleset\'s runs and pass the evaluation role to Glue only', () => {
    const { stack, quality, template } = qualityStack();
    const statements = statementsOfRole(template, 'DataLakeDataQualityScheduleRole');
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: 'glue:StartDataQualityRulesetEvaluationRun', Resource: stack.resolve(quality.rulesetArn) }),
      expect.objectContaining({
        Action: 'iam:PassRole',
        Resource: stack.resolve(quality.evaluationRole.roleArn),
        Condition: { StringEquals: { 'iam:PassedToService': 'glue.amazonaws.com' } },
      }),
    ]));
    expect(JSON.stringify(statements)).not.toContain('"Resource":"*"');
  });

  test('the results rule matches this ruleset\'s results with failed rules, and failed crawls', () => {
    const { stack, quality, template } = qualityStack();
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.glue-dataquality', 'aws.glue'],
        'detail-type': ['Data Quality Evaluation Results Available', 'Glue Crawler State Change'],
        'detail': {
          $or: [
            { rulesetNames: [stack.resolve(quality.rulesetName)], rulesFailed: [{ numeric: ['>', 0] }] },
            { crawlerName: [stack.resolve(quality.crawler.ref)], state: ['Failed'] },
          ],
        },
      },
    });
    expect(stack.resolve(quality.metricFailedEvaluations().dimensions)).toEqual({ RuleName: stack.resolve(quality.resultsRule.ruleName) });
  });

  test('an existing bucket without a customer-managed key: no decrypt grant for its objects', () => {
    const stack = newStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Lake', 'my-lake');
    new S3DataLakeSink(stack, 'DataLake', { sourceStream: new IngestStream(stack, 'Enriched').stream, bucket });
    const template = templateOf(stack);
    expect(statementsOfRole(template, 'DataLakeDataQualityEvaluationRole').map(statement => statement.Action)).not.toContain('kms:Decrypt');
  });

  test('an existing bucket with its own key: the checks decrypt with that key', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'LakeKey', 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const bucket = s3.Bucket.fromBucketAttributes(stack, 'Lake', { bucketName: 'my-lake', encryptionKey: key });
    new S3DataLakeSink(stack, 'DataLake', { sourceStream: new IngestStream(stack, 'Enriched').stream, bucket });
    const statements = statementsOfRole(templateOf(stack), 'DataLakeDataQualityEvaluationRole');
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'kms:Decrypt', Resource: key.keyArn }));
  });

  test('no unacknowledged finding in any of the five packs', () => {
    const [result] = synthesizeWithNagPacks(app => {
      const stack = new Stack(app, 'Quality');
      qualityStack({}, stack);
      return [stack];
    });
    expect(result.findings).toEqual([]);
  });
});
