import { Duration, Token } from 'aws-cdk-lib';
import { validateDurationInRange, validateIntegerInRange } from '../internal/validation';
import { DEFAULTS } from '../presets/defaults';

/**
 * The thresholds of a pipeline's alarms. Each one left out falls back to the preset's, then to the pattern's.
 */
export interface PipelineAlarmThresholds {
  /**
   * Processing lag: the processor's iterator age (the age of the oldest record it has not read) above which the
   * iterator-age alarm fires, measured as the maximum over 5 minutes.
   *
   * @default Duration.minutes(5), the pattern's 300,000 ms
   */
  readonly iteratorAge?: Duration;
  /**
   * Records rejected by write throttling (`WriteProvisionedThroughputExceeded`, sum over 5 minutes) on the ingest or
   * the enriched stream above which that stream's write-throttling alarm fires.
   *
   * @default 0
   */
  readonly throttledWrites?: number;
  /**
   * Throttled GetRecords calls (`ReadProvisionedThroughputExceeded`, sum over 5 minutes) on the ingest or the
   * enriched stream above which that stream's read-throttling alarm fires.
   *
   * @default 0
   */
  readonly throttledReads?: number;
  /**
   * Failed invocations of the processor (sum over 5 minutes) above which the processor-errors alarm fires.
   *
   * @default 10
   */
  readonly processorErrors?: number;
  /**
   * Age of the oldest record in a Firehose delivery stream not yet delivered (data freshness, maximum over 5 minutes)
   * above which that sink's freshness alarm fires.
   *
   * @default Duration.minutes(15), the pattern's 900 s
   */
  readonly deliveryFreshness?: Duration;
  /**
   * Messages in the processor's dead-letter queue (maximum over 1 minute) at or above which the dead-letter alarm
   * fires.
   *
   * @default 1
   */
  readonly deadLetterMessages?: number;
  /**
   * Share of HTTP ingestion requests answered with a 5XX status, in percent (over 5 minutes), above which the HTTP
   * server-error alarm fires. Only with HTTP ingestion.
   *
   * @default 1
   */
  readonly httpServerErrorPercent?: number;
}

/** Every threshold, resolved. */
export type ResolvedAlarmThresholds = Required<PipelineAlarmThresholds>;

/**
 * The thresholds in effect: for each one, the first layer that sets it (props before preset), else the pattern's.
 * Each is validated with the name of the prop it came from.
 */
export function resolveAlarmThresholds(
  ...layers: Array<{ readonly source: string; readonly thresholds?: PipelineAlarmThresholds }>
): ResolvedAlarmThresholds {
  const defaults = DEFAULTS.alarms;
  const pick = <K extends keyof PipelineAlarmThresholds>(key: K, fallback: ResolvedAlarmThresholds[K]) => {
    const layer = layers.find(candidate => candidate.thresholds?.[key] !== undefined);
    return { value: (layer?.thresholds?.[key] ?? fallback) as ResolvedAlarmThresholds[K], prop: `${layer?.source ?? 'DEFAULTS'}.${key}` };
  };
  const iteratorAge = pick('iteratorAge', defaults.iteratorAge.threshold);
  const throttledWrites = pick('throttledWrites', defaults.throttledWrites.threshold);
  const throttledReads = pick('throttledReads', defaults.throttledReads.threshold);
  const processorErrors = pick('processorErrors', defaults.processorErrors.threshold);
  const deliveryFreshness = pick('deliveryFreshness', defaults.deliveryFreshness.threshold);
  const deadLetterMessages = pick('deadLetterMessages', defaults.deadLetterMessages.threshold);
  const httpServerErrorPercent = pick('httpServerErrorPercent', defaults.httpServerErrorPercent.threshold);

  const maxSeconds = defaults.maxDurationThresholdSeconds;
  validateDurationInRange(iteratorAge.prop, iteratorAge.value, 1, maxSeconds, 'seconds');
  validateDurationInRange(deliveryFreshness.prop, deliveryFreshness.value, 1, maxSeconds, 'seconds');
  for (const count of [throttledWrites, throttledReads, processorErrors]) {
    validateIntegerInRange(count.prop, count.value, 0, Number.MAX_SAFE_INTEGER);
  }
  // At zero the alarm would fire on an empty queue.
  validateIntegerInRange(deadLetterMessages.prop, deadLetterMessages.value, 1, Number.MAX_SAFE_INTEGER);
  const percent = httpServerErrorPercent.value;
  if (!Token.isUnresolved(percent) && !(percent >= 0 && percent < 100)) {
    throw new Error(`Invalid ${httpServerErrorPercent.prop}: ${percent}. Allowed: a percentage from 0 to less than 100.`);
  }
  return {
    iteratorAge: iteratorAge.value,
    throttledWrites: throttledWrites.value,
    throttledReads: throttledReads.value,
    processorErrors: processorErrors.value,
    deliveryFreshness: deliveryFreshness.value,
    deadLetterMessages: deadLetterMessages.value,
    httpServerErrorPercent: percent,
  };
}
