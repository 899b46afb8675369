import {
  GetObjectCommand,
  GetObjectCommandOutput,
  ListObjectsV2Command,
  ListObjectsV2CommandOutput,
  S3Client,
} from '@aws-sdk/client-s3';
import { ClientOptions, keepAliveHandler } from './aws';
import type { ByteSource } from './parquet';
import type { SourceFile } from './sources';

/** Objects under an `s3://bucket/prefix` URI. */
export interface S3Location {
  readonly uri: string;
  readonly bucket: string;
  /** Possibly empty: the whole bucket. */
  readonly prefix: string;
}

/** The S3 calls the quality command makes. */
export interface S3ReadClient {
  send(command: ListObjectsV2Command): Promise<ListObjectsV2CommandOutput>;
  send(command: GetObjectCommand): Promise<GetObjectCommandOutput>;
  destroy(): void;
}

// A bucket name as S3 allows today: 3 to 63 of a-z 0-9 . -, starting and ending with a letter or digit.
const S3_URI = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/;

/** The location an `s3://bucket/prefix` URI names, or undefined when the text is not one. */
export function parseS3Uri(text: string): S3Location | undefined {
  const match = S3_URI.exec(text);
  return match === null ? undefined : { uri: text, bucket: match[1], prefix: match[2] ?? '' };
}

/** An S3 client on the SDK's default credential chain, over HTTP/1.1 keep-alive connections. */
export function createS3Client(options: ClientOptions): S3Client {
  return new S3Client({
    region: options.region,
    endpoint: options.endpointUrl,
    // A custom endpoint (a local S3, a proxy) takes the bucket in the path, not in the host name.
    forcePathStyle: options.endpointUrl !== undefined,
    // A bucket outside the region configured still answers, without --region.
    followRegionRedirects: true,
    requestHandler: keepAliveHandler(options.maxSockets),
  });
}

/** Every object under the location, in key order, as files to read with ranged GetObject calls. */
export async function listS3Files(client: S3ReadClient, location: S3Location): Promise<SourceFile[]> {
  const files: SourceFile[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({
      Bucket: location.bucket,
      Prefix: location.prefix,
      ContinuationToken: continuationToken,
    }));
    for (const { Key: key, Size: size = 0 } of page.Contents ?? []) {
      // A key ending in / is a folder placeholder that consoles create, not a file.
      if (key !== undefined && !key.endsWith('/')) {
        files.push({ name: `s3://${location.bucket}/${key}`, size, open: async () => s3Bytes(client, location.bucket, key, size) });
      }
    }
    continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (continuationToken !== undefined);
  return files;
}

/** An object's bytes, each slice a ranged GetObject. */
function s3Bytes(client: S3ReadClient, bucket: string, key: string, size: number): ByteSource {
  return {
    byteLength: size,
    slice: async (start: number, end = size) => {
      if (end <= start) {
        return new ArrayBuffer(0);
      }
      const { Body: body } = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${end - 1}` }));
      const bytes = await body!.transformToByteArray();
      if (bytes.byteLength !== end - start) {
        throw new Error(`GetObject returned ${bytes.byteLength} bytes of the ${end - start} asked for: the object changed while being read`);
      }
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
    close: async () => undefined,
  };
}
