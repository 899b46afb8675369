/**
 * Test-only reader of the end-to-end test (integ.streaming-pipeline.ts): lists the objects under a prefix of the
 * data lake, checks that each is a Parquet file (the `PAR1` magic at both ends) and reads its `event_id` column,
 * so that the test asserts what Firehose wrote, not only that something was written.
 */
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';

export interface DataLakeReaderEvent {
  readonly bucketName: string;
  readonly prefix: string;
}

export interface DataLakeReaderResult {
  /** Every key under the prefix. */
  readonly keys: string[];
  /** Keys whose object is not a Parquet file. */
  readonly notParquet: string[];
  /** The column names of the Parquet files, sorted, without duplicates. */
  readonly columns: string[];
  /** The `event_id` values of all Parquet files, sorted, without duplicates. */
  readonly eventIds: string[];
}

const PARQUET_MAGIC = 'PAR1';

const s3 = new S3Client({});

export async function handler(event: DataLakeReaderEvent): Promise<DataLakeReaderResult> {
  // hyparquet is an ES module; esbuild inlines it into this bundle.
  const { parquetReadObjects, parquetSchema, parquetMetadata } = await import('hyparquet');
  const keys = await listKeys(event.bucketName, event.prefix);
  const notParquet: string[] = [];
  const columns = new Set<string>();
  const eventIds = new Set<string>();
  for (const key of keys) {
    const object = await s3.send(new GetObjectCommand({ Bucket: event.bucketName, Key: key }));
    const bytes = await object.Body!.transformToByteArray();
    if (!isParquet(bytes)) {
      notParquet.push(key);
      continue;
    }
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    parquetSchema(parquetMetadata(file)).children.forEach(child => columns.add(child.element.name));
    // Firehose compresses the pages with GZIP by default (SNAPPY on request, which hyparquet reads itself).
    const rows = await parquetReadObjects({ file, columns: ['event_id'], compressors: { GZIP: input => gunzipSync(input) } });
    rows.forEach(row => eventIds.add(String(row.event_id)));
  }
  return { keys, notParquet, columns: [...columns].sort(), eventIds: [...eventIds].sort() };
}

async function listKeys(bucketName: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucketName, Prefix: prefix, ContinuationToken: continuationToken }));
    keys.push(...(page.Contents ?? []).map(object => object.Key!));
    continuationToken = page.NextContinuationToken;
  } while (continuationToken);
  return keys;
}

function isParquet(bytes: Uint8Array): boolean {
  const text = (start: number) => Buffer.from(bytes.subarray(start, start + PARQUET_MAGIC.length)).toString('latin1');
  return bytes.length >= 2 * PARQUET_MAGIC.length && text(0) === PARQUET_MAGIC && text(bytes.length - PARQUET_MAGIC.length) === PARQUET_MAGIC;
}
