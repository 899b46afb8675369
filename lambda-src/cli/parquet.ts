import { unzipSync } from 'node:zlib';
import type { AsyncBuffer, Compressors, FileMetaData } from 'hyparquet' with { 'resolution-mode': 'import' };
import { INSTANT_PARSERS } from './timestamps';

// hyparquet is an ES module only: esbuild bundles this require into the CommonJS bundle, and Jest compiles the
// package to CommonJS (its transformIgnorePatterns let hyparquet through). A static import would be an ES import
// from a CommonJS file, which TypeScript refuses.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hyparquet = require('hyparquet') as typeof import('hyparquet', { with: { 'resolution-mode': 'import' } });

/** A file's bytes, read a slice at a time, and given back when done. */
export interface ByteSource extends AsyncBuffer {
  close(): Promise<void>;
}

/**
 * Decompressors beyond hyparquet's own SNAPPY: GZIP, the data lake's default (gzip, or zlib from older writers).
 * UNCOMPRESSED needs none.
 */
const COMPRESSORS: Compressors = {
  GZIP: (input) => new Uint8Array(unzipSync(input)),
};

const MAGIC = 'PAR1';
/** The smallest Parquet file: the magic, a footer length, the magic again. */
const MIN_PARQUET_BYTES = 12;

/** What a file is: Parquet; not Parquet, so skipped; or meant as Parquet (named so, or starting so) but broken. */
export type FileKind = { readonly kind: 'parquet' } | { readonly kind: 'other' } | { readonly kind: 'broken'; readonly reason: string };

/**
 * Tells a Parquet file by its content, as Firehose does not always name its files `.parquet`: it starts and ends with
 * `PAR1`. A file that is named `.parquet` or starts with `PAR1` without being one is broken (a truncated upload, say),
 * not something to skip quietly.
 */
export async function fileKind(name: string, file: AsyncBuffer): Promise<FileKind> {
  const size = file.byteLength;
  const head = size >= MAGIC.length ? await text(file, 0, MAGIC.length) : '';
  const tail = size >= MIN_PARQUET_BYTES ? await text(file, size - MAGIC.length, size) : '';
  if (head === MAGIC && tail === MAGIC) {
    return { kind: 'parquet' };
  }
  if (head === MAGIC || name.toLowerCase().endsWith('.parquet')) {
    const reason = head !== MAGIC ? 'it does not start with PAR1' : size < MIN_PARQUET_BYTES ? `it has only ${size} bytes` : 'it does not end with PAR1';
    return { kind: 'broken', reason: `not a Parquet file: ${reason}` };
  }
  return { kind: 'other' };
}

async function text(file: AsyncBuffer, start: number, end: number): Promise<string> {
  return Buffer.from(await file.slice(start, end)).toString('latin1');
}

/** A Parquet file opened for reading: its top-level columns and its rows, a row group at a time. */
export class ParquetFile {
  public static async open(file: AsyncBuffer): Promise<ParquetFile> {
    return new ParquetFile(file, await hyparquet.parquetMetadataAsync(file, { parsers: INSTANT_PARSERS }));
  }

  /** The top-level column names. */
  public readonly columns: string[];

  private constructor(private readonly file: AsyncBuffer, private readonly metadata: FileMetaData) {
    this.columns = hyparquet.parquetSchema(metadata).children.map((child) => child.element.name);
  }

  /**
   * The rows of each row group in turn, with only `columns` (those of them the file has): one row group in memory
   * at a time. Timestamps come as Instants, to the nanosecond.
   */
  public async *rowGroups(columns: readonly string[]): AsyncGenerator<{ rowStart: number; rows: Array<Record<string, unknown>> }> {
    const present = columns.filter((column) => this.columns.includes(column));
    let rowStart = 0;
    for (const group of this.metadata.row_groups) {
      const rowEnd = rowStart + Number(group.num_rows);
      // With no column to read there is nothing to decode, only rows to count.
      const rows = present.length === 0
        ? Array.from({ length: rowEnd - rowStart }, () => ({}))
        : await hyparquet.parquetReadObjects({
          file: this.file,
          metadata: this.metadata,
          columns: present,
          rowStart,
          rowEnd,
          compressors: COMPRESSORS,
          parsers: INSTANT_PARSERS,
        });
      yield { rowStart, rows };
      rowStart = rowEnd;
    }
  }
}
