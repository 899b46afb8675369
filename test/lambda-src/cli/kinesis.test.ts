import { capacityWarning, createKinesisClient, describeFacts, isWritable } from '../../../lambda-src/cli/kinesis';
import { describeTarget, parseStreamTarget, streamParameters } from '../../../lambda-src/cli/stream';

describe('stream targets', () => {
  test('a name is used as StreamName; an ARN as StreamARN, with the name it carries', () => {
    const arn = 'arn:aws-cn:kinesis:cn-north-1:123456789012:stream/clicks.v2';
    const byName = parseStreamTarget('clicks')!;
    const byArn = parseStreamTarget(arn)!;

    expect(streamParameters(byName)).toEqual({ StreamName: 'clicks' });
    expect(streamParameters(byArn)).toEqual({ StreamName: 'clicks.v2', StreamARN: arn });
    expect([describeTarget(byName), describeTarget(byArn)]).toEqual(['clicks', arn]);
    expect(parseStreamTarget('x'.repeat(129))).toBeUndefined();
    expect(parseStreamTarget('arn:aws:kinesis:us-east-1:123:stream/clicks')).toBeUndefined();
  });
});

describe('stream facts', () => {
  test('ACTIVE and UPDATING streams take records; CREATING and DELETING ones do not', () => {
    expect(['ACTIVE', 'UPDATING', 'CREATING', 'DELETING'].map((status) => isWritable({ status }))).toEqual([true, true, false, false]);
  });

  test('describe what is known', () => {
    expect(describeFacts({ status: 'ACTIVE', openShards: 4, mode: 'PROVISIONED' })).toBe('4 open shards, PROVISIONED');
    expect(describeFacts({ status: 'ACTIVE', openShards: 1 })).toBe('1 open shard');
    expect(describeFacts({ status: 'ACTIVE' })).toBe('');
  });

  test('warn when a provisioned stream cannot take the rate at 1,000 records/s a shard', () => {
    const provisioned = { status: 'ACTIVE', openShards: 4, mode: 'PROVISIONED' };

    expect(capacityWarning(provisioned, 4000)).toBeUndefined();
    expect(capacityWarning(provisioned, 10_000)).toBe('4 open shards take at most 4,000 records/s (1,000 each): expect throttling at 10,000 records/s');
    expect(capacityWarning({ ...provisioned, mode: 'ON_DEMAND' }, 10_000)).toBeUndefined();
    expect(capacityWarning({ status: 'ACTIVE', openShards: 1 }, 10_000)).toBeUndefined();
  });
});

describe('createKinesisClient', () => {
  test('uses the region and endpoint given, no SDK retries, and an HTTP/1.1 handler with keep-alive', async () => {
    const client = createKinesisClient({ region: 'eu-west-1', endpointUrl: 'http://127.0.0.1:4567', maxSockets: 16 });
    try {
      expect(await client.config.region()).toBe('eu-west-1');
      expect(await client.config.maxAttempts()).toBe(1);
      expect(client.config.endpoint && (await client.config.endpoint()).hostname).toBe('127.0.0.1');
      expect(client.config.requestHandler.metadata?.handlerProtocol).toBe('http/1.1');
    } finally {
      client.destroy();
    }
  });
});
