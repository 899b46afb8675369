import { CompiledValue, RandomSources, longestValues, recordValues, renderTemplate, TemplateError } from './template';
import { PutEntry, PUT_RECORDS_LIMITS, entrySize } from '../enrichment-processor/publish';

/** The partition key, and the user_id of the seed event: `user-0` to `user-<partitionKeys - 1>`. */
export function userKey(index: number): string {
  return `user-${index}`;
}

export interface RecordFactoryOptions {
  readonly template: CompiledValue;
  /** How many distinct users (partition keys) records are spread over, uniformly at random. */
  readonly partitionKeys: number;
  /** How many records the run makes at most: the largest sequence number bounds the record size. */
  readonly maxRecords: number;
}

export interface RecordSources extends RandomSources {
  readonly now: () => number;
}

/** Makes the run's records: each the rendered template as JSON, keyed by its user. */
export class RecordFactory {
  /**
   * The most bytes a record of this template can take with its partition key in this run.
   * @throws TemplateError when that is more than a PutRecords entry may carry (1 MiB)
   */
  public readonly maxEntryBytes: number;

  constructor(private readonly options: RecordFactoryOptions, private readonly sources: RecordSources) {
    const longestUser = userKey(options.partitionKeys - 1);
    const largest = renderTemplate(options.template, longestValues({ longestUser, lastSequence: Math.max(0, options.maxRecords - 1) }));
    this.maxEntryBytes = entrySize(toEntry(largest, longestUser));
    if (this.maxEntryBytes > PUT_RECORDS_LIMITS.maxEntryBytes) {
      throw new TemplateError(
        `a record renders to up to ${this.maxEntryBytes.toLocaleString('en-US')} bytes with its partition key; `
        + `allowed is at most ${PUT_RECORDS_LIMITS.maxEntryBytes.toLocaleString('en-US')} (1 MiB)`,
      );
    }
  }

  /** The record at this position in the run. */
  public make(sequence: number): PutEntry {
    const user = userKey(Math.floor(this.sources.random() * this.options.partitionKeys));
    const values = recordValues({ user, sequence, nowMs: this.sources.now() }, this.sources);
    return toEntry(renderTemplate(this.options.template, values), user);
  }
}

function toEntry(record: unknown, partitionKey: string): PutEntry {
  return { data: Buffer.from(JSON.stringify(record), 'utf8'), partitionKey };
}
