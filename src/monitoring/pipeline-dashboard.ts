import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { PipelineAlarmThresholds, resolveAlarmThresholds } from './pipeline-alarm-thresholds';
import { FlinkApplication } from '../analytics/flink-application';
import { HttpIngestion } from '../ingest/http-ingestion';
import { IngestStream } from '../ingest/ingest-stream';
import { givenOrNewKey } from '../internal/encryption-key';
import { DEFAULTS } from '../presets/defaults';
import { EnrichmentProcessor } from '../processing/enrichment-processor';
import { ProcessorMetric } from '../processing/processor-metric';
import { DataLakeQuality } from '../quality/data-lake-quality';
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
  /** The Firehose sinks of the enriched stream, each with a delivery row and a freshness alarm. */
  readonly sinks: FirehoseSink[];
  /**
   * The HTTP front door of the ingest stream: its requests, errors and latency join the ingest row, and its
   * server-error rate gets an alarm.
   *
   * @default - none
   */
  readonly httpIngestion?: HttpIngestion;
  /**
   * The Flink application reading the ingest stream: uptime, checkpoints and lag get a row of their own.
   *
   * @default - none
   */
  readonly flinkApplication?: FlinkApplication;
  /**
   * The data lake's data-quality checks: an evaluation with failed rules raises an alarm and sends its result to the
   * alarm topic.
   *
   * @default - no data-quality alarm
   */
  readonly dataQuality?: DataLakeQuality;
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
   * The alarms' thresholds.
   *
   * @default - the pattern's: iterator age 5 minutes, any throttling, 10 processor errors in 5 minutes, freshness
   * 15 minutes, 1 dead letter, 1 % HTTP server errors
   */
  readonly alarmThresholds?: PipelineAlarmThresholds;
}

/**
 * A CloudWatch dashboard of the pipeline, rows in the order data flows (ingest, processing, delivery, failures, then
 * Flink), and the pattern's alarms, which notify an SNS topic on ALARM and on OK, with one composite alarm for the
 * pipeline's health. Every alarm is a public member, so that teams can add actions of their own.
 */
export class PipelineDashboard extends Construct {
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** The topic the alarms notify. */
  public readonly alarmTopic: sns.ITopic;
  /** Fires when the processor falls further behind the ingest stream than the threshold. */
  public readonly iteratorAgeAlarm: cloudwatch.Alarm;
  /** Fires when writes to the ingest stream are throttled. */
  public readonly ingestWriteThrottleAlarm: cloudwatch.Alarm;
  /** Fires when reads of the ingest stream are throttled. */
  public readonly ingestReadThrottleAlarm: cloudwatch.Alarm;
  /** Fires when the processor's writes to the enriched stream are throttled. */
  public readonly enrichedWriteThrottleAlarm: cloudwatch.Alarm;
  /** Fires when the sinks' reads of the enriched stream are throttled. */
  public readonly enrichedReadThrottleAlarm: cloudwatch.Alarm;
  /** Fires when processor invocations fail more often than the threshold. */
  public readonly processorErrorsAlarm: cloudwatch.Alarm;
  /** One per sink, in the order of `sinks`: fires when the sink's delivery falls behind. */
  public readonly deliveryFreshnessAlarms: cloudwatch.Alarm[];
  /** Fires when a failed batch lands in the dead-letter queue. */
  public readonly deadLetterAlarm: cloudwatch.Alarm;
  /**
   * Fires when the HTTP front door answers too many requests with a 5XX status.
   *
   * @default - none without `httpIngestion`
   */
  public readonly httpServerErrorAlarm?: cloudwatch.Alarm;
  /**
   * In ALARM for a day after a data-quality evaluation found failed rules or the partition crawl failed.
   *
   * @default - none without `dataQuality`
   */
  public readonly dataQualityAlarm?: cloudwatch.Alarm;
  /** Every metric alarm above. */
  public readonly alarms: cloudwatch.Alarm[];
  /** In ALARM while any alarm of the pipeline is: the one alarm to page on. */
  public readonly healthAlarm: cloudwatch.CompositeAlarm;

