import { Duration, Size } from 'aws-cdk-lib';
import { validateDurationInRange, validateIntegerInRange } from './validation';

/** A destination's retry and buffering defaults and limits, as `DEFAULTS` keeps them. */
export interface DeliveryTuningDefaults {
  readonly retryDuration: Duration;
  readonly retryDurationSecondsRange: { readonly min: number; readonly max: number };
  readonly bufferingSize: Size;
  readonly bufferingSizeMiBRange: { readonly min: number; readonly max: number };
  readonly bufferingInterval: Duration;
  readonly bufferingIntervalSecondsRange: { readonly min: number; readonly max: number };
}

/** What a sink's props say about retries and buffering. */
export interface DeliveryTuningProps {
  readonly retryDuration?: Duration;
  readonly bufferingSize?: Size;
  readonly bufferingInterval?: Duration;
}

/**
 * The retry duration and buffering hints of an L1 destination, from the props or the defaults, validated against
 * the destination's limits.
 *
 * @param propsName the props interface, for error messages, e.g. `RedshiftSinkProps`
 */
export function deliveryTuning(propsName: string, props: DeliveryTuningProps, defaults: DeliveryTuningDefaults) {
  const retryDuration = props.retryDuration ?? defaults.retryDuration;
  const bufferingSize = props.bufferingSize ?? defaults.bufferingSize;
  const bufferingInterval = props.bufferingInterval ?? defaults.bufferingInterval;
  const { retryDurationSecondsRange: retry, bufferingSizeMiBRange: size, bufferingIntervalSecondsRange: interval } = defaults;
  validateDurationInRange(`${propsName}.retryDuration`, retryDuration, retry.min, retry.max, 'seconds');
  validateIntegerInRange(`${propsName}.bufferingSize (MiB)`, bufferingSize.toMebibytes(), size.min, size.max);
  validateDurationInRange(`${propsName}.bufferingInterval`, bufferingInterval, interval.min, interval.max, 'seconds');
  return {
    retryOptions: { durationInSeconds: retryDuration.toSeconds() },
    bufferingHints: { sizeInMBs: bufferingSize.toMebibytes(), intervalInSeconds: bufferingInterval.toSeconds() },
  };
}
