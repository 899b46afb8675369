import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { ColumnSource } from 'hyparquet-writer' with { 'resolution-mode': 'import' };
import type { ByteSource } from '../../../lambda-src/cli/parquet';

// hyparquet-writer is an ES module only; Jest compiles it to CommonJS (see lambda-src/cli/parquet.ts on hyparquet).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const writer = require('hyparquet-writer') as typeof import('hyparquet-writer', { with: { 'resolution-mode': 'import' } });

export type { ColumnSource };
export type Codec = 'GZIP' | 'SNAPPY' | 'UNCOMPRESSED';

/** Midnight UTC of 2024-01-01, the seed's --not-before, in milliseconds. */
export const NOT_BEFORE_MS = Date.UTC(2024, 0, 1);
const NANOS_PER_DAY = 86_400_000_000_000n;
/** The Julian day of 1970-01-01, from which INT96 counts its days. */
const UNIX_EPOCH_JULIAN_DAY = 2_440_588n;

export interface ParquetOptions {
  /** Default GZIP, the data lake's default. */
  readonly codec?: Codec;
  readonly rowGroupSize?: number;
  /** What GZIP pages are compressed with: gzip by default. */
  readonly gzip?: (input: Uint8Array) => Uint8Array;
}

/** A Parquet file of the columns, written by hyparquet-writer. */
export function parquetBytes(columns: ColumnSource[], options: ParquetOptions = {}): Uint8Array {
  const gzip = options.gzip ?? gzipSync;
  return write({ columnData: columns, codec: options.codec ?? 'GZIP', rowGroupSize: options.rowGroupSize, compressors: { GZIP: (input) => new Uint8Array(gzip(input)) } });
}

/** hyparquet-writer's output, with GZIP (which it leaves to the caller) from node:zlib. */
function write(options: Parameters<typeof writer.parquetWriteBuffer>[0]): Uint8Array {
  return new Uint8Array(writer.parquetWriteBuffer({ compressors: { GZIP: (input: Uint8Array) => new Uint8Array(gzipSync(input)) }, ...options }));
}

export function writeFile(path: string, bytes: Uint8Array | string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  return path;
}

/** What a seed file's columns hold, row by row; a column set to undefined is left out of the file. */
export interface SeedColumns {
  readonly event_id?: Array<string | null>;
  readonly event_type?: Array<string | null>;
  readonly event_timestamp?: Array<Date | null>;
  readonly user_id?: Array<string | null>;
}

/**
 * `count` seed events as the data lake stores them (event_id, event_type, event_timestamp, user_id), that pass every
 * check: ids `<idPrefix>-0`, `<idPrefix>-1`…, timestamps a second apart from 2024-06-01. `columns` replaces or drops
 * columns.
 */
export function seedColumns(count: number, idPrefix: string, columns: { readonly [name in keyof SeedColumns]?: unknown[] } = {}): ColumnSource[] {
  const defaults: Required<SeedColumns> = {
    event_id: Array.from({ length: count }, (_, i) => `${idPrefix}-${i}`),
    event_type: Array.from({ length: count }, (_, i) => ['page_view', 'click'][i % 2]),
    event_timestamp: Array.from({ length: count }, (_, i) => new Date(Date.UTC(2024, 5, 1) + i * 1_000)),
    user_id: Array.from({ length: count }, (_, i) => `user-${i % 7}`),
  };
  return (Object.keys(defaults) as Array<keyof SeedColumns>).flatMap((name): ColumnSource[] => {
    const data = Object.hasOwn(columns, name) ? columns[name] : defaults[name];
    return data === undefined ? [] : [{ name, data: data as ColumnSource['data'], type: name === 'event_timestamp' ? 'TIMESTAMP' : 'STRING', nullable: true }];
  });
}

/** A column of INT64 timestamps with a unit, as TIMESTAMP_MILLIS / TIMESTAMP_MICROS / TIMESTAMP(NANOS) writers store them. */
export function int64TimestampFile(name: string, unit: 'MILLIS' | 'MICROS' | 'NANOS', values: Array<bigint | null>, codec: Codec = 'GZIP'): Uint8Array {
  return write({
    columnData: [{ name, data: values }],
    schema: [
      { name: 'root', num_children: 1 },
      { name, type: 'INT64', repetition_type: 'OPTIONAL', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit } },
    ],
    codec,
  });
}

/**
 * A Parquet file as Firehose's Parquet SerDe writes one: `timestampColumn` INT96 (Hive's timestamp), the string columns
 * UTF8, all optional. hyparquet-writer cannot write INT96, so the timestamps are written as 12-byte
 * FIXED_LEN_BYTE_ARRAY values in INT96's layout (nanoseconds of the day, then the Julian day, little-endian) and the
 * footer's type is changed to INT96.
 */
export function int96File(timestampColumn: string, epochNanos: Array<bigint | null>, strings: Record<string, Array<string | null>> = {}): Uint8Array {
  const names = Object.keys(strings);
  return retypeFixedLengthAsInt96(write({
    columnData: [
      { name: timestampColumn, data: epochNanos.map((nanos) => (nanos === null ? null : int96Bytes(nanos))) },
      ...names.map((name) => ({ name, data: strings[name] })),
    ],
    schema: [
      { name: 'root', num_children: 1 + names.length },
      { name: timestampColumn, type: 'FIXED_LEN_BYTE_ARRAY', type_length: 12, repetition_type: 'OPTIONAL' },
      ...names.map((name) => ({ name, type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, repetition_type: 'OPTIONAL' as const })),
    ],
    codec: 'GZIP',
    statistics: false,
  }));
}

function int96Bytes(epochNanos: bigint): Uint8Array {
  const days = epochNanos >= 0n ? epochNanos / NANOS_PER_DAY : (epochNanos - NANOS_PER_DAY + 1n) / NANOS_PER_DAY;
  const nanosOfDay = epochNanos - days * NANOS_PER_DAY;
  const bytes = new Uint8Array(12);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, nanosOfDay, true);
  view.setInt32(8, Number(days + UNIX_EPOCH_JULIAN_DAY), true);
  return bytes;
}

/**
 * Rewrites the Thrift compact encoding of `type: FIXED_LEN_BYTE_ARRAY (7)` in the footer as `type: INT96 (3)`: in the
 * schema element (field 1, then type_length 12) and in each row group's column metadata (field 1, then the encodings
 * list). Each value is one zigzag byte, 14 becoming 6, so nothing moves.
 */
function retypeFixedLengthAsInt96(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const footerLength = view.getUint32(bytes.length - 8, true);
  const footerStart = bytes.length - 8 - footerLength;
  const patterns = [[0x15, 0x0e, 0x15, 0x18], [0x15, 0x0e, 0x19]];
  for (const pattern of patterns) {
    let found = 0;
    for (let at = footerStart; at + pattern.length <= bytes.length - 8; at++) {
      if (pattern.every((byte, i) => bytes[at + i] === byte)) {
        bytes[at + 1] = 0x06;
        found += 1;
      }
    }
    if (found === 0) {
      throw new Error(`no FIXED_LEN_BYTE_ARRAY type ${pattern.map((b) => b.toString(16)).join(' ')} in the footer`);
    }
  }
  return bytes;
}

/** Bytes in memory as a file to read, as a local file or an S3 object would be. */
export function inMemory(bytes: Uint8Array): ByteSource {
  return {
    byteLength: bytes.length,
    // A copy: Buffer's slice is a view into a shared pool.
    slice: (start: number, end = bytes.length) => Uint8Array.prototype.slice.call(bytes, start, end).buffer,
    close: async () => undefined,
  };
}
