import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { closeEmulator, listenOnLoopback } from '../../support/emulator';

/**
 * A local S3 of the test's, over HTTP as the SDK speaks it (path-style): ListObjectsV2, in pages of `pageSize` keys
 * as S3 may return fewer keys than asked for, and GetObject with a byte range. No installable S3 emulator fits:
 * s3rver's continuation tokens need a cipher that Node 17+'s OpenSSL no longer has, so its pagination fails.
 */
export class LocalS3 {
  /** The requests served, e.g. `ListObjectsV2 lake events/` or `GetObject lake events/a.parquet bytes=0-3`. */
  public readonly requests: string[] = [];
  private readonly buckets = new Map<string, Map<string, Uint8Array>>();
  private readonly denied = new Set<string>();
  private readonly server: Server = createServer((request, response) => this.serve(request, response));
  private endpointUrl?: string;

  constructor(private readonly pageSize = 1_000) {}

  public get endpoint(): string {
    return this.endpointUrl!;
  }

  public async start(): Promise<string> {
    this.endpointUrl = await listenOnLoopback(this.server);
    return this.endpointUrl;
  }

  public async stop(): Promise<void> {
    await closeEmulator(this.server);
  }

  public put(bucket: string, key: string, body: Uint8Array | string): void {
    if (!this.buckets.has(bucket)) {
      this.buckets.set(bucket, new Map());
    }
    this.buckets.get(bucket)!.set(key, typeof body === 'string' ? Buffer.from(body) : body);
  }

  /** GetObject of the key answers 403 AccessDenied. */
  public deny(bucket: string, key: string): void {
    this.denied.add(`${bucket}/${key}`);
  }

  private serve(request: IncomingMessage, response: ServerResponse): void {
    request.resume();
    const url = new URL(request.url ?? '/', 'http://localhost');
    const [bucketName, ...keyParts] = url.pathname.slice(1).split('/');
    const bucket = this.buckets.get(decodeURIComponent(bucketName));
    if (request.method !== 'GET') {
      return error(response, 405, 'MethodNotAllowed', `${request.method} is not served here`);
    }
    if (bucket === undefined) {
      return error(response, 404, 'NoSuchBucket', 'The specified bucket does not exist');
    }
    if (keyParts.length === 0 || (keyParts.length === 1 && keyParts[0] === '')) {
      return this.list(url, bucketName, bucket, response);
    }
    const key = keyParts.map(decodeURIComponent).join('/');
    this.get(bucketName, key, bucket.get(key), request.headers.range, response);
  }

  private list(url: URL, bucketName: string, bucket: Map<string, Uint8Array>, response: ServerResponse): void {
    const prefix = url.searchParams.get('prefix') ?? '';
    this.requests.push(`ListObjectsV2 ${bucketName} ${prefix}`);
    const keys = [...bucket.keys()].filter((key) => key.startsWith(prefix)).sort();
    const start = Number(url.searchParams.get('continuation-token') ?? '0');
    const page = keys.slice(start, start + Math.min(this.pageSize, Number(url.searchParams.get('max-keys') ?? 1_000)));
    const truncated = start + page.length < keys.length;
    response.setHeader('content-type', 'application/xml');
    response.end(`<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${bucketName}</Name><Prefix>${xml(prefix)}</Prefix>`
      + `<KeyCount>${page.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>${truncated}</IsTruncated>`
      + page.map((key) => `<Contents><Key>${xml(key)}</Key><Size>${bucket.get(key)!.length}</Size></Contents>`).join('')
      + (truncated ? `<NextContinuationToken>${start + page.length}</NextContinuationToken>` : '')
      + '</ListBucketResult>');
  }

  private get(bucketName: string, key: string, body: Uint8Array | undefined, range: string | undefined, response: ServerResponse): void {
    this.requests.push(`GetObject ${bucketName} ${key}${range === undefined ? '' : ` ${range}`}`);
    if (this.denied.has(`${bucketName}/${key}`)) {
      return error(response, 403, 'AccessDenied', 'Access Denied');
    }
    if (body === undefined) {
      return error(response, 404, 'NoSuchKey', 'The specified key does not exist.');
    }
    const match = /^bytes=(\d+)-(\d+)$/.exec(range ?? '');
    if (match === null) {
      response.setHeader('content-length', body.length);
      return void response.end(body);
    }
    const [start, end] = [Number(match[1]), Math.min(Number(match[2]), body.length - 1)];
    response.statusCode = 206;
    response.setHeader('content-range', `bytes ${start}-${end}/${body.length}`);
    response.setHeader('content-length', end - start + 1);
    response.end(body.subarray(start, end + 1));
  }
}

function error(response: ServerResponse, status: number, code: string, message: string): void {
  response.statusCode = status;
  response.setHeader('content-type', 'application/xml');
  response.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`);
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
