import { S3Client } from '@aws-sdk/client-s3';
import { LocalS3 } from './s3-server';
import { createS3Client, listS3Files, parseS3Uri } from '../../../lambda-src/cli/s3';
import { emulatorClientConfig } from '../../support/emulator';

describe('parseS3Uri', () => {
  test('reads the bucket and the prefix, which may be empty', () => {
    expect(parseS3Uri('s3://my-lake.v2/events/2024/')).toEqual({ uri: 's3://my-lake.v2/events/2024/', bucket: 'my-lake.v2', prefix: 'events/2024/' });
    expect(parseS3Uri('s3://lake/events')).toEqual({ uri: 's3://lake/events', bucket: 'lake', prefix: 'events' });
    expect(parseS3Uri('s3://lake/')).toEqual({ uri: 's3://lake/', bucket: 'lake', prefix: '' });
    expect(parseS3Uri('s3://lake')).toEqual({ uri: 's3://lake', bucket: 'lake', prefix: '' });
  });

  test.each(['s3://', 's3://ab', 's3://My_Bucket/x', 's3://-lake/x', `s3://${'a'.repeat(64)}`, 's3:/lake/x', 'https://lake.s3.amazonaws.com/x'])(
    'refuses %s', (text) => {
      expect(parseS3Uri(text)).toBeUndefined();
    },
  );
});

describe('createS3Client', () => {
  test('addresses a custom endpoint path-style, follows region redirects, over HTTP/1.1', async () => {
    const local = createS3Client({ region: 'eu-west-1', endpointUrl: 'http://127.0.0.1:4569', maxSockets: 1 });
    const aws = createS3Client({ maxSockets: 1 });
    try {
      expect(await local.config.region()).toBe('eu-west-1');
      expect(local.config.forcePathStyle).toBe(true);
      expect(local.config.followRegionRedirects).toBe(true);
      expect(local.config.endpoint && (await local.config.endpoint()).hostname).toBe('127.0.0.1');
      expect(local.config.requestHandler.metadata?.handlerProtocol).toBe('http/1.1');
      expect(aws.config.forcePathStyle).toBe(false);
    } finally {
      local.destroy();
      aws.destroy();
    }
  });
});

describe('listS3Files', () => {
  const s3 = new LocalS3(2);
  let client: S3Client;

  beforeAll(async () => {
    client = new S3Client({ ...emulatorClientConfig(await s3.start()), forcePathStyle: true });
    for (const key of ['events/e', 'events/a', 'events/d/', 'events/c/x', 'events/b', 'other/z']) {
      s3.put('lake', key, `body of ${key}`);
    }
  });

  afterAll(async () => {
    client.destroy();
    await s3.stop();
  });

  test('lists every object under the prefix, page after page, in key order, without folder placeholders', async () => {
    s3.requests.length = 0;

    const files = await listS3Files(client, parseS3Uri('s3://lake/events/')!);

    expect(files.map((file) => [file.name, file.size])).toEqual([
      ['s3://lake/events/a', 16],
      ['s3://lake/events/b', 16],
      ['s3://lake/events/c/x', 18],
      ['s3://lake/events/e', 16],
    ]);
    expect(s3.requests).toEqual(['ListObjectsV2 lake events/', 'ListObjectsV2 lake events/', 'ListObjectsV2 lake events/']);
  });

  test('reads an object by ranged GetObject calls', async () => {
    const [file] = await listS3Files(client, parseS3Uri('s3://lake/events/c/')!);
    const bytes = await file.open();
    s3.requests.length = 0;

    expect(Buffer.from(await bytes.slice(0, 4)).toString()).toBe('body');
    expect(Buffer.from(await bytes.slice(8)).toString()).toBe('events/c/x');
    expect((await bytes.slice(5, 5)).byteLength).toBe(0);
    expect(s3.requests).toEqual(['GetObject lake events/c/x bytes=0-3', 'GetObject lake events/c/x bytes=8-17']);
    await bytes.close();
  });

  test('fails with S3\'s error for a bucket that does not exist', async () => {
    await expect(listS3Files(client, parseS3Uri('s3://nowhere/')!)).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });
});
