import type { PutRecordsCommand, PutRecordsCommandInput, PutRecordsCommandOutput, PutRecordsResultEntry } from '@aws-sdk/client-kinesis';
import type { TextOutput } from '../../../lambda-src/cli/progress';
import type { PutRecordsClient } from '../../../lambda-src/cli/sender';
import type { PutEntry } from '../../../lambda-src/enrichment-processor/publish';

/** Collects what is written, as a terminal (isTTY) or as a pipe. */
export class TextBuffer implements TextOutput {
  public text = '';
  constructor(public readonly isTTY = false) {}

  public write(text: string): boolean {
    this.text += text;
    return true;
  }
}

/**
 * Time that moves only when someone sleeps, so pacing is asserted in counts, never in wall-clock time. A sleep
 * yields to other tasks, as a real one would.
 */
export class FakeClock {
  public nowMs = 0;
  public readonly sleeps: number[] = [];
  public readonly clock = (): number => this.nowMs;
  public readonly sleep = async (ms: number, signal: AbortSignal): Promise<void> => {
    this.sleeps.push(ms);
    if (!signal.aborted) {
      this.nowMs += ms;
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  };
}

/** An error as the SDK throws it: a name, the HTTP status, and for retryable errors a $retryable marker. */
export function awsError(name: string, httpStatusCode: number, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} from the stub`), { name, $metadata: { httpStatusCode }, ...extra });
}

export function entry(data: string, partitionKey = 'user-0'): PutEntry {
  return { data: Buffer.from(data, 'utf8'), partitionKey };
}

export interface SentEntry {
  readonly data: string;
  readonly partitionKey: string;
}

/**
 * A PutRecords client for faults kinesalite cannot produce (it never throttles, never fails an entry): each entry's
 * outcome is scripted by its data and how often it was sent, each call can fail as a whole.
 */
export class FaultyKinesis implements PutRecordsClient {
  /** Every call's input, as sent. */
  public readonly inputs: PutRecordsCommandInput[] = [];
  /** Every call's entries, as sent. */
  public readonly calls: SentEntry[][] = [];
  /** Data of every entry accepted, in order. */
  public readonly accepted: string[] = [];
  private readonly attempts = new Map<string, number>();

  constructor(
    private readonly entryError: (data: string, attempt: number) => string | undefined = () => undefined,
    private readonly callError: (callIndex: number) => Error | undefined = () => undefined,
  ) {}

  public async send(command: PutRecordsCommand): Promise<PutRecordsCommandOutput> {
    const callIndex = this.calls.length;
    this.inputs.push(command.input);
    const entries = (command.input.Records ?? []).map((r) => ({ data: Buffer.from(r.Data!).toString('utf8'), partitionKey: r.PartitionKey! }));
    this.calls.push(entries);
    await Promise.resolve();
    const failure = this.callError(callIndex);
    if (failure !== undefined) {
      throw failure;
    }
    const records = entries.map((sent, i): PutRecordsResultEntry => {
      const attempt = (this.attempts.get(sent.data) ?? 0) + 1;
      this.attempts.set(sent.data, attempt);
      const code = this.entryError(sent.data, attempt);
      if (code !== undefined) {
        return { ErrorCode: code, ErrorMessage: `${code} from the stub` };
      }
      this.accepted.push(sent.data);
      return { SequenceNumber: `${callIndex}-${i}`, ShardId: 'shardId-000000000000' };
    });
    return { FailedRecordCount: records.filter((r) => r.ErrorCode !== undefined).length, Records: records, $metadata: { httpStatusCode: 200 } };
  }

  /** How many calls carried an entry with this data. */
  public timesSent(data: string): number {
    return this.calls.flat().filter((sent) => sent.data === data).length;
  }
}

/** A figure of the load summary, e.g. the number in `sent  600 records`. */
export function summaryCount(stdout: string, label: string): number {
  const match = new RegExp(`^  ${label} +([\\d,]+)`, 'm').exec(stdout);
  if (match === null) {
    throw new Error(`no "${label}" in the summary:\n${stdout}`);
  }
  return Number(match[1].replace(/,/g, ''));
}
