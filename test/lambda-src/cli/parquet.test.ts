import { deflateSync } from 'node:zlib';
import { inMemory, int64TimestampFile, int96File, parquetBytes, seedColumns } from './parquet-fixtures';
import { fileKind, ParquetFile } from '../../../lambda-src/cli/parquet';
import { Instant } from '../../../lambda-src/cli/timestamps';

const MIDNIGHT_2024 = BigInt(Date.UTC(2024, 0, 1)) * 1_000_000n;

async function allRows(file: ParquetFile, columns: string[]) {
  const groups: Array<{ rowStart: number; rows: Array<Record<string, unknown>> }> = [];
  for await (const group of file.rowGroups(columns)) {
    groups.push(group);
  }
  return groups;
}

describe('fileKind', () => {
  const parquet = parquetBytes(seedColumns(3, 'e'));

  test('a file that starts and ends with PAR1 is Parquet, whatever its name', async () => {
    expect(await fileKind('firehose-1-2024-06-01-00-00-00-abc', inMemory(parquet))).toEqual({ kind: 'parquet' });
  });

  test.each([
    ['_SUCCESS', ''],
    ['manifest.json', '{"entries": []}'],
    ['PAR', 'PAR'],
  ])('%s, which is not Parquet, is other', async (name, content) => {
    expect(await fileKind(name, inMemory(Buffer.from(content)))).toEqual({ kind: 'other' });
  });

  test.each([
    ['part-0.parquet', Buffer.from('not parquet at all'), 'not a Parquet file: it does not start with PAR1'],
    ['part-0.PARQUET', Buffer.alloc(0), 'not a Parquet file: it does not start with PAR1'],
    ['truncated', parquet.slice(0, parquet.length - 10), 'not a Parquet file: it does not end with PAR1'],
    ['tiny.parquet', Buffer.from('PAR1PAR1'), 'not a Parquet file: it has only 8 bytes'],
  ])('%s, named .parquet or starting with PAR1, is broken', async (name, bytes, reason) => {
    expect(await fileKind(name, inMemory(bytes))).toEqual({ kind: 'broken', reason });
  });
});

describe('ParquetFile', () => {
  test.each(['GZIP', 'SNAPPY', 'UNCOMPRESSED'] as const)('reads %s files a row group at a time, with the columns asked for', async (codec) => {
    const bytes = parquetBytes(seedColumns(5, 'e', { user_id: ['u0', null, 'u2', 'u3', 'u4'] }), { codec, rowGroupSize: 2 });

    const file = await ParquetFile.open(inMemory(bytes));
    const groups = await allRows(file, ['event_id', 'user_id', 'not_there']);

    expect(file.columns).toEqual(['event_id', 'event_type', 'event_timestamp', 'user_id']);
    expect(groups).toEqual([
      { rowStart: 0, rows: [{ event_id: 'e-0', user_id: 'u0' }, { event_id: 'e-1', user_id: null }] },
      { rowStart: 2, rows: [{ event_id: 'e-2', user_id: 'u2' }, { event_id: 'e-3', user_id: 'u3' }] },
      { rowStart: 4, rows: [{ event_id: 'e-4', user_id: 'u4' }] },
    ]);
  });

  test('GZIP pages are gzip, as the data lake writes them, or zlib, as older writers did', async () => {
    const gzipped = parquetBytes(seedColumns(5, 'e'), { codec: 'GZIP' });
    const zlibbed = parquetBytes(seedColumns(5, 'e'), { codec: 'GZIP', gzip: deflateSync });
    const gzipMagic = Buffer.from([0x1f, 0x8b, 0x08]);
    expect([gzipped, zlibbed].map((bytes) => Buffer.from(bytes).includes(gzipMagic))).toEqual([true, false]);

    for (const bytes of [gzipped, zlibbed]) {
      const file = await ParquetFile.open(inMemory(bytes));
      expect((await allRows(file, ['event_id']))[0].rows.map((row) => row.event_id)).toEqual(['e-0', 'e-1', 'e-2', 'e-3', 'e-4']);
    }
  });

  test('counts the rows of a file that has none of the columns asked for', async () => {
    const file = await ParquetFile.open(inMemory(parquetBytes(seedColumns(3, 'e'), { rowGroupSize: 2 })));

    expect(await allRows(file, ['nothing'])).toEqual([{ rowStart: 0, rows: [{}, {}] }, { rowStart: 2, rows: [{}] }]);
  });

  test('reads hyparquet-writer\'s TIMESTAMP (INT64 milliseconds) as Instants', async () => {
    const file = await ParquetFile.open(inMemory(parquetBytes(seedColumns(2, 'e'))));

    const [{ rows }] = await allRows(file, ['event_timestamp']);
    expect(rows.map((row) => String(row.event_timestamp))).toEqual(['2024-06-01T00:00:00.000Z', '2024-06-01T00:00:01.000Z']);
    expect(rows[0].event_timestamp).toBeInstanceOf(Instant);
  });

  test.each([
    ['MILLIS', 1_000_000n],
    ['MICROS', 1_000n],
    ['NANOS', 1n],
  ] as const)('reads INT64 TIMESTAMP(%s) to the unit, with nulls', async (unit, nanosPerUnit) => {
    const midnight = MIDNIGHT_2024 / nanosPerUnit;
    const file = await ParquetFile.open(inMemory(int64TimestampFile('ts', unit, [midnight, midnight + 1n, null])));

    const [{ rows }] = await allRows(file, ['ts']);
    expect(rows.map((row) => (row.ts as Instant | null)?.epochNanos ?? null)).toEqual([MIDNIGHT_2024, MIDNIGHT_2024 + nanosPerUnit, null]);
  });

  test('reads INT96 timestamps, as Firehose\'s Parquet SerDe writes them, to the nanosecond', async () => {
    const values = [MIDNIGHT_2024, MIDNIGHT_2024 + 1n, MIDNIGHT_2024 - 1n, null, 0n, -86_400_000_000_001n];
    const bytes = int96File('event_timestamp', values);

    const file = await ParquetFile.open(inMemory(bytes));
    const [{ rows }] = await allRows(file, ['event_timestamp']);

    expect(rows.map((row) => (row.event_timestamp as Instant | null)?.epochNanos ?? null)).toEqual(values);
  });

  test('a file that looks like Parquet but whose footer is garbage fails to open', async () => {
    const bytes = Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(40, 0xff), Buffer.from([40, 0, 0, 0]), Buffer.from('PAR1')]);

    expect(await fileKind('corrupt.parquet', inMemory(bytes))).toEqual({ kind: 'parquet' });
    await expect(ParquetFile.open(inMemory(bytes))).rejects.toThrow(Error);
  });
});
