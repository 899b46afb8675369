import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { IngestStream } from '../ingest/ingest-stream';
import { givenOrNewKey } from '../internal/encryption-key';
import { DEFAULTS } from '../presets/defaults';
import { EnrichmentProcessor } from '../processing/enrichment-processor';
import { FirehoseSink } from '../sinks/firehose-sink';

/**
 * Properties of a `PipelineDashboard`.
 */
export interface PipelineDashboardProps {
  /** The stream producers write to. */
  readonly ingestStream: IngestStream;
  /** The processor that reads the ingest stream. */
  readonly processor: EnrichmentProcessor;
  /** The stream the processor writes to. */
  readonly enrichedStream: IngestStream;
  /** The Firehose sinks of the enriched stream, each with a delivery row. */
  readonly sinks: FirehoseSink[];
  /**
   * The topic alarms notify on ALARM and on OK.
   *
   * @default - a new topic encrypted with `encryptionKey`, HTTPS-only
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * The customer-managed KMS key of the alarm topic this construct creates. CloudWatch is allowed to use it,
   * so that alarms can publish to the encrypted topic.
   *
   * @default - a new key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Processing lag, in milliseconds, above which the iterator-age alarm fires.
   *
   * @default 300000 (5 minutes)
   */
  readonly iteratorAgeThreshold?: number;
}

/**
 * A CloudWatch dashboard of the pipeline, rows in the order data flows (ingest, processing, delivery,
 * failures), and the alarms of the pattern, which notify an SNS topic.
 */
export class PipelineDashboard extends Construct {
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** The topic the alarms notify. */
  public readonly alarmTopic: sns.ITopic;
  /** Fires when the processor falls more than the threshold behind the ingest stream. */
  public readonly iteratorAgeAlarm: cloudwatch.Alarm;
  /** Fires when a failed batch lands in the dead-letter queue. */
  public readonly deadLetterAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: PipelineDashboardProps) {
    super(scope, id);
    this.alarmTopic = props.alarmTopic ?? this.createAlarmTopic(props.encryptionKey);

    this.iteratorAgeAlarm = new cloudwatch.Alarm(this, 'IteratorAgeAlarm', {
      alarmDescription: 'Processing is falling behind: the oldest unprocessed record in the ingest stream is older than the threshold.',
      metric: props.ingestStream.metricIteratorAge({ period: DEFAULTS.alarms.iteratorAgePeriod }),
      threshold: props.iteratorAgeThreshold ?? DEFAULTS.alarms.iteratorAgeMs,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // No data means no records were read, which is not lag: an idle stream is healthy.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmDescription: 'Failed batches are waiting in the processor dead-letter queue.',
      metric: props.processor.metricDeadLetterMessages({ period: DEFAULTS.alarms.deadLetterPeriod }),
      threshold: DEFAULTS.alarms.deadLetterMessages,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      // SQS publishes queue metrics continuously; a gap is a metrics outage and should not page on its own.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const action = new cloudwatchActions.SnsAction(this.alarmTopic);
    for (const alarm of [this.iteratorAgeAlarm, this.deadLetterAlarm]) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(3),
      widgets: [
        [
          graph('Ingest: incoming records', [props.ingestStream.metricIncomingRecords()]),
          graph('Ingest: incoming bytes', [props.ingestStream.metricIncomingBytes()]),
          graph('Ingest: write throttling', [props.ingestStream.metricWriteThrottled()]),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Processing: iterator age (ms)',
            left: [props.ingestStream.metricIteratorAge()],
            leftAnnotations: [{ value: props.iteratorAgeThreshold ?? DEFAULTS.alarms.iteratorAgeMs, label: 'alarm' }],
            width: 8,
          }),
          graph('Processing: invocations and errors', [props.processor.metricInvocations(), props.processor.metricErrors()]),
          graph('Enriched stream: incoming records', [props.enrichedStream.metricIncomingRecords()]),
        ],
        ...props.sinks.map(sink => [
          graph(`Delivery (${sink.node.id}): records into Firehose`, [sink.metricIncomingRecords()]),
          graph(`Delivery (${sink.node.id}): success`, [sink.metricDeliverySuccess()]),
          graph(`Delivery (${sink.node.id}): data freshness (s)`, [sink.metricDataFreshness()]),
        ]),
        [
          graph('Failures: dead-letter queue messages', [props.processor.metricDeadLetterMessages()]),
          new cloudwatch.AlarmStatusWidget({
            title: 'Alarms',
            alarms: [this.iteratorAgeAlarm, this.deadLetterAlarm],
            width: 16,
          }),
        ],
      ],
    });
  }

  private createAlarmTopic(givenKey?: kms.IKey): sns.ITopic {
    const key = givenOrNewKey(this, givenKey, 'the alarm topic');
    // CloudWatch publishes alarm notifications as itself, so the key must let the service use it.
    key.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
    }));
    return new sns.Topic(this, 'AlarmTopic', {
      masterKey: key,
      enforceSSL: true,
    });
  }
}

function graph(title: string, metrics: cloudwatch.IMetric[]): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({ title, left: metrics, width: 8 });
}
