import { ParquetFile, fileKind } from './parquet';
import { QualityCheck } from './quality';
import { errorCode } from './sender';
import { SourceFile } from './sources';

/** A file that cannot be checked: the message names it and says why. */
export class FileError extends Error {}

/** What a run over the files covered. */
export interface FilesChecked {
  /** Parquet files read. */
  readonly parquetFiles: number;
  /** Files that are not Parquet, by name. */
  readonly skipped: string[];
  /** Set when the run stopped before the last file: the reason the stop signal gave, e.g. SIGINT. */
  readonly stoppedBy?: string;
}

/**
 * Feeds the rows of every Parquet file among `files` to `check`, one row group at a time, skipping files that are not
 * Parquet. Stops between row groups once `stopSignal` is aborted. Throws a FileError for a file that cannot be read.
 */
export async function checkFiles(files: readonly SourceFile[], check: QualityCheck, stopSignal: AbortSignal): Promise<FilesChecked> {
  let parquetFiles = 0;
  const skipped: string[] = [];
  for (const file of files) {
    if (stopSignal.aborted) {
      return { parquetFiles, skipped, stoppedBy: String(stopSignal.reason) };
    }
    const bytes = await readOrFail(file, () => file.open());
    try {
      const kind = await readOrFail(file, () => fileKind(file.name, bytes));
      if (kind.kind === 'other') {
        skipped.push(file.name);
        continue;
      }
      if (kind.kind === 'broken') {
        throw new FileError(`cannot read ${file.name}: ${kind.reason}`);
      }
      const parquet = await readOrFail(file, () => ParquetFile.open(bytes), ' as Parquet');
      check.startFile(file.name, parquet.columns);
      parquetFiles += 1;
      const stopped = await readOrFail(file, async () => {
        for await (const { rowStart, rows } of parquet.rowGroups(check.columns)) {
          check.addRows(file.name, rowStart, rows);
          if (stopSignal.aborted) {
            return true;
          }
        }
        return false;
      }, ' as Parquet');
      if (stopped) {
        return { parquetFiles, skipped, stoppedBy: String(stopSignal.reason) };
      }
    } finally {
      await bytes.close();
    }
  }
  return { parquetFiles, skipped };
}

/**
 * Runs a read of `file`, turning its failure into a FileError that names the file: an I/O or S3 error by its code,
 * anything else as a file that is not readable `as` what it should be.
 */
async function readOrFail<T>(file: SourceFile, read: () => Promise<T>, as = ''): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof FileError) {
      throw error;
    }
    const message = error instanceof Error ? error.message : String(error);
    throw new FileError(isIoError(error) ? `cannot read ${file.name}: ${errorCode(error)}: ${message}` : `cannot read ${file.name}${as}: ${message}`);
  }
}

/** An error of the file system (a code such as ENOENT) or of an AWS call (HTTP metadata), not of the content. */
function isIoError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (typeof (error as { code?: unknown }).code === 'string' || '$metadata' in error);
}
