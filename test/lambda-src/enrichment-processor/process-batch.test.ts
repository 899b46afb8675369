import type { KinesisStreamRecord } from 'aws-lambda';
import * as fc from 'fast-check';
import {
  awsError,
  FakeDynamo,
  FakeKinesis,
  FIXED_NOW,
  kinesisRecord,
  profileItem,
  recordingSleep,
  RecordingLogger,
  REFERENCE_CONFIG,
  SEED_CONFIG,
  seedEvent,
  throttled,
} from './fixtures';
import { LruCache } from '../../../lambda-src/enrichment-processor/lru-cache';
import { describeRecord, prepareRecord, processBatch } from '../../../lambda-src/enrichment-processor/process-batch';
import { Profile } from '../../../lambda-src/enrichment-processor/reference';

function setup(client = new FakeKinesis(), config = SEED_CONFIG) {
  const logger = new RecordingLogger();
  const { sleeps, sleep } = recordingSleep();
  const deps = { config, client, logger, clock: () => FIXED_NOW, sleep, random: () => 0.5 };
  return { client, logger, sleeps, deps };
}

const seq = (record: KinesisStreamRecord) => record.kinesis.sequenceNumber;
const sentEventIds = (client: FakeKinesis) => client.calls.flat().map((e) => JSON.parse(e.data).event_id);

