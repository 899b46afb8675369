import { inMemory, parquetBytes, seedColumns } from './parquet-fixtures';
import { QualityCheck } from '../../../lambda-src/cli/quality';
import { checkFiles, FileError } from '../../../lambda-src/cli/quality-run';
import { SourceFile } from '../../../lambda-src/cli/sources';
import { dataQualityRules } from '../../../src/quality/data-quality-rules';

const RULES = dataQualityRules({
  idColumn: 'event_id',
  timestampColumn: 'event_timestamp',
  requiredColumns: ['event_id', 'event_type', 'event_timestamp', 'user_id'],
  notBefore: '2024-01-01',
});

/** A file in memory that counts how often it is opened and closed. */
function file(name: string, bytes: Uint8Array | string) {
  const content = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  const counts = { opened: 0, closed: 0 };
  const source: SourceFile = {
    name,
    size: content.length,
    open: async () => {
      counts.opened += 1;
      return { ...inMemory(content), close: async () => void (counts.closed += 1) };
    },
  };
  return Object.assign(source, { counts });
}

function notStopped(): AbortSignal {
  return new AbortController().signal;
}

async function failure(files: SourceFile[]): Promise<string> {
  try {
    await checkFiles(files, new QualityCheck(RULES), notStopped());
  } catch (error) {
    expect(error).toBeInstanceOf(FileError);
    return (error as Error).message;
  }
  throw new Error('no FileError');
}

describe('checkFiles', () => {
  test('feeds every row of every Parquet file to the check, skips other files, and closes each file', async () => {
    const files = [
      file('a/part-0.parquet', parquetBytes(seedColumns(5, 'a'), { rowGroupSize: 2 })),
      file('a/_SUCCESS', ''),
      file('b/firehose-1', parquetBytes(seedColumns(3, 'b'), { codec: 'SNAPPY' })),
      file('manifest.json', '{}'),
    ];
    const check = new QualityCheck(RULES);

    const checked = await checkFiles(files, check, notStopped());

    expect(checked).toEqual({ parquetFiles: 2, skipped: ['a/_SUCCESS', 'manifest.json'] });
    expect(check.rows).toBe(8);
    expect(check.outcomes().every((outcome) => outcome.passed)).toBe(true);
    expect(files.map((f) => f.counts)).toEqual(files.map(() => ({ opened: 1, closed: 1 })));
  });

  test('a file named .parquet that is not Parquet is an error naming it', async () => {
    expect(await failure([file('ok', parquetBytes(seedColumns(1, 'a'))), file('part-1.parquet', 'oops')]))
      .toBe('cannot read part-1.parquet: not a Parquet file: it does not start with PAR1');
  });

  test('a truncated Parquet file is an error naming it', async () => {
    const bytes = parquetBytes(seedColumns(10, 'a'));

    expect(await failure([file('firehose-2', bytes.slice(0, bytes.length - 1))])).toBe('cannot read firehose-2: not a Parquet file: it does not end with PAR1');
  });

  test('a corrupt Parquet file is an error naming it, with the reader\'s reason', async () => {
    const corrupt = file('corrupt.parquet', Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(40, 0xff), Buffer.from([40, 0, 0, 0]), Buffer.from('PAR1')]));

    expect(await failure([corrupt])).toMatch(/^cannot read corrupt\.parquet as Parquet: \S/);
    expect(corrupt.counts).toEqual({ opened: 1, closed: 1 });
  });

  test('a file that cannot be opened is an error with the system\'s code', async () => {
    const gone: SourceFile = {
      name: 'gone.parquet',
      size: 10,
      open: async () => {
        throw Object.assign(new Error('no such file or directory'), { code: 'ENOENT' });
      },
    };

    expect(await failure([gone])).toBe('cannot read gone.parquet: ENOENT: no such file or directory');
  });

  test('stops between row groups once the stop signal is aborted, saying by what', async () => {
    const stop = new AbortController();
    const check = new QualityCheck(RULES);
    const addRows = check.addRows.bind(check);
    check.addRows = (name, rowStart, rows) => {
      addRows(name, rowStart, rows);
      stop.abort('SIGINT');
    };

    const checked = await checkFiles([file('a', parquetBytes(seedColumns(6, 'a'), { rowGroupSize: 2 })), file('b', parquetBytes(seedColumns(2, 'b')))],
      check, stop.signal);

    expect(checked).toEqual({ parquetFiles: 1, skipped: [], stoppedBy: 'SIGINT' });
    expect(check.rows).toBe(2);
  });

  test('reads nothing once stopped before the first file', async () => {
    const stop = new AbortController();
    stop.abort('SIGTERM');
    const untouched = file('a', parquetBytes(seedColumns(2, 'a')));

    expect(await checkFiles([untouched], new QualityCheck(RULES), stop.signal)).toEqual({ parquetFiles: 0, skipped: [], stoppedBy: 'SIGTERM' });
    expect(untouched.counts.opened).toBe(0);
  });
});
