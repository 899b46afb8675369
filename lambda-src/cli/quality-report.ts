import { formatCount } from './progress';
import { RuleOutcome } from './quality';
import { FilesChecked } from './quality-run';

/** How many skipped or column-less files a report names before `and N more`. */
export const NAMED_FILES = 3;

/** 0 when every rule passed over every file, 1 when a rule failed or the run stopped before the end. */
export function qualityExitCode(outcomes: readonly RuleOutcome[], files: FilesChecked): 0 | 1 {
  return outcomes.every((outcome) => outcome.passed) && files.stoppedBy === undefined ? 0 : 1;
}

/** What the run is about to do, for stderr: `checking 6 rules on 12 files (1.5 GiB) under s3://lake/events/`. */
export function formatStart(ruleCount: number, fileSizes: readonly number[], source: string): string {
  const bytes = fileSizes.reduce((sum, size) => sum + size, 0);
  return `checking ${plural(ruleCount, 'rule')} on ${plural(fileSizes.length, 'file')} (${formatBytes(bytes)}) under ${source}`;
}

/** Why a run found nothing to check: `no Parquet file under ./lake (2 other files skipped)`. */
export function formatNoParquet(source: string, files: FilesChecked): string {
  return `no Parquet file under ${source}${files.skipped.length === 0 ? '' : ` (${plural(files.skipped.length, 'other file')} skipped)`}`;
}

/** `512 bytes`, `1.5 KiB`, `20.0 MiB`, `1.2 GiB`. */
export function formatBytes(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 'bytes';
  for (const next of units) {
    if (value < 1024) {
      break;
    }
    value /= 1024;
    unit = next;
  }
  return unit === 'bytes' ? plural(bytes, 'byte') : `${value.toFixed(1)} ${unit}`;
}

/**
 * The report on stdout: a line per rule, PASS or FAIL with what failed, then a summary line, e.g.
 *
 *     Data quality of ./lake
 *       PASS  IsComplete "event_id"   1,000 rows, 0 null
 *     ...
 *     6 rules: 6 passed, 0 failed; 1,000 rows in 2 Parquet files
 */
export function formatQualityReport(source: string, outcomes: readonly RuleOutcome[], files: FilesChecked): string {
  const width = Math.max(...outcomes.map((outcome) => outcome.label.length));
  const lines = [`Data quality of ${source}`];
  for (const outcome of outcomes) {
    lines.push(`  ${outcome.passed ? 'PASS' : 'FAIL'}  ${outcome.label.padEnd(width)}  ${formatCount(outcome.rows)} rows, ${failures(outcome)}`);
  }
  const passed = outcomes.filter((outcome) => outcome.passed).length;
  const rows = outcomes[0]?.rows ?? 0;
  const skipped = files.skipped.length === 0 ? '' : `; ${plural(files.skipped.length, 'other file')} skipped (not Parquet): ${fileList(files.skipped)}`;
  lines.push(`${plural(outcomes.length, 'rule')}: ${passed} passed, ${outcomes.length - passed} failed; `
    + `${plural(rows, 'row')} in ${plural(files.parquetFiles, 'Parquet file')}${skipped}`);
  if (files.stoppedBy !== undefined) {
    lines.push(`stopped early by ${files.stoppedBy}: the results cover only the rows read`);
  }
  return `${lines.join('\n')}\n`;
}

/** What failed of a rule, e.g. `3 null; first: a.parquet row 17`. */
function failures(outcome: RuleOutcome): string {
  const { rule, failedRows, firstFailure, duplicates, missingFrom } = outcome;
  const missing = missingFrom.length === 0 ? '' : ` (no such column in ${plural(missingFrom.length, 'file')}: ${fileList(missingFrom)})`;
  // A first failure in a file without the column is already named by the note on such files.
  const first = firstFailure === undefined || missingFrom.includes(firstFailure.file) ? undefined : firstFailure;
  switch (rule.kind) {
    case 'complete':
      return `${formatCount(failedRows)} null${missing}${first === undefined ? '' : `; first: ${first.file} row ${first.row}`}`;
    case 'after':
      return `${formatCount(failedRows)} not after ${rule.date}${missing}${first === undefined ? '' : `; first: ${first.file} row ${first.row}: ${first.value}`}`;
    case 'unique': {
      if (duplicates === undefined || duplicates.values === 0) {
        return '0 duplicated';
      }
      const examples = duplicates.examples.map((example) => `${example.value} (${example.rows} rows)`).join(', ');
      return `${formatCount(failedRows)} duplicated: ${plural(duplicates.values, 'value')} in more than one row, e.g. ${examples}`;
    }
  }
}

function plural(count: number, noun: string): string {
  return `${formatCount(count)} ${noun}${count === 1 ? '' : 's'}`;
}

function fileList(names: readonly string[]): string {
  const more = names.length - NAMED_FILES;
  return `${names.slice(0, NAMED_FILES).join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}