describe('processBatch', () => {
  test('forwards every valid record, enriched and keyed by user_id, and reports no failures', async () => {
    const records = [0, 1, 2].map((i) => kinesisRecord(seedEvent(i), i));
    const { client, deps } = setup();

    const response = await processBatch(records, deps);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(client.calls).toHaveLength(1);
    expect(client.calls[0]).toEqual([0, 1, 2].map((i) => ({
      data: JSON.stringify({ ...seedEvent(i), processed_at: '2024-06-01T12:00:00.000Z' }),
      partitionKey: `user-${i % 3}`,
    })));
  });

  test('forwards records normalized: UTC timestamps, trimmed and lower-cased fields, unknown fields dropped', async () => {
    const record = seedEvent(1, { timestamp: '2024-01-15T11:30:00+01:00', user_id: ' user-1 ', event_type: 'Page_View', extra: 1 });
    const config = { ...SEED_CONFIG, normalization: { trimFields: ['user_id'], lowerCaseFields: ['event_type'], dropUnknownFields: true } };
    const { client, deps } = setup(new FakeKinesis(), config);

    await processBatch([kinesisRecord(record, 0)], deps);

    const { extra, ...known } = record;
    expect(extra).toBe(1);
    expect(client.calls[0]).toEqual([{
      data: JSON.stringify({
        ...known, timestamp: '2024-01-15T10:30:00Z', user_id: 'user-1', event_type: 'page_view', processed_at: '2024-06-01T12:00:00.000Z',
      }),
      partitionKey: 'user-1',
    }]);
  });

  test('does nothing for an empty batch', async () => {
    const { client, deps } = setup();

    expect(await processBatch([], deps)).toEqual({ batchItemFailures: [] });
    expect(client.calls).toEqual([]);
  });

  test('forwards only the records before the first invalid one and reports that record', async () => {
    const records = [
      kinesisRecord(seedEvent(0), 0),
      kinesisRecord(seedEvent(1), 1),
      kinesisRecord(seedEvent(2, { timestamp: 'yesterday' }), 2),
      kinesisRecord(seedEvent(3), 3),
      kinesisRecord(seedEvent(4), 4),
    ];
    const { client, deps } = setup();

    const response = await processBatch(records, deps);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: seq(records[2]) }] });
    expect(sentEventIds(client)).toEqual(['evt-0', 'evt-1']);
  });

  test('logs each invalid record with its reasons and position, but not its payload', async () => {
    const secret = 'user-with-personal-data@example.com';
    const records = [
      kinesisRecord(seedEvent(0), 0),
      kinesisRecord(seedEvent(1, { user_id: secret, event_type: 5, timestamp: 'yesterday' }), 1),
      kinesisRecord('{not json', 2),
    ];
    const { logger, deps } = setup();

    const response = await processBatch(records, deps);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: seq(records[1]) }]);
    expect(logger.errors()).toEqual([
      {
        level: 'error',
        message: 'Invalid record',
        attributes: {
          eventID: records[1].eventID,
          shardId: 'shardId-000000000000',
          sequenceNumber: seq(records[1]),
          eventSourceARN: records[1].eventSourceARN,
          reasons: ['field "event_type" must be a string, got 5', 'field "timestamp" must be an ISO-8601 timestamp, got "yesterday"'],
        },
      },
      {
        level: 'error',
        message: 'Invalid record',
        attributes: expect.objectContaining({ sequenceNumber: seq(records[2]), reasons: ['record data is not valid JSON'] }),
      },
    ]);
    expect(JSON.stringify(logger.calls)).not.toContain(secret);
  });

  test('sends nothing when the first record is invalid', async () => {
    const records = [kinesisRecord('[]', 0), kinesisRecord(seedEvent(1), 1)];
    const { client, deps } = setup();

    expect(await processBatch(records, deps)).toEqual({ batchItemFailures: [{ itemIdentifier: seq(records[0]) }] });
    expect(client.calls).toEqual([]);
  });

  test('reports the earliest record that could not be published, ahead of a later invalid record', async () => {
    const records = [0, 1, 2, 3].map((i) => kinesisRecord(seedEvent(i), i));
    records.push(kinesisRecord({ event_id: 'evt-4' }, 4));
    const failing = new Set(['evt-1', 'evt-3']);
    const client = new FakeKinesis((data) => (failing.has(JSON.parse(data).event_id) ? throttled() : {}));
    const { logger, sleeps, deps } = setup(client);

    const response = await processBatch(records, deps);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: seq(records[1]) }] });
    expect(sleeps).toHaveLength(4);
    const publishErrors = logger.errors().filter((c) => c.message === 'Record not published after retries');
    expect(publishErrors.map((c) => c.attributes)).toEqual([1, 3].map((i) => ({
      ...describeRecord(records[i]),
      errorCode: 'ProvisionedThroughputExceededException',
      errorMessage: 'Rate exceeded for shard shardId-000000000000',
      attempts: 5,
    })));
  });

  test('recovers from transient publish failures without reporting anything', async () => {
    const records = [0, 1, 2].map((i) => kinesisRecord(seedEvent(i), i));
    const client = new FakeKinesis((_, attempt) => (attempt < 3 ? throttled() : {}));
    const { logger, deps } = setup(client);

    expect(await processBatch(records, deps)).toEqual({ batchItemFailures: [] });
    expect(logger.errors()).toEqual([]);
    expect(client.accepted).toHaveLength(3);
  });

  test('reports the first record when the output stream is unusable', async () => {
    const records = [0, 1].map((i) => kinesisRecord(seedEvent(i), i));
    const client = new FakeKinesis(undefined, () => awsError('ResourceNotFoundException'));
    const { logger, deps } = setup(client);

    expect(await processBatch(records, deps)).toEqual({ batchItemFailures: [{ itemIdentifier: seq(records[0]) }] });
    expect(logger.errors().map((c) => c.attributes.errorCode)).toEqual(['ResourceNotFoundException', 'ResourceNotFoundException']);
  });

  test('summarises the batch at info level', async () => {
    const records = [kinesisRecord(seedEvent(0), 0), kinesisRecord('oops', 1), kinesisRecord(seedEvent(2), 2)];
    const { logger, deps } = setup();

    await processBatch(records, deps);

    expect(logger.calls.filter((c) => c.level === 'info')).toEqual([{
      level: 'info',
      message: 'Batch processed',
      attributes: {
        received: 3, published: 1, invalid: 1, deferred: 2, publishFailures: 0, publishAttempts: 1, resumeFrom: seq(records[1]),
      },
    }]);
  });

  test('reports one checkpoint: the earliest unpublished record, else the first invalid one', async () => {
    const batch = fc.array(fc.record({ valid: fc.boolean(), failsPublish: fc.boolean() }), { maxLength: 25 });

    await fc.assert(fc.asyncProperty(batch, async (specs) => {
      const records = specs.map((s, i) => kinesisRecord(s.valid ? seedEvent(i) : { event_id: `evt-${i}` }, i));
      const client = new FakeKinesis((data) => (specs[Number(JSON.parse(data).event_id.slice(4))].failsPublish ? throttled() : {}));
      const { deps } = setup(client);

      const response = await processBatch(records, deps);

      const firstInvalid = specs.findIndex((s) => !s.valid);
      const forwarded = firstInvalid === -1 ? specs.length : firstInvalid;
      const firstUnpublished = specs.slice(0, forwarded).findIndex((s) => s.failsPublish);
      const checkpoint = firstUnpublished !== -1 ? firstUnpublished : firstInvalid;
      expect(response.batchItemFailures).toEqual(checkpoint === -1 ? [] : [{ itemIdentifier: seq(records[checkpoint]) }]);
      expect(new Set(sentEventIds(client))).toEqual(new Set(specs.slice(0, forwarded).map((_, i) => `evt-${i}`)));
    }), { numRuns: 60 });
  });
});

