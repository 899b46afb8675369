import { ArnFormat, Duration, Names, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { dataQualityRules, dqdlRuleset, schemaQualityColumns, validateNotBefore } from './data-quality-rules';
import { catalogTableArns } from '../internal/catalog-table';
import { pathInStack } from '../internal/describe';
import { ManagedPolicyRole } from '../internal/managed-policy-role';
import { nagResourceName } from '../internal/nag-finding';
import { validateDurationInRange, validateIntegerInRange } from '../internal/validation';
import { DEFAULTS } from '../presets/defaults';
import { RecordSchema } from '../schema/record-schema';
import { TIME_PARTITION_COLUMNS } from '../sinks/data-lake-columns';

/**
 * What the data-quality checks of a data lake table check, and when.
 */
export interface DataLakeQualityOptions {
  /**
   * The day every record's timestamp must come after (`YYYY-MM-DD`, midnight UTC): records dated before it are
   * replays, clock errors or test data.
   *
   * @default "2024-01-01"
   */
  readonly notBefore?: string;
  /**
   * The record field that identifies an event (string or integer): it must be present in every record and unique.
   *
   * @default "event_id"
   */
  readonly idField?: string;
  /**
   * The record field of type timestamp that must come after `notBefore`.
   *
   * @default "timestamp"
   */
  readonly timestampField?: string;
  /**
   * How many full days (UTC) before the evaluation each evaluation reads, from 1 to 31. Uniqueness is checked within
   * them.
   *
   * @default 1
   */
  readonly evaluatedDays?: number;
  /**
   * The hour (UTC, 0 to 23) at which the crawler registers the new partitions; the evaluation starts 45 minutes later.
   *
   * @default 1
   */
  readonly scheduleHourUtc?: number;
  /**
   * G.1X workers of each evaluation run, from 2 to 100.
   *
   * @default 2
   */
  readonly workers?: number;
  /**
   * How long an evaluation run may take before Glue stops it, from 1 minute to 48 hours.
   *
   * @default Duration.hours(1)
   */
  readonly timeout?: Duration;
}

/**
 * Properties of a `DataLakeQuality`.
 */
export interface DataLakeQualityProps extends DataLakeQualityOptions {
  /** The bucket of the table's Parquet files. */
  readonly bucket: s3.IBucket;
  /**
   * The key the table's objects are encrypted with, which the crawler and the evaluation decrypt with.
   *
   * @default - the bucket's `encryptionKey`; none when the objects use S3-managed keys
   */
  readonly objectEncryptionKey?: kms.IKey;
  /** The key that encrypts the crawler's logs. Its policy must let CloudWatch Logs use it. */
  readonly encryptionKey: kms.IKey;
  /** The Glue database of the table. */
  readonly databaseName: string;
  /** The Glue table, partitioned by `year`, `month`, `day` and `hour` strings (and optionally a field before them). */
  readonly tableName: string;
  /**
   * The S3 prefix of the table's location, without slashes at either end.
   *
   * @default "data"
   */
  readonly dataPrefix?: string;
  /**
   * The schema of the table's records: its required fields must be complete.
   *
   * @default RecordSchema.seedEvent()
   */
  readonly recordSchema?: RecordSchema;
  /**
   * Column names for record fields, by field name, as the table names them (see `S3DataLakeSinkProps.columnNames`).
   *
   * @default - the field name in lower case, reserved words with the `event_` prefix
   */
  readonly columnNames?: { [field: string]: string };
}

/**
 * Glue Data Quality on a data lake table: a ruleset with the pattern's checks (the id field complete and unique, the
 * timestamp after a date, every required field complete), evaluated every day on the previous day's partitions.
 *
 * Glue reads the table's partitions from the Data Catalog, and the data lake table projects its partitions for Athena
 * instead of registering them, so a crawler registers them first. An evaluation with failed rules raises an
 * EventBridge event that `resultsRule` matches; `PipelineDashboard` alarms on it. The CLI's
 * `npx cdk-streaming-pipeline quality` runs the same rules on Parquet files by hand.
 */
export class DataLakeQuality extends Construct {
  /** The ruleset, evaluated against the table. */
  public readonly ruleset: glue.CfnDataQualityRuleset;
  /** The ruleset's name. */
  public readonly rulesetName: string;
  /** The ruleset's ARN. */
  public readonly rulesetArn: string;
  /** The ruleset's DQDL document. */
  public readonly dqdl: string;
  /** The crawler that registers the table's new partitions before each evaluation. */
  public readonly crawler: glue.CfnCrawler;
  /** The schedule that starts each evaluation run. */
  public readonly schedule: scheduler.Schedule;
  /** The role Glue evaluates the ruleset as. */
  public readonly evaluationRole: iam.IRole;
  /**
   * Matches the results of this ruleset's evaluations that have failed rules, and failed runs of the crawler. Add a
   * target to be told of them.
   */
  public readonly resultsRule: events.Rule;

  constructor(scope: Construct, id: string, props: DataLakeQualityProps) {
    super(scope, id);
    const defaults = DEFAULTS.dataQuality;
    const notBefore = validateNotBefore('DataLakeQualityProps.notBefore', props.notBefore ?? defaults.notBefore);
    const evaluatedDays = props.evaluatedDays ?? defaults.evaluatedDays;
    validateIntegerInRange('DataLakeQualityProps.evaluatedDays', evaluatedDays, defaults.evaluatedDaysRange.min, defaults.evaluatedDaysRange.max);
    const scheduleHour = props.scheduleHourUtc ?? defaults.scheduleHourUtc;
    validateIntegerInRange('DataLakeQualityProps.scheduleHourUtc', scheduleHour, 0, 23);
    const workers = props.workers ?? defaults.workers;
    validateIntegerInRange('DataLakeQualityProps.workers', workers, defaults.workersRange.min, defaults.workersRange.max);
    const timeout = props.timeout ?? defaults.timeout;
    // StartDataQualityRulesetEvaluationRun takes whole minutes, up to Glue's default of 48 hours.
    validateDurationInRange('DataLakeQualityProps.timeout', timeout, 1, 48 * 60, 'minutes');

    const rules = dataQualityRules({
      ...schemaQualityColumns({
        schema: props.recordSchema ?? RecordSchema.seedEvent(),
        columnNames: props.columnNames,
        idField: props.idField ?? defaults.idField,
        timestampField: props.timestampField ?? defaults.timestampField,
        prop: 'DataLakeQualityProps',
      }),
      notBefore,
    });
    this.dqdl = dqdlRuleset(rules);
    const stack = Stack.of(this);
    this.rulesetName = Names.uniqueResourceName(this, { maxLength: 255, separator: '-' });
    this.rulesetArn = stack.formatArn({ service: 'glue', resource: 'dataQualityRuleset', resourceName: this.rulesetName });
    this.ruleset = new glue.CfnDataQualityRuleset(this, 'Ruleset', {
      name: this.rulesetName,
      description: `The streaming pipeline pattern's data lake checks, for ${pathInStack(this)}`,
      ruleset: this.dqdl,
      targetTable: { databaseName: props.databaseName, tableName: props.tableName },
    });

    this.crawler = this.partitionCrawler(props, scheduleHour);
    const evaluationRole = this.roleFor('EvaluationRole', 'glue.amazonaws.com', `Evaluates the data quality ruleset of ${pathInStack(this)}`);
    grantTableRead(evaluationRole, props, ['glue:GetPartitions', 'glue:GetPartition', 'glue:BatchGetPartition']);
    evaluationRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['glue:GetDataQualityRuleset', 'glue:GetDataQualityRulesetEvaluationRun', 'glue:GetDataQualityResult', 'glue:PublishDataQuality'],
      resources: [this.rulesetArn],
    }));
    // The evaluation's runtime loads Glue Data Quality's own libraries from AWS's bucket of the region.
    const dataQualityAssets = `arn:${stack.partition}:s3:::aws-glue-ml-data-quality-assets-${stack.region}/*`;
    evaluationRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [dataQualityAssets] }));
    evaluationRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': 'Glue Data Quality' } },
    }));
    // Glue names the log groups and streams of evaluation runs itself, under /aws-glue/.
    const glueLogs = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '/aws-glue/*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    evaluationRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [glueLogs],
    }));
    acknowledge(evaluationRole, [
      ['Resource::*', 'cloudwatch:PutMetricData supports no resource-level permissions; the statement is limited to the "Glue Data Quality" namespace.'],
      [`Resource::${nagResourceName(this, glueLogs)}`, 'Glue names the log groups and streams of data quality runs itself, under /aws-glue/.'],
      [`Resource::${nagResourceName(this, dataQualityAssets)}`, 'AWS\'s bucket of Glue Data Quality libraries, which the evaluation runtime loads; read only.'],
    ]);
    this.evaluationRole = evaluationRole;
    this.schedule = this.evaluationSchedule(props, evaluationRole, { evaluatedDays, scheduleHour, workers, timeout });

    this.resultsRule = new events.Rule(this, 'FailedRulesRule', {
      description: `Results of ${pathInStack(this)} with failed rules, and failed crawls of its partitions`,
      eventPattern: {
        source: ['aws.glue-dataquality', 'aws.glue'],
        detailType: ['Data Quality Evaluation Results Available', 'Glue Crawler State Change'],
        detail: {
          // A failed crawl registers no partitions: the next evaluation would read nothing.
          $or: [
            { rulesetNames: [this.rulesetName], rulesFailed: [{ numeric: ['>', 0] }] },
            { crawlerName: [this.crawler.ref], state: ['Failed'] },
          ],
        },
      },
    });
    Validations.of(this.resultsRule).acknowledge({
      id: 'Serverless-EventBusDLQ',
      reason: 'The alarm counts the rule\'s matches whether or not a target receives them, and every result stays in Glue (GetDataQualityResult).',
    });
  }

  /**
   * The number of evaluations with failed rules and failed crawls: a count of `resultsRule`'s matches, which
   * EventBridge publishes once the rule has a target.
   *
   * @default - sum over 1 day
   */
  public metricFailedEvaluations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/Events',
      metricName: 'TriggeredRules',
      dimensionsMap: { RuleName: this.resultsRule.ruleName },
      statistic: cloudwatch.Stats.SUM,
      period: Duration.days(1),
      label: 'failed evaluations and crawls',
      ...props,
    });
  }

  /**
   * Registers the partitions Firehose wrote under the table's location, keeping the table's own definition: Athena
   * goes on projecting partitions, Glue reads the registered ones.
   */
  private partitionCrawler(props: DataLakeQualityProps, scheduleHour: number): glue.CfnCrawler {
    const logKey = props.encryptionKey;
    const role = this.roleFor('CrawlerRole', 'glue.amazonaws.com', `Registers the data lake partitions of ${pathInStack(this)}`);
    grantTableRead(role, props, ['glue:GetPartitions', 'glue:GetPartition', 'glue:BatchGetPartition', 'glue:BatchCreatePartition',
      'glue:CreatePartition', 'glue:UpdatePartition', 'glue:BatchUpdatePartition']);
    const stack = Stack.of(this);
    const securityConfigurationName = Names.uniqueResourceName(this, { maxLength: 128, separator: '-' });
    const securityConfiguration = new glue.CfnSecurityConfiguration(this, 'SecurityConfiguration', {
      name: securityConfigurationName,
      encryptionConfiguration: {
        cloudWatchEncryption: { cloudWatchEncryptionMode: 'SSE-KMS', kmsKeyArn: logKey.keyArn },
        jobBookmarksEncryption: { jobBookmarksEncryptionMode: 'CSE-KMS', kmsKeyArn: logKey.keyArn },
        s3Encryptions: [{ s3EncryptionMode: 'SSE-KMS', kmsKeyArn: logKey.keyArn }],
      },
    });
    // Glue names the crawler's log group after the role and the security configuration and encrypts it with the key;
    // the crawler writes its logs as the role.
    const logGroup = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: `/aws-glue/crawlers-role/${role.roleName}-${securityConfigurationName}`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogGroup', 'logs:AssociateKmsKey'], resources: [logGroup] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroup}:*`] }));
    logKey.grant(role, 'kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey');
    acknowledge(role, [
      [`Resource::${nagResourceName(this, `${logGroup}:*`)}`, 'The crawler names its log streams itself, in its own log group.'],
    ]);
    const crawler = new glue.CfnCrawler(this, 'PartitionCrawler', {
      role: role.roleArn,
      description: `Registers the new partitions of the data lake table for ${pathInStack(this)}`,
      targets: { catalogTargets: [{ databaseName: props.databaseName, tables: [props.tableName] }] },
      // A catalog target keeps the table as defined; only partitions are added, with the table's own columns.
      schemaChangePolicy: { updateBehavior: 'LOG', deleteBehavior: 'LOG' },
      recrawlPolicy: { recrawlBehavior: 'CRAWL_EVERYTHING' },
      configuration: JSON.stringify({ Version: 1.0, CrawlerOutput: { Partitions: { AddOrUpdateBehavior: 'InheritFromTable' } } }),
      crawlerSecurityConfiguration: securityConfiguration.ref,
      schedule: { scheduleExpression: `cron(0 ${scheduleHour} * * ? *)` },
    });
    // The crawler may start on its schedule as soon as it exists: with its permissions.
    crawler.node.addDependency(role.managedPolicy!);
    return crawler;
  }

  private evaluationSchedule(
    props: DataLakeQualityProps,
    evaluationRole: iam.IRole,
    spec: { evaluatedDays: number; scheduleHour: number; workers: number; timeout: Duration },
  ): scheduler.Schedule {
    const defaults = DEFAULTS.dataQuality;
    const schedulerRole = this.roleFor('ScheduleRole', 'scheduler.amazonaws.com', `Starts the data quality evaluations of ${pathInStack(this)}`);
    const target = new schedulerTargets.Universal({
      service: 'glue',
      action: 'startDataQualityRulesetEvaluationRun',
      role: schedulerRole,
      retryAttempts: defaults.startRetries,
      maxEventAge: defaults.startMaxAge,
      policyStatements: [
        new iam.PolicyStatement({ actions: ['glue:StartDataQualityRulesetEvaluationRun'], resources: [this.rulesetArn] }),
        new iam.PolicyStatement({
          actions: ['iam:PassRole'],
          resources: [evaluationRole.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': 'glue.amazonaws.com' } },
        }),
      ],
      input: scheduler.ScheduleTargetInput.fromObject({
        DataSource: {
          GlueTable: {
            DatabaseName: props.databaseName,
            TableName: props.tableName,
            AdditionalOptions: { pushDownPredicate: lastDaysPredicate(spec.evaluatedDays) },
          },
        },
        Role: evaluationRole.roleArn,
        RulesetNames: [this.rulesetName],
        NumberOfWorkers: spec.workers,
        Timeout: spec.timeout.toMinutes(),
        AdditionalRunOptions: { CloudWatchMetricsEnabled: true },
        // One run per scheduled time, however often the Scheduler retries starting it: each attempt has an execution
        // id of its own, the scheduled time is the same.
        ClientToken: scheduler.ContextAttribute.scheduledTime,
      }),
    });
    return new scheduler.Schedule(this, 'EvaluationSchedule', {
      description: `Evaluates the data quality ruleset of ${pathInStack(this)} on the last ${spec.evaluatedDays} day(s)`,
      schedule: scheduler.ScheduleExpression.cron({ minute: String(defaults.evaluationMinute), hour: String(spec.scheduleHour) }),
      target,
      key: props.encryptionKey,
    });
  }

  /**
   * A role for a service. Scheduler names the account it assumes roles for; Glue checks at CreateCrawler that it can
   * assume the crawler's role and is not documented to send `aws:SourceAccount`, so its roles trust it unconditioned.
   */
  private roleFor(id: string, service: 'glue.amazonaws.com' | 'scheduler.amazonaws.com', description: string): ManagedPolicyRole {
    const conditions = service === 'scheduler.amazonaws.com' ? { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } } : undefined;
    return new ManagedPolicyRole(this, id, { assumedBy: new iam.ServicePrincipal(service, { conditions }), description });
  }
}

