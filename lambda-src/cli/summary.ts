import { LoadResult } from './load';
import { achievedRate, formatCount, formatMs } from './progress';
import { errorCode } from './sender';
import { summarizeLatencies } from './stats';

export interface RunDescription {
  /** The stream as given, with what the pre-flight check found, e.g. `clicks (4 open shards, PROVISIONED)`. */
  readonly stream: string;
  readonly ratePerSecond: number;
  readonly durationText: string;
}

/** 0 when every record made was sent, 1 when some failed or were not sent. */
export function exitCodeFor(result: LoadResult): 0 | 1 {
  return result.stats.failed + result.stats.notSent > 0 ? 1 : 0;
}

export function formatSummary(result: LoadResult, run: RunDescription): string {
  const { stats } = result;
  const rate = achievedRate(stats.sent, result.elapsedMs);
  const latency = summarizeLatencies(stats.latenciesMs);
  const rows: Array<[string, string]> = [
    ['stream', run.stream],
    ['target', `${formatCount(run.ratePerSecond)} records/s for ${run.durationText}: ${formatCount(result.plannedRecords)} records`],
    ['elapsed', `${(result.elapsedMs / 1_000).toFixed(2)} s${result.stoppedBy === undefined ? '' : `, stopped early by ${result.stoppedBy}`}`],
    ['generated', `${formatCount(stats.made)} records`],
    ['sent', `${formatCount(stats.sent)} records, ${(stats.sentBytes / (1024 * 1024)).toFixed(1)} MiB with partition keys`],
    ['failed', `${formatCount(stats.failed)} records${failuresByCode(stats.failuresByCode)}`],
    ['not sent', `${formatCount(stats.notSent)} records`],
    ['throttled', `${formatCount(stats.throttled)} entry attempts`],
    ['other rejections', `${formatCount(stats.otherRejections)} entry attempts`],
    ['retries', `${formatCount(stats.retries)} entries sent again`],
    ['requests', `${formatCount(stats.requests)} PutRecords calls, ${formatCount(stats.failedRequests)} failed as a whole`],
    ['achieved rate', `${formatCount(rate)} records/s (${((rate * 100) / run.ratePerSecond).toFixed(1)} % of the target)`],
    ['put latency', `p50 ${formatMs(latency.p50)}, p99 ${formatMs(latency.p99)}, max ${formatMs(latency.max)}`],
  ];
  if (result.fatalError !== undefined) {
    rows.push(['stopped by', `${errorCode(result.fatalError)}: ${result.fatalError instanceof Error ? result.fatalError.message : String(result.fatalError)}`]);
  }
  rows.push(['result', exitCodeFor(result) === 0
    ? 'every record generated was sent'
    : `${formatCount(stats.failed)} records failed, ${formatCount(stats.notSent)} not sent`]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return `Load test summary\n${rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n')}\n`;
}

function failuresByCode(byCode: ReadonlyMap<string, number>): string {
  if (byCode.size === 0) {
    return '';
  }
  const ranked = [...byCode].sort(([, a], [, b]) => b - a);
  return ` (${ranked.map(([code, count]) => `${code} ${formatCount(count)}`).join(', ')})`;
}