describe('processBatch with reference data', () => {
  function withReference(dynamo: FakeDynamo, kinesis = new FakeKinesis()) {
    const base = setup(kinesis);
    const cache = new LruCache<Profile>(100, 300_000, () => 0);
    return { ...base, cache, deps: { ...base.deps, reference: { config: REFERENCE_CONFIG, client: dynamo, cache } } };
  }
  const users = (...ids: string[]) => new Map(ids.map((id) => [id, profileItem(id)]));
  const sent = (client: FakeKinesis) => client.calls.flat().map((e) => JSON.parse(e.data));

  test('adds the profile of known users and null for unknown users and records without a key, one lookup per user', async () => {
    const records = [
      kinesisRecord(seedEvent(0), 0),
      kinesisRecord(seedEvent(1), 1),
      kinesisRecord(seedEvent(3, { user_profile: 'forged' }), 3),
      kinesisRecord(seedEvent(4, { user_id: '' }), 4),
    ];
    const dynamo = new FakeDynamo(users('user-0'));
    const { client, logger, deps } = withReference(dynamo);

    expect(await processBatch(records, deps)).toEqual({ batchItemFailures: [] });

    expect(dynamo.calls).toEqual([['user-0', 'user-1']]);
    expect(sent(client).map((r) => r.user_profile)).toEqual([{ user_id: 'user-0', tier: 'gold', since: 2019 }, null, { user_id: 'user-0', tier: 'gold', since: 2019 }, null]);
    expect(sent(client)[0]).toEqual({ ...seedEvent(0), user_profile: expect.any(Object), processed_at: '2024-06-01T12:00:00.000Z' });
    expect(logger.calls.find((c) => c.message === 'Batch processed')!.attributes.reference).toEqual({
      keys: 2, cacheHits: 0, requests: 1, found: 1, missing: 1, unavailable: 0,
    });
  });

  test('looks up only the records before the first invalid one', async () => {
    const records = [kinesisRecord(seedEvent(0), 0), kinesisRecord('oops', 1), kinesisRecord(seedEvent(2), 2)];
    const dynamo = new FakeDynamo();
    const { deps } = withReference(dynamo);

    expect(await processBatch(records, deps)).toEqual({ batchItemFailures: [{ itemIdentifier: seq(records[1]) }] });
    expect(dynamo.calls).toEqual([['user-0']]);
  });

  test('an outage stops the batch at the first record whose profile is unknown; records without a key before it pass', async () => {
    const records = [kinesisRecord(seedEvent(0, { user_id: 42 }), 0), kinesisRecord(seedEvent(1), 1), kinesisRecord(seedEvent(2), 2)];
    const dynamo = new FakeDynamo(undefined, undefined, () => awsError('ServiceUnavailable', { $metadata: { httpStatusCode: 503 } }));
    const { client, logger, sleeps, deps } = withReference(dynamo);

    const response = await processBatch(records, { ...deps, config: { ...SEED_CONFIG, schema: { fields: [] } } });

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: seq(records[1]) }] });
    expect(sent(client).map((r) => r.event_id)).toEqual(['evt-0']);
    expect(sleeps).toHaveLength(4);
    expect(logger.errors()).toEqual([{
      level: 'error',
      message: 'Reference data unavailable after retries',
      attributes: { ...describeRecord(records[1]), errorCode: 'ServiceUnavailable', errorMessage: 'ServiceUnavailable from fake', unavailableKeys: 2 },
    }]);
    expect(JSON.stringify(logger.calls)).not.toContain('user-1');
  });

  test('every record is either forwarded once before the checkpoint or at or after it; nothing unenrichable is sent', async () => {
    const spec = fc.record({
      valid: fc.boolean(),
      user: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
      failsPublish: fc.boolean(),
    });
    await fc.assert(fc.asyncProperty(
      fc.array(spec, { maxLength: 25 }), fc.subarray([0, 1, 2, 3, 4, 5]), fc.subarray([0, 1, 2, 3, 4, 5]),
      async (specs, storedUsers, unavailableUsers) => {
        const records = specs.map((s, i) => kinesisRecord(s.valid
          ? seedEvent(i, { user_id: s.user === undefined ? '' : `user-${s.user}` })
          : { event_id: `evt-${i}` }, i));
        const unavailable = new Set(unavailableUsers.map((u) => `user-${u}`));
        const dynamo = new FakeDynamo(users(...storedUsers.map((u) => `user-${u}`)), (key) => unavailable.has(key));
        const kinesis = new FakeKinesis((data) => (specs[Number(JSON.parse(data).event_id.slice(4))].failsPublish ? throttled() : {}));
        const { deps } = withReference(dynamo, kinesis);

        const response = await processBatch(records, deps);

        const blocked = (s: typeof specs[number]) => !s.valid || (s.user !== undefined && unavailableUsers.includes(s.user));
        const firstBlocked = specs.findIndex(blocked);
        const forwardable = firstBlocked === -1 ? specs.length : firstBlocked;
        const firstUnpublished = specs.slice(0, forwardable).findIndex((s) => s.failsPublish);
        const checkpoint = firstUnpublished !== -1 ? firstUnpublished : firstBlocked;
        expect(response.batchItemFailures).toEqual(checkpoint === -1 ? [] : [{ itemIdentifier: seq(records[checkpoint]) }]);

        const accepted = kinesis.accepted.map((d) => JSON.parse(d));
        const acceptedIds = accepted.map((r) => r.event_id);
        const end = checkpoint === -1 ? specs.length : checkpoint;
        // Before the checkpoint: each record exactly once. At or after it: only records Kinesis accepted in the same
        // PutRecords round as a failed one, which the retry from the checkpoint delivers again (at least once).
        specs.slice(0, end).forEach((_, i) => expect(acceptedIds.filter((id) => id === `evt-${i}`)).toHaveLength(1));
        expect(new Set(acceptedIds).size).toBe(acceptedIds.length);
        expect(acceptedIds.every((id) => Number(id.slice(4)) < end || firstUnpublished !== -1)).toBe(true);
        expect(acceptedIds.every((id) => Number(id.slice(4)) < forwardable)).toBe(true);
        for (const r of accepted) {
          const user = specs[Number(r.event_id.slice(4))].user;
          expect(r.user_profile).toEqual(user !== undefined && storedUsers.includes(user) ? expect.objectContaining({ user_id: `user-${user}` }) : null);
        }
        for (const key of new Set(dynamo.calls.flat())) {
          expect(dynamo.requestCount(key)).toBe(unavailable.has(key) ? 5 : 1);
        }
      },
    ));
  });
});