/**
 * Spark SQL over the string partition columns: the `days` full UTC days before the evaluation runs.
 */
function lastDaysPredicate(days: number): string {
  const [year, month, day] = TIME_PARTITION_COLUMNS;
  const partitionDay = `concat(${year}, '-', ${month}, '-', ${day})`;
  return `${partitionDay} >= date_format(date_sub(current_date(), ${days}), 'yyyy-MM-dd') `
    + `AND ${partitionDay} < date_format(current_date(), 'yyyy-MM-dd')`;
}

/**
 * What reading the table takes: its definition and partitions in the catalog (`partitionActions`), its objects, and
 * their key.
 */
/** Acknowledges `AwsSolutions-IAM5` findings of a role's policy, each with its reason. */
function acknowledge(role: iam.IRole, findings: Array<[string, string]>): void {
  for (const [finding, reason] of findings) {
    Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
  }
}

function grantTableRead(role: iam.IRole, props: DataLakeQualityProps, partitionActions: string[]): void {
  const dataPrefix = props.dataPrefix ?? DEFAULTS.dataLake.dataOutputPrefix.split('/')[0];
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['glue:GetDatabase', 'glue:GetTable', ...partitionActions],
    resources: catalogTableArns(role, props.databaseName, props.tableName),
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket', 's3:GetBucketLocation'], resources: [props.bucket.bucketArn] }));
  const objects = props.bucket.arnForObjects(`${dataPrefix}/*`);
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [objects] }));
  acknowledge(role, [[`Resource::${nagResourceName(role, objects)}`,
    `Firehose names the objects under the ${dataPrefix}/ prefix itself (time-partitioned); reads are scoped to the prefix.`]]);
  const objectKey = props.objectEncryptionKey ?? props.bucket.encryptionKey;
  objectKey?.grantDecrypt(role);
}
