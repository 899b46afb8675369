/**
 * A timestamp read from a Parquet column, to the nanosecond: hyparquet's default, a Date, keeps milliseconds only, so a
 * value a microsecond after midnight would pass for midnight and fail `ColumnValues "c" > "YYYY-MM-DD"`.
 */
export class Instant {
  constructor(public readonly epochNanos: bigint) {}

  /** ISO-8601 UTC, with as many fraction digits as the value needs beyond milliseconds. */
  public toString(): string {
    return formatEpochNanos(this.epochNanos);
  }
}

const NANOS_PER_MILLI = 1_000_000n;
const NANOS_PER_DAY = 86_400_000_000_000n;
/** The largest time a Date can show, in milliseconds from 1970. */
const MAX_DATE_MS = 8.64e15;

/**
 * How hyparquet turns timestamp columns into values: an Instant. INT96 (Hive's timestamp, which Firehose's Parquet
 * SerDe writes) comes as nanoseconds; INT64 TIMESTAMP_MILLIS / MICROS / NANOS as their unit; DATE as days.
 */
export const INSTANT_PARSERS = {
  timestampFromMilliseconds: (millis: bigint) => new Instant(BigInt(millis) * NANOS_PER_MILLI),
  timestampFromMicroseconds: (micros: bigint) => new Instant(BigInt(micros) * 1_000n),
  timestampFromNanoseconds: (nanos: bigint) => new Instant(BigInt(nanos)),
  dateFromDays: (days: number) => new Instant(BigInt(days) * NANOS_PER_DAY),
};

/** Midnight UTC of a `YYYY-MM-DD` day, in nanoseconds from 1970. */
export function midnightEpochNanos(day: string): bigint {
  return BigInt(Date.parse(`${day}T00:00:00Z`)) * NANOS_PER_MILLI;
}

// 2024-01-01, 2024-01-01T12:00, 2024-01-01 12:00:00.123456, 2024-01-01T12:00:00+02:00; no zone is UTC, as in Hive.
const TIMESTAMP_TEXT = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

/**
 * The time of a column value in nanoseconds from 1970: an Instant, a Date, or an ISO-8601 / Hive timestamp string;
 * undefined for anything else (null, a number, text that is not a real time).
 */
export function epochNanosOf(value: unknown): bigint | undefined {
  if (value instanceof Instant) {
    return value.epochNanos;
  }
  if (value instanceof Date) {
    const ms = value.getTime();
    return Number.isNaN(ms) ? undefined : BigInt(ms) * NANOS_PER_MILLI;
  }
  return typeof value === 'string' ? parseTimestampText(value) : undefined;
}

function parseTimestampText(text: string): bigint | undefined {
  const match = TIMESTAMP_TEXT.exec(text.trim());
  if (match === null) {
    return undefined;
  }
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0));
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const date = new Date(ms);
  // Date.UTC rolls 2024-02-30 over into March and 24:00 into the next day: a real time reads back the same.
  const same = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
    && date.getUTCHours() === hour && date.getUTCMinutes() === minute && date.getUTCSeconds() === second;
  if (!same) {
    return undefined;
  }
  const fraction = BigInt((match[7] ?? '').padEnd(9, '0'));
  const offsetMinutes = match[9] === undefined ? 0 : (match[9] === '-' ? -1 : 1) * (Number(match[10]) * 60 + Number(match[11]));
  return BigInt(ms - offsetMinutes * 60_000) * NANOS_PER_MILLI + fraction;
}

/** `2024-01-01T00:00:00.000Z`, or `2024-01-01T00:00:00.000000500Z` when the value has more than milliseconds. */
export function formatEpochNanos(nanos: bigint): string {
  const remainder = ((nanos % NANOS_PER_MILLI) + NANOS_PER_MILLI) % NANOS_PER_MILLI;
  const ms = Number((nanos - remainder) / NANOS_PER_MILLI);
  if (Math.abs(ms) > MAX_DATE_MS) {
    return `${nanos} ns from 1970-01-01`;
  }
  const iso = new Date(ms).toISOString();
  return remainder === 0n ? iso : `${iso.slice(0, -1)}${remainder.toString().padStart(6, '0').replace(/0+$/, '')}Z`;
}
