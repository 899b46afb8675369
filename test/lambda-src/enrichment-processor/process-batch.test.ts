import type { KinesisStreamRecord } from 'aws-lambda';
import * as fc from 'fast-check';
import {
  awsError,
  FakeDynamo,
  FakeKinesis,
  FakeSqs,
  FIXED_NOW,
  kinesisRecord,
  profileItem,
  recordingSleep,
  RecordingLogger,
  RecordingMetrics,
  REFERENCE_CONFIG,
  SEED_CONFIG,
  seedEvent,
  throttled,
} from './fixtures';
import { PrefixMatcher } from '../../../lambda-src/enrichment-processor/geo';
import { LruCache } from '../../../lambda-src/enrichment-processor/lru-cache';
import { describeRecord, prepareRecord, processBatch } from '../../../lambda-src/enrichment-processor/process-batch';
import { Profile } from '../../../lambda-src/enrichment-processor/reference';

function setup(client = new FakeKinesis(), config = SEED_CONFIG, sqs = new FakeSqs()) {
  const logger = new RecordingLogger();
  const { sleeps, sleep } = recordingSleep();
  const deps = { config, client, deadLetters: sqs, logger, clock: () => FIXED_NOW, sleep, random: () => 0.5 };
  return { client, sqs, logger, sleeps, deps };
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

  test('forwards every valid record, sends each invalid one to the dead-letter queue, and reports nothing', async () => {
    const records = [
      kinesisRecord(seedEvent(0), 0),
      kinesisRecord(seedEvent(1), 1),
      kinesisRecord(seedEvent(2, { timestamp: 'yesterday' }), 2),
      kinesisRecord(seedEvent(3), 3),
      kinesisRecord('{not json', 4),
    ];
    const { client, sqs, deps } = setup();

    const response = await processBatch(records, deps);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(sentEventIds(client)).toEqual(['evt-0', 'evt-1', 'evt-3']);
    expect(sqs.accepted.map((m) => [m.sequenceNumber, m.reasons, m.data])).toEqual([
      [seq(records[2]), ['field "timestamp" must be an ISO-8601 timestamp, got "yesterday"'], records[2].kinesis.data],
      [seq(records[4]), ['record data is not valid JSON'], records[4].kinesis.data],
    ]);
  });

  test('logs each invalid record with its reasons and position, but not its payload', async () => {
    const secret = 'user-with-personal-data@example.com';
    const records = [
      kinesisRecord(seedEvent(0), 0),
      kinesisRecord(seedEvent(1, { user_id: secret, event_type: 5, timestamp: 'yesterday' }), 1),
      kinesisRecord('{not json', 2),
    ];
    const { logger, deps } = setup();

    await processBatch(records, deps);

    expect(logger.errors()).toEqual([
      {
        level: 'error',
        message: 'Invalid record sent to the dead-letter queue',
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
        message: 'Invalid record sent to the dead-letter queue',
        attributes: expect.objectContaining({ sequenceNumber: seq(records[2]), reasons: ['record data is not valid JSON'] }),
      },
    ]);
    expect(JSON.stringify(logger.calls)).not.toContain(secret);
  });

  test('an unusable dead-letter queue makes the first invalid record the checkpoint', async () => {
    const records = [kinesisRecord(seedEvent(0), 0), kinesisRecord('[]', 1), kinesisRecord(seedEvent(2), 2)];
    const sqs = new FakeSqs(undefined, () => awsError('AccessDenied'));
    const { client, logger, deps } = setup(new FakeKinesis(), SEED_CONFIG, sqs);

    expect(await processBatch(records, deps)).toEqual({ batchItemFailures: [{ itemIdentifier: seq(records[1]) }] });
    // Published before the queue was tried; the retry from record 1 publishes record 2 again (at least once).
    expect(sentEventIds(client)).toEqual(['evt-0', 'evt-2']);
    expect(logger.errors().at(-1)).toEqual({
      level: 'error',
      message: 'Batch stopped at a record that could not be finished; Kinesis retries from it',
      attributes: { ...describeRecord(records[1]), stage: 'dead-letter queue', errorCode: 'AccessDenied', errorMessage: 'AccessDenied from fake', unfinishedRecords: 1 },
    });
  });

  test('sends dead letters in order, retrying a failed one before the next', async () => {
    const records = [0, 1, 2].map((i) => kinesisRecord('oops', i));
    const sqs = new FakeSqs((sequenceNumber, attempt) => sequenceNumber === seq(records[1]) && attempt < 3);
    const { sleeps, deps } = setup(new FakeKinesis(), SEED_CONFIG, sqs);

    expect(await processBatch(records, deps)).toEqual({ batchItemFailures: [] });
    expect(sqs.calls).toEqual([1, 1, 1, 1, 1]);
    expect(sqs.accepted.map((m) => m.sequenceNumber)).toEqual(records.map(seq));
    expect(sleeps).toHaveLength(2);
  });

  test('sends no dead letter after one that could not be sent, so the retry sends each once', async () => {
    const records = [0, 1, 2].map((i) => kinesisRecord('oops', i));
    const sqs = new FakeSqs((sequenceNumber) => sequenceNumber === seq(records[1]));
    const { deps } = setup(new FakeKinesis(), SEED_CONFIG, sqs);

    expect(await processBatch(records, deps)).toEqual({ batchItemFailures: [{ itemIdentifier: seq(records[1]) }] });
    expect(sqs.accepted.map((m) => m.sequenceNumber)).toEqual([seq(records[0])]);
  });

  test('reports the earliest record that could not be published', async () => {
    const records = [0, 1, 2, 3].map((i) => kinesisRecord(seedEvent(i), i));
    records.push(kinesisRecord({ event_id: 'evt-4' }, 4));
    const failing = new Set(['evt-1', 'evt-3']);
    const client = new FakeKinesis((data) => (failing.has(JSON.parse(data).event_id) ? throttled() : {}));
    const { logger, sleeps, deps } = setup(client);

    const response = await processBatch(records, deps);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: seq(records[1]) }] });
    expect(sleeps).toHaveLength(4);
    expect(logger.errors().at(-1)!.attributes).toEqual({
      ...describeRecord(records[1]),
      stage: 'publish',
      errorCode: 'ProvisionedThroughputExceededException',
      errorMessage: 'Rate exceeded for shard shardId-000000000000',
      unfinishedRecords: 2,
    });
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
    expect(logger.errors().map((c) => [c.attributes.errorCode, c.attributes.unfinishedRecords])).toEqual([['ResourceNotFoundException', 2]]);
  });

  test('summarises the batch at info level and in metrics', async () => {
    const records = [kinesisRecord(seedEvent(0), 0), kinesisRecord('oops', 1), kinesisRecord(seedEvent(2), 2)];
    const metrics = new RecordingMetrics();
    const { logger, deps } = setup();

    await processBatch(records, { ...deps, metrics });

    expect(logger.calls.filter((c) => c.level === 'info')).toEqual([{
      level: 'info',
      message: 'Batch processed',
      attributes: { received: 3, published: 2, invalid: 1, deduplicated: 0, retried: 0, publishAttempts: 1, resumeFrom: undefined },
    }]);
    expect(metrics.values).toEqual({ RecordsIn: 3, RecordsEnriched: 2, RecordsInvalid: 1, RecordsDeduplicated: 0, RecordsRetried: 0 });
  });

  test('logs each record\'s outcome at debug level with its event id as correlation id', async () => {
    const records = [kinesisRecord(seedEvent(0), 0), kinesisRecord('oops', 1)];
    const { logger, deps } = setup();

    await processBatch(records, deps);

    expect(logger.calls.filter((c) => c.level === 'debug').map((c) => [c.attributes.correlation_id, c.attributes.outcome])).toEqual([
      ['evt-0', 'published'],
      [undefined, 'dead-lettered'],
    ]);
  });

  test('writes no per-record lines when debug logs are not kept', async () => {
    const logger = new RecordingLogger('INFO');
    const { deps } = setup();

    await processBatch([kinesisRecord(seedEvent(0), 0)], { ...deps, logger });

    expect(logger.calls.filter((c) => c.level === 'debug')).toEqual([]);
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
      keys: 2, cacheHits: 0, sharedCacheHits: 0, requests: 1, found: 1, missing: 1, unavailable: 0,
    });
  });

  test('looks up every valid record, not invalid ones', async () => {
    const records = [kinesisRecord(seedEvent(0), 0), kinesisRecord('oops', 1), kinesisRecord(seedEvent(2), 2)];
    const dynamo = new FakeDynamo();
    const { deps } = withReference(dynamo);

    expect(await processBatch(records, deps)).toEqual({ batchItemFailures: [] });
    expect(dynamo.calls).toEqual([['user-0', 'user-2']]);
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
      message: 'Batch stopped at a record that could not be finished; Kinesis retries from it',
      attributes: {
        ...describeRecord(records[1]), stage: 'reference lookup', errorCode: 'ServiceUnavailable', errorMessage: 'ServiceUnavailable from fake', unfinishedRecords: 2,
      },
    }]);
    expect(JSON.stringify(logger.calls)).not.toContain('user-1');
  });

  test('every record before the checkpoint is published or dead-lettered exactly once; nothing unenrichable is published', async () => {
    const spec = fc.record({
      kind: fc.constantFrom('valid', 'invalid', 'malformed'),
      user: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
      failsPublish: fc.boolean(),
      failsDeadLetter: fc.boolean(),
    });
    await fc.assert(fc.asyncProperty(
      fc.array(spec, { maxLength: 25 }), fc.subarray([0, 1, 2, 3, 4, 5]), fc.subarray([0, 1, 2, 3, 4, 5]),
      async (specs, storedUsers, unavailableUsers) => {
        const records = specs.map((s, i) => kinesisRecord(
          s.kind === 'valid' ? seedEvent(i, { user_id: s.user === undefined ? '' : `user-${s.user}` })
            : s.kind === 'invalid' ? { event_id: `evt-${i}` } : `{"event_id": "evt-${i}"`, i));
        const unavailable = new Set(unavailableUsers.map((u) => `user-${u}`));
        const dynamo = new FakeDynamo(users(...storedUsers.map((u) => `user-${u}`)), (key) => unavailable.has(key));
        const kinesis = new FakeKinesis((data) => (specs[Number(JSON.parse(data).event_id.slice(4))].failsPublish ? throttled() : {}));
        const sqs = new FakeSqs((sequenceNumber) => specs[records.findIndex((r) => seq(r) === sequenceNumber)].failsDeadLetter);
        const base = withReference(dynamo, kinesis);

        const response = await processBatch(records, { ...base.deps, deadLetters: sqs });

        const publishedIds = kinesis.accepted.map((d) => JSON.parse(d).event_id as string);
        const deadLettered = sqs.accepted.map((m) => records.findIndex((r) => seq(r) === m.sequenceNumber));
        const failure = response.batchItemFailures[0];
        const checkpoint = failure === undefined ? specs.length : records.findIndex((r) => seq(r) === failure.itemIdentifier);
        expect(response.batchItemFailures.length).toBeLessThanOrEqual(1);
        specs.forEach((s, i) => {
          const timesPublished = publishedIds.filter((id) => id === `evt-${i}`).length;
          const timesDeadLettered = deadLettered.filter((d) => d === i).length;
          if (i < checkpoint) {
            // Finished: in exactly one place.
            expect([s.kind === 'valid' ? timesPublished : timesDeadLettered, timesPublished + timesDeadLettered]).toEqual([1, 1]);
          } else {
            // Unfinished: covered by the checkpoint. At most sent once, in the same request as an earlier record that
            // failed; the retry from the checkpoint sends it again (at least once).
            expect(timesPublished + timesDeadLettered).toBeLessThanOrEqual(1);
          }
        });
        // The checkpoint is a record that could not be finished.
        if (checkpoint < specs.length) {
          const s = specs[checkpoint];
          const blocked = s.kind === 'valid'
            ? s.failsPublish || (s.user !== undefined && unavailableUsers.includes(s.user))
            : s.failsDeadLetter;
          expect(blocked).toBe(true);
        }
        for (const r of kinesis.accepted.map((d) => JSON.parse(d))) {
          const user = specs[Number(r.event_id.slice(4))].user;
          expect(r.user_profile).toEqual(user !== undefined && storedUsers.includes(user) ? expect.objectContaining({ user_id: `user-${user}` }) : null);
        }
      },
    ));
  });
});

describe('processBatch with geo_location', () => {
  test('takes the location from the profile, else from the IP prefix table, else null', async () => {
    const records = [
      kinesisRecord(seedEvent(0, { client_ip: '203.0.113.9' }), 0),
      kinesisRecord(seedEvent(1, { client_ip: '203.0.113.9' }), 1),
      kinesisRecord(seedEvent(2, { client_ip: '198.51.100.1' }), 2),
    ];
    const prefixes = [{ cidr: '203.0.113.0/24', location: { country: 'NZ' } }];
    const dynamo = new FakeDynamo(new Map([['user-0', { ...profileItem('user-0'), home: { M: { country: { S: 'IE' } } } }]]));
    const { client, deps } = setup();
    const geo = { config: { profileAttribute: 'home', ipField: 'client_ip', prefixes }, matcher: new PrefixMatcher(prefixes) };

    const reference = { config: REFERENCE_CONFIG, client: dynamo, cache: new LruCache<Profile>(10, 1000, () => 0) };

    await processBatch(records, { ...deps, geo, reference });

    expect(client.calls.flat().map((e) => JSON.parse(e.data).geo_location)).toEqual([{ country: 'IE' }, { country: 'NZ' }, null]);
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