describe('prepareRecord', () => {
  const clock = () => FIXED_NOW;

  test('falls back to the input partition key when the configured field is absent', () => {
    const config = { ...SEED_CONFIG, partitionKeyField: 'session_id' };

    const prepared = prepareRecord(kinesisRecord(seedEvent(1), 1, 'original-key'), config, clock);

    expect(prepared).toEqual({ ok: true, entry: expect.objectContaining({ partitionKey: 'original-key' }) });
  });

  test('rejects a record that enrichment would push over the 1 MiB record limit', () => {
    // Sized so the input record is exactly at the 1 MiB limit, as Kinesis would have accepted it.
    const inputKey = 'input-key';
    const overhead = JSON.stringify(seedEvent(1, { page: '' })).length + inputKey.length;
    const record = kinesisRecord(seedEvent(1, { page: 'x'.repeat(1024 * 1024 - overhead) }), 1, inputKey);
    expect(Buffer.from(record.kinesis.data, 'base64').length + inputKey.length).toBe(1024 * 1024);

    const prepared = prepareRecord(record, SEED_CONFIG, clock);

    expect(prepared.ok).toBe(false);
    expect(prepared.ok ? [] : prepared.reasons).toEqual([expect.stringMatching(/^enriched record is \d+ bytes, over the 1048576-byte Kinesis record limit$/)]);
  });
});

describe('describeRecord', () => {
  test('takes the shard from the event ID', () => {
    const record = kinesisRecord(seedEvent(1), 1);

    expect(describeRecord(record)).toEqual({
      eventID: record.eventID,
      shardId: 'shardId-000000000000',
      sequenceNumber: record.kinesis.sequenceNumber,
      eventSourceARN: record.eventSourceARN,
    });
  });
});
