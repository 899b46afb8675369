import { Instant, epochNanosOf, midnightEpochNanos } from './timestamps';
import { DataQualityRule, dqdlRule } from '../../src/quality/data-quality-rules';

/** A row that failed a rule: the file, the row's position in it (from 0), and its value. */
export interface FailedRow {
  readonly file: string;
  readonly row: number;
  readonly value: string;
}

/** A value found in more than one row, and in how many. */
export interface DuplicateValue {
  readonly value: string;
  readonly rows: number;
}

/** How one rule fared over every row evaluated. */
export interface RuleOutcome {
  readonly rule: DataQualityRule;
  /** The rule in DQDL, as the Glue ruleset names it, e.g. `IsUnique "event_id"`. */
  readonly label: string;
  readonly passed: boolean;
  readonly rows: number;
  /** Rows that fail: null ones (IsComplete), ones whose value another row has too (IsUnique), ones not after the day. */
  readonly failedRows: number;
  /** The first row that failed, for IsComplete and ColumnValues. */
  readonly firstFailure?: FailedRow;
  /** For IsUnique: how many values are in more than one row, and the first few. */
  readonly duplicates?: { readonly values: number; readonly examples: DuplicateValue[] };
  /** Files without the column (every row of such a file is null in it). */
  readonly missingFrom: string[];
}

/** How many duplicated values an IsUnique outcome shows. */
export const DUPLICATE_EXAMPLES = 3;
const MAX_VALUE_LENGTH = 60;

/** One rule's running tally. */
interface RuleTally {
  check(file: string, row: number, value: unknown): void;
  outcome(): Omit<RuleOutcome, 'rule' | 'label' | 'rows' | 'missingFrom'>;
}

/**
 * Evaluates rules over the rows of Parquet files, a batch at a time, as Glue Data Quality does over the table: every
 * rule sees every row, IsUnique across all the files. Pure: reading the files is the caller's.
 */
export class QualityCheck {
  /** The columns the rules look at, each once. */
  public readonly columns: string[];
  private readonly tallies: RuleTally[];
  private readonly missing = new Map<string, string[]>();
  private rowCount = 0;

  constructor(public readonly rules: readonly DataQualityRule[]) {
    this.columns = [...new Set(rules.map((rule) => rule.column))];
    this.tallies = rules.map(tallyFor);
    for (const column of this.columns) {
      this.missing.set(column, []);
    }
  }

  /** Rows evaluated so far. */
  public get rows(): number {
    return this.rowCount;
  }

  /** Notes a file's columns: a rule column it lacks is null in each of its rows. */
  public startFile(file: string, fileColumns: readonly string[]): void {
    for (const column of this.columns) {
      if (!fileColumns.includes(column)) {
        this.missing.get(column)!.push(file);
      }
    }
  }

  /** Checks consecutive rows of a file, the first at position `rowStart`; a column a row lacks is null. */
  public addRows(file: string, rowStart: number, rows: ReadonlyArray<Readonly<Record<string, unknown>>>): void {
    this.rules.forEach((rule, index) => {
      const tally = this.tallies[index];
      rows.forEach((row, offset) => tally.check(file, rowStart + offset, row[rule.column]));
    });
    this.rowCount += rows.length;
  }

  public outcomes(): RuleOutcome[] {
    return this.rules.map((rule, index) => ({
      rule,
      label: dqdlRule(rule),
      rows: this.rowCount,
      missingFrom: this.missing.get(rule.column)!,
      ...this.tallies[index].outcome(),
    }));
  }
}

function tallyFor(rule: DataQualityRule): RuleTally {
  switch (rule.kind) {
    case 'complete':
      return new FirstFailureTally((value) => !isNull(value));
    case 'after': {
      const boundary = midnightEpochNanos(rule.date);
      return new FirstFailureTally((value) => {
        const nanos = epochNanosOf(value);
        return nanos !== undefined && nanos > boundary;
      }, describeTimestamp);
    }
    case 'unique':
      return new UniqueTally();
  }
}

