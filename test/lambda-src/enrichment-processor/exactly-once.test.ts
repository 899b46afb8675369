import type { KinesisStreamRecord } from 'aws-lambda';
import * as fc from 'fast-check';
import { FakeKinesis, FakeSqs, FIXED_NOW, kinesisRecord, recordingSleep, RecordingLogger, SEED_CONFIG, seedEvent, throttled } from './fixtures';
import { processBatch } from '../../../lambda-src/enrichment-processor/process-batch';
import { Dynalite, startDynalite } from '../../support/dynalite';

/** What a producer put on the stream; `duplicateOf` repeats an earlier record's event id from a new position. */
type Input =
  | { readonly kind: 'valid' | 'oversized'; readonly user: number; readonly publishFailures: number }
  | { readonly kind: 'malformed'; readonly deadLetterFailures: number }
  | { readonly kind: 'duplicate'; readonly of: number };

const MiB = 1024 * 1024;

const input: fc.Arbitrary<Input> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('valid' as const), user: fc.nat(3), publishFailures: fc.nat(7) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('oversized' as const), user: fc.nat(3), publishFailures: fc.constant(0) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('malformed' as const), deadLetterFailures: fc.nat(7) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), of: fc.nat() }) },
);

/** The payload of each input and, for valid ones, its event id. */
function materialize(inputs: readonly Input[]): { records: KinesisStreamRecord[]; eventIds: (string | undefined)[] } {
  const eventIds: (string | undefined)[] = [];
  const records: KinesisStreamRecord[] = [];
  inputs.forEach((item, i) => records.push(recordFor(item, i)));
  return { records, eventIds };

  function recordFor(item: Input, i: number): KinesisStreamRecord {
    if (item.kind === 'malformed') {
      eventIds.push(undefined);
      return kinesisRecord(`{"event_id": "evt-${i}"`, i);
    }
    if (item.kind === 'duplicate') {
      const originals = eventIds.map((id, j) => ({ id, j })).filter((o) => o.id !== undefined);
      if (originals.length === 0) {
        eventIds.push(undefined);
        return kinesisRecord('[]', i);
      }
      const original = originals[item.of % originals.length];
      eventIds.push(original.id);
      return { ...kinesisRecord({}, i), kinesis: { ...kinesisRecord({}, i).kinesis, data: records[original.j].kinesis.data } };
    }
    eventIds.push(`evt-${i}`);
    const payload = seedEvent(i, { user_id: `user-${item.user}`, page: `/p/${i}` });
    if (item.kind === 'oversized') {
      // Exactly at the 1 MiB input limit, so over it once enriched: the processor must dead-letter it, not drop or retry it.
      const record = kinesisRecord({ ...payload, page: '' }, i);
      const overhead = Buffer.byteLength(record.kinesis.data, 'base64') + record.kinesis.partitionKey.length;
      return kinesisRecord({ ...payload, page: 'x'.repeat(MiB - overhead) }, i);
    }
    return kinesisRecord(payload, i);
  }
}

let dynamo: Dynalite;
let tables = 0;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo.stop();
});

describe('no record lost, none twice, under retries', () => {
  test('redelivering from each checkpoint until done: each event once in the stream, each unenrichable record once in the DLQ, the rest dropped as duplicates', async () => {
    await fc.assert(fc.asyncProperty(fc.array(input, { minLength: 1, maxLength: 20 }), async (inputs) => {
      const tableName = `state-${tables++}`;
      await dynamo.createTable(tableName, 'pk');
      const { records, eventIds } = materialize(inputs);
      const failuresOf = (i: number) => {
        const item = inputs[i];
        return item.kind === 'valid' ? item.publishFailures : 0;
      };
      const indexOfEvent = new Map(inputs.map((_, i) => [`evt-${i}`, i]));
      // Transient faults by attempt: entries and messages succeed after their budget of failures.
      const kinesis = new FakeKinesis((data, attempt) => (attempt <= failuresOf(indexOfEvent.get(JSON.parse(data).event_id)!) ? throttled() : {}));
      const sqs = new FakeSqs((sequenceNumber, attempt) => {
        const item = inputs[records.findIndex((r) => r.kinesis.sequenceNumber === sequenceNumber)];
        return item.kind === 'malformed' && attempt <= item.deadLetterFailures;
      });
      const logger = new RecordingLogger();
      const { sleep } = recordingSleep();
      const config = { ...SEED_CONFIG, dedup: { tableName, idField: 'event_id', windowSeconds: 3600, leaseSeconds: 900 } };
      const deps = { config, client: kinesis, deadLetters: sqs, state: dynamo.client, logger, clock: () => FIXED_NOW, sleep, random: () => 0.5 };


      let batch = records;
      for (let invocation = 0; batch.length > 0; invocation++) {
        expect(invocation).toBeLessThan(10);
        const response = await processBatch(batch, deps);
        const checkpoint = response.batchItemFailures[0]?.itemIdentifier;
        batch = checkpoint === undefined ? [] : batch.slice(batch.findIndex((r) => r.kinesis.sequenceNumber === checkpoint));
      }

      // The fate of each record is what the last invocation that finished it says.
      const fates = new Map<string, unknown>();
      for (const call of logger.calls.filter((c) => c.message === 'Record outcome' && c.attributes.outcome !== 'retried')) {
        fates.set(call.attributes.sequenceNumber as string, call.attributes.outcome);
      }
      expect(records.map((r) => fates.get(r.kinesis.sequenceNumber))).toEqual(records.map(() => expect.stringMatching(/^(published|dead-lettered|duplicate)$/)));
      // Each event once in the enriched stream, even where a batch retry followed a partly successful publish.
      const published = kinesis.accepted.map((d) => JSON.parse(d).event_id as string);
      const enrichable = new Set(eventIds.filter((id): id is string => id !== undefined && inputs[indexOfEvent.get(id)!].kind === 'valid'));
      expect(published.sort()).toEqual([...enrichable].sort());
      // Each record that could not be enriched once in the dead-letter queue.
      const deadLettered = sqs.accepted.map((m) => m.sequenceNumber);
      expect(deadLettered.sort()).toEqual(records.map((r) => r.kinesis.sequenceNumber).filter((seq) => fates.get(seq) === 'dead-lettered').sort());
      const neverEnrichable = records.filter((_, i) => inputs[i].kind === 'malformed' || eventIds[i] === undefined);
      expect(neverEnrichable.every((r) => fates.get(r.kinesis.sequenceNumber) === 'dead-lettered')).toBe(true);
    }), { numRuns: 40 });
  });
});