  constructor(scope: Construct, id: string, props: PipelineDashboardProps) {
    super(scope, id);
    this.alarmTopic = props.alarmTopic ?? this.createAlarmTopic(props.encryptionKey);
    const thresholds = resolveAlarmThresholds({ source: 'PipelineDashboardProps.alarmThresholds', thresholds: props.alarmThresholds });
    const periods = DEFAULTS.alarms;
    const { ingestStream, enrichedStream, processor } = props;

    this.iteratorAgeAlarm = this.alarm('IteratorAgeAlarm', {
      description: 'Processing is falling behind: the oldest record of the ingest stream the processor has not read is older than the threshold.',
      metric: processor.metricIteratorAge({ period: periods.iteratorAge.period }),
      threshold: thresholds.iteratorAge.toMilliseconds(),
      // The processor polls every shard every second, busy or idle, so the metric always has data while it reads: a
      // period without any means nothing reads the stream, which is the lag this alarm is about.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    const throttleAlarm = (alarmId: string, streamName: string, direction: 'writes to' | 'reads of', metric: cloudwatch.IMetric, threshold: number) =>
      this.alarm(alarmId, {
        description: `Kinesis throttles ${direction} the ${streamName} stream: its throughput is exceeded.`,
        metric,
        threshold,
        // Throttling is only reported for requests made; no requests, nothing throttled.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    this.ingestWriteThrottleAlarm = throttleAlarm('IngestWriteThrottleAlarm', 'ingest', 'writes to',
      ingestStream.metricWriteThrottled({ period: periods.throttledWrites.period }), thresholds.throttledWrites);
    this.ingestReadThrottleAlarm = throttleAlarm('IngestReadThrottleAlarm', 'ingest', 'reads of',
      ingestStream.metricReadThrottled({ period: periods.throttledReads.period }), thresholds.throttledReads);
    this.enrichedWriteThrottleAlarm = throttleAlarm('EnrichedWriteThrottleAlarm', 'enriched', 'writes to',
      enrichedStream.metricWriteThrottled({ period: periods.throttledWrites.period }), thresholds.throttledWrites);
    this.enrichedReadThrottleAlarm = throttleAlarm('EnrichedReadThrottleAlarm', 'enriched', 'reads of',
      enrichedStream.metricReadThrottled({ period: periods.throttledReads.period }), thresholds.throttledReads);
    this.processorErrorsAlarm = this.alarm('ProcessorErrorsAlarm', {
      description: 'Processor invocations are failing: each failed batch is retried, then split, then sent to the dead-letter queue.',
      metric: processor.metricErrors({ period: periods.processorErrors.period }),
      threshold: thresholds.processorErrors,
      // No invocations, no errors.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.deliveryFreshnessAlarms = props.sinks.map(sink => this.alarm(`${sink.node.id}FreshnessAlarm`, {
      description: `Firehose delivery to ${sink.node.id} is falling behind: the oldest record not yet delivered, or the reading of `
        + 'the enriched stream, is older than the threshold.',
      metric: sink.metricDeliveryLag({ period: periods.deliveryFreshness.period }),
      threshold: thresholds.deliveryFreshness.toSeconds(),
      // Firehose reports both only while it reads and delivers; a delivery stream with nothing to do is up to date.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }));
    this.deadLetterAlarm = this.alarm('DeadLetterAlarm', {
      description: 'Failed batches are waiting in the processor dead-letter queue.',
      metric: processor.metricDeadLetterMessages({ period: periods.deadLetterMessages.period }),
      threshold: thresholds.deadLetterMessages,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // SQS stops publishing metrics of a queue nobody calls; its messages stay, so the alarm keeps its state.
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
    });
    this.httpServerErrorAlarm = props.httpIngestion && this.alarm('HttpServerErrorAlarm', {
      description: 'The HTTP front door answers too many requests with a 5XX status: Kinesis failures or configuration errors.',
      metric: serverErrorRate(props.httpIngestion, periods.httpServerErrorPercent),
      threshold: thresholds.httpServerErrorPercent,
      // No requests, no errors.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.dataQuality) {
      // The failed results themselves go to the topic: they name the rules that failed. A topic of yours encrypted with
      // a key of yours needs its key policy to let events.amazonaws.com use it.
      props.dataQuality.resultsRule.addTarget(new eventsTargets.SnsTopic(this.alarmTopic));
      this.dataQualityAlarm = this.alarm('DataQualityAlarm', {
        description: 'The last data-quality evaluation of the data lake found failed rules (records without an id, duplicate ids, '
          + 'timestamps before the configured date, or required fields missing), or the crawl that registers its partitions failed.',
        metric: props.dataQuality.metricFailedEvaluations(),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // Evaluations run once a day; a day without a failed one is a good day.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    this.alarms = [
      this.iteratorAgeAlarm,
      this.ingestWriteThrottleAlarm,
      this.ingestReadThrottleAlarm,
      this.processorErrorsAlarm,
      this.enrichedWriteThrottleAlarm,
      this.enrichedReadThrottleAlarm,
      ...this.deliveryFreshnessAlarms,
      this.deadLetterAlarm,
      ...(this.httpServerErrorAlarm ? [this.httpServerErrorAlarm] : []),
      ...(this.dataQualityAlarm ? [this.dataQualityAlarm] : []),
    ];
    this.healthAlarm = new cloudwatch.CompositeAlarm(this, 'HealthAlarm', {
      alarmDescription: 'The pipeline needs attention: at least one of its alarms is in ALARM.',
      alarmRule: cloudwatch.AlarmRule.anyOf(...this.alarms.map(alarm => cloudwatch.AlarmRule.fromAlarm(alarm, cloudwatch.AlarmState.ALARM))),
    });
    this.notify(this.healthAlarm);

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(3),
      widgets: [
        this.ingestRow(props),
        this.processingRow(props, thresholds.iteratorAge.toMilliseconds()),
        ...props.sinks.map(sink => deliveryRow(sink, thresholds.deliveryFreshness.toSeconds())),
        [
          graph('Failures: dead-letter queue messages', [processor.metricDeadLetterMessages()], 8),
          graph('Failures: oldest dead letter (s)', [processor.deadLetterQueue.metricApproximateAgeOfOldestMessage({ statistic: cloudwatch.Stats.MAXIMUM })], 8),
          new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [this.healthAlarm, ...this.alarms], width: 8 }),
        ],
        ...(props.dataQuality ? [[graph('Data quality: failed evaluations and crawls (per day)', [props.dataQuality.metricFailedEvaluations()], 24)]] : []),
        ...(props.flinkApplication ? [flinkRow(props.flinkApplication)] : []),
      ],
    });
  }

  private alarm(id: string, spec: {
    description: string;
    metric: cloudwatch.IMetric;
    threshold: number;
    treatMissingData: cloudwatch.TreatMissingData;
    comparisonOperator?: cloudwatch.ComparisonOperator;
  }): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmDescription: `${spec.description} Runbook: the "Runbook" section of the cdk-streaming-pipeline README.`,
      metric: spec.metric,
      threshold: spec.threshold,
      comparisonOperator: spec.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: spec.treatMissingData,
    });
    this.notify(alarm);
    return alarm;
  }

  private notify(alarm: cloudwatch.Alarm | cloudwatch.CompositeAlarm): void {
    const action = new cloudwatchActions.SnsAction(this.alarmTopic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
  }

  private ingestRow(props: PipelineDashboardProps): cloudwatch.IWidget[] {
    const stream = props.ingestStream.stream;
    const widgets: cloudwatch.IWidget[] = [
      graph('Ingest: incoming records', [props.ingestStream.metricIncomingRecords()]),
      graph('Ingest: incoming bytes', [props.ingestStream.metricIncomingBytes()]),
      graph('Ingest: PutRecords records', [
        stream.metricPutRecordsSuccessfulRecords({ statistic: cloudwatch.Stats.SUM, label: 'successful' }),
        stream.metricPutRecordsFailedRecords({ statistic: cloudwatch.Stats.SUM, label: 'failed' }),
        stream.metricPutRecordsThrottledRecords({ statistic: cloudwatch.Stats.SUM, label: 'throttled' }),
      ]),
      graph('Ingest: PutRecords latency (ms)', percentiles(stats => stream.metricPutRecordsLatency(stats))),
      new cloudwatch.GraphWidget({
        title: 'Ingest: throttled writes and reads',
        left: [props.ingestStream.metricWriteThrottled({ label: 'writes' }), props.ingestStream.metricReadThrottled({ label: 'reads' })],
        width: 8,
      }),
    ];
    if (props.httpIngestion) {
      const http = props.httpIngestion;
      widgets.push(
        graph('HTTP ingestion: 4XX and 5XX responses', [http.metricClientErrors({ label: '4XX' }), http.metricServerErrors({ label: '5XX' })]),
        graph('HTTP ingestion: latency (ms)', percentiles(stats => http.metricLatency(stats))),
      );
    }
    return widgets;
  }

  private processingRow(props: PipelineDashboardProps, iteratorAgeThresholdMs: number): cloudwatch.IWidget[] {
    const { processor, enrichedStream } = props;
    const fn = processor.function;
    const emf = (metric: ProcessorMetric, label: string) => processor.metric(metric, { label });
    return [
      new cloudwatch.GraphWidget({
        title: 'Processing: iterator age (ms)',
        left: [processor.metricIteratorAge()],
        leftAnnotations: [{ value: iteratorAgeThresholdMs, label: 'alarm' }],
        width: 8,
      }),
      graph('Processing: invocations, errors, throttles', [
        processor.metricInvocations({ label: 'invocations' }),
        processor.metricErrors({ label: 'errors' }),
        fn.metricThrottles({ statistic: cloudwatch.Stats.SUM, label: 'throttles' }),
      ]),
      graph('Processing: duration (ms)', percentiles(stats => fn.metricDuration(stats))),
      graph('Processing: concurrent executions', [fn.metric('ConcurrentExecutions', { statistic: cloudwatch.Stats.MAXIMUM })]),
      graph('Processing: records', [
        emf(ProcessorMetric.RECORDS_IN, 'in'),
        emf(ProcessorMetric.RECORDS_ENRICHED, 'enriched'),
        emf(ProcessorMetric.RECORDS_INVALID, 'invalid (to the DLQ)'),
        emf(ProcessorMetric.RECORDS_DEDUPLICATED, 'deduplicated'),
        emf(ProcessorMetric.RECORDS_RETRIED, 'retried'),
      ]),
      graph('Processing: reference cache hit ratio (%)', [emf(ProcessorMetric.REFERENCE_CACHE_HIT_RATIO, 'hit ratio')]),
      graph('Enriched stream: incoming records', [enrichedStream.metricIncomingRecords()]),
      graph('Enriched stream: throttled writes and reads', [
        enrichedStream.metricWriteThrottled({ label: 'writes' }),
        enrichedStream.metricReadThrottled({ label: 'reads' }),
      ]),
    ];
  }

  private createAlarmTopic(givenKey?: kms.IKey): sns.ITopic {
    const key = givenOrNewKey(this, givenKey, 'the alarm topic');
    // CloudWatch publishes alarm notifications as itself, so the key must let the service use it (EventBridge's
    // SnsTopic target grants itself the same).
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

function deliveryRow(sink: FirehoseSink, freshnessThresholdSeconds: number): cloudwatch.IWidget[] {
  const name = sink.node.id;
  return [
    graph(`Delivery (${name}): records read from the stream`, [sink.metricIncomingRecords()], 6),
    graph(`Delivery (${name}): success`, [sink.metricDeliverySuccess()], 6),
    new cloudwatch.GraphWidget({
      title: `Delivery (${name}): data freshness and source lag (s)`,
      left: [sink.metricDataFreshness({ label: 'freshness' }), sink.metricDeliveryLag()],
      leftAnnotations: [{ value: freshnessThresholdSeconds, label: 'alarm' }],
      width: 6,
    }),
    graph(`Delivery (${name}): source lag (ms behind latest)`, [sink.metricSourceLag()], 6),
  ];
}

function flinkRow(flink: FlinkApplication): cloudwatch.IWidget[] {
  return [
    graph('Flink: uptime and downtime (ms)', [flink.metricUptime({ label: 'uptime' }), flink.metricDowntime({ label: 'downtime' })]),
    graph('Flink: checkpoints', [
      flink.metricNumberOfFailedCheckpoints({ label: 'failed checkpoints' }),
      flink.metricLastCheckpointDuration({ label: 'last checkpoint duration (ms)' }),
    ]),
    graph('Flink: records lag (ms behind latest)', [flink.metricMillisBehindLatest()]),
  ];
}

/**
 * The share of 5XX responses in percent, counted as 0 while there are fewer requests than the minimum: one failed
 * request out of three is no outage.
 */
function serverErrorRate(http: HttpIngestion, settings: { period: Duration; minimumRequests: number }): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: `IF(requests >= ${settings.minimumRequests}, 100 * serverErrors / requests, 0)`,
    usingMetrics: {
      requests: http.metricRequests({ period: settings.period }),
      serverErrors: http.metricServerErrors({ period: settings.period }),
    },
    label: '5XX responses (%)',
    period: settings.period,
  });
}

/** p50 and p99 of a metric. */
function percentiles(metric: (options: cloudwatch.MetricOptions) => cloudwatch.IMetric): cloudwatch.IMetric[] {
  return ['p50', 'p99'].map(statistic => metric({ statistic, label: statistic }));
}

function graph(title: string, metrics: cloudwatch.IMetric[], width = 8): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({ title, left: metrics, width });
}