/** A rule each row passes or fails on its own: counts the failures and keeps the first. */
class FirstFailureTally implements RuleTally {
  private failed = 0;
  private first?: FailedRow;

  constructor(private readonly passes: (value: unknown) => boolean, private readonly describe = describeValue) {}

  public check(file: string, row: number, value: unknown): void {
    if (this.passes(value)) {
      return;
    }
    this.failed += 1;
    this.first ??= { file, row, value: this.describe(value) };
  }

  public outcome() {
    return { passed: this.failed === 0, failedRows: this.failed, firstFailure: this.first };
  }
}

/**
 * A set of any size: V8 caps one Set at 2^24 entries (a day of events at about 200 a second), so values spread over
 * as many Sets as they need.
 */
export class UnboundedSet<T> {
  private readonly sets: Set<T>[] = [new Set<T>()];

  constructor(private readonly capacity = SET_CAPACITY) {}

  public has(value: T): boolean {
    return this.sets.some(set => set.has(value));
  }

  public add(value: T): void {
    let last = this.sets[this.sets.length - 1];
    if (last.size >= this.capacity) {
      last = new Set<T>();
      this.sets.push(last);
    }
    last.add(value);
  }

  public get size(): number {
    return this.sets.reduce((sum, set) => sum + set.size, 0);
  }
}

/** Below V8's limit of 2^24 entries per Set. */
const SET_CAPACITY = 2 ** 24 - 1;

/** IsUnique: the values seen, and how often those seen more than once were. Nulls are IsComplete's to count. */
class UniqueTally implements RuleTally {
  private readonly seen = new UnboundedSet<unknown>();
  private readonly repeated = new Map<unknown, { value: unknown; rows: number }>();

  public check(_file: string, _row: number, value: unknown): void {
    if (isNull(value)) {
      return;
    }
    const key = uniqueKey(value);
    if (!this.seen.has(key)) {
      this.seen.add(key);
      return;
    }
    const entry = this.repeated.get(key);
    if (entry === undefined) {
      this.repeated.set(key, { value, rows: 2 });
    } else {
      entry.rows += 1;
    }
  }

  public outcome() {
    const entries = [...this.repeated.values()];
    return {
      passed: entries.length === 0,
      failedRows: entries.reduce((sum, entry) => sum + entry.rows, 0),
      duplicates: {
        values: entries.length,
        examples: entries.slice(0, DUPLICATE_EXAMPLES).map((entry) => ({ value: describeValue(entry.value), rows: entry.rows })),
      },
    };
  }
}

function isNull(value: unknown): boolean {
  return value === null || value === undefined;
}

/** What makes two values the same for IsUnique: strings and numbers as they are, times by their instant. */
function uniqueKey(value: unknown): unknown {
  if (typeof value !== 'object') {
    return value;
  }
  const nanos = epochNanosOf(value);
  return nanos === undefined ? `json:${JSON.stringify(value, bigintAsText)}` : `time:${nanos}`;
}

/** A value as output shows it: `null`, a time in ISO-8601, a quoted string, a number; long ones shortened. */
export function describeValue(value: unknown): string {
  if (isNull(value)) {
    return 'null';
  }
  if (value instanceof Instant || value instanceof Date) {
    const nanos = epochNanosOf(value);
    return nanos === undefined ? 'an invalid date' : new Instant(nanos).toString();
  }
  const text = typeof value === 'string' ? JSON.stringify(value) : typeof value === 'object' ? JSON.stringify(value, bigintAsText) : String(value);
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}…` : text;
}

/** A value that fails ColumnValues, saying so when it is not a time at all. */
function describeTimestamp(value: unknown): string {
  return isNull(value) || epochNanosOf(value) !== undefined ? describeValue(value) : `${describeValue(value)} (not a timestamp)`;
}

function bigintAsText(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
