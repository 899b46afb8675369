import { Duration, Token } from 'aws-cdk-lib';

/**
 * Throws when a numeric prop is outside its allowed range. Unresolved tokens pass, because their value is
 * only known at deploy time.
 *
 * @param prop the prop's full name, as the user wrote it, e.g. `IngestStreamProps.shardCount`
 * @param why the reason for the range, when it is not the service's plain limit
 */
export function validateIntegerInRange(prop: string, value: number | undefined, min: number, max: number, why?: string): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`Invalid ${prop}: ${value}. Allowed: an integer from ${min} to ${max}${why === undefined ? '' : ` (${why})`}.`);
  }
}

/**
 * Throws when a duration prop is outside its allowed range, measured in the given unit.
 */
export function validateDurationInRange(
  prop: string,
  value: Duration | undefined,
  min: number,
  max: number,
  unit: 'seconds' | 'minutes' | 'hours' | 'days',
): void {
  if (value === undefined || value.isUnresolved()) {
    return;
  }
  const amount = {
    seconds: () => value.toSeconds({ integral: false }),
    minutes: () => value.toMinutes({ integral: false }),
    hours: () => value.toHours({ integral: false }),
    days: () => value.toDays({ integral: false }),
  }[unit]();
  if (!Number.isInteger(amount) || amount < min || amount > max) {
    throw new Error(`Invalid ${prop}: ${amount} ${unit}. Allowed: a whole number of ${unit} from ${min} to ${max}.`);
  }
}
