import type { PutRecordsCommand, PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { entry, FakeClock } from './fixtures';
import { LoadPlan, LoadRun, plannedRecordCount } from '../../../lambda-src/cli/load';
import { DEFAULT_BACKOFF, PutRecordsClient } from '../../../lambda-src/cli/sender';
import { Kinesalite, startKinesalite } from '../../support/kinesalite';

let kinesalite: Kinesalite;
let streams = 0;

beforeAll(async () => {
  kinesalite = await startKinesalite();
});

afterAll(async () => {
  await kinesalite.stop();
});

/** A stream of one shard: kinesalite allows 10 shards in all. */
async function newStream(): Promise<string> {
  const name = `load-${streams++}`;
  await kinesalite.createStream(name, 1);
  return name;
}

/** Passes every call on to kinesalite, noting the fake time it was made at and its size; `beforeSend` may hold it. */
class RecordingKinesis implements PutRecordsClient {
  public readonly calls: Array<{ readonly atMs: number; readonly records: number }> = [];
  public active = 0;
  public maxActive = 0;

  constructor(private readonly clock: FakeClock, private readonly beforeSend: (callIndex: number) => Promise<void> | void = () => undefined) {}

  public async send(command: PutRecordsCommand): Promise<PutRecordsCommandOutput> {
    const callIndex = this.calls.length;
    this.calls.push({ atMs: this.clock.nowMs, records: command.input.Records!.length });
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      await this.beforeSend(callIndex);
      return await kinesalite.client.send(command);
    } finally {
      this.active--;
    }
  }
}

function plan(stream: string, ratePerSecond: number, durationMs: number, maxInFlight = 16): LoadPlan {
  return {
    stream: { name: stream },
    ratePerSecond,
    durationMs,
    makeRecord: (sequence) => entry(JSON.stringify({ sequence }), `user-${sequence % 7}`),
    retryPolicy: { maxRetries: 5, ...DEFAULT_BACKOFF },
    maxInFlight,
  };
}

function loadRun(loadPlan: LoadPlan, client: PutRecordsClient, clock: FakeClock, stop = new AbortController()): LoadRun {
  return new LoadRun(loadPlan, { client, clock: clock.clock, sleep: clock.sleep, random: () => 0.5, stopSignal: stop.signal });
}

async function sequencesIn(stream: string): Promise<number[]> {
  return (await kinesalite.readAll(stream)).map((record) => (record.json as { sequence: number }).sequence).sort((a, b) => a - b);
}

const range = (count: number) => Array.from({ length: count }, (_, i) => i);

describe('LoadRun', () => {
  test.each([
    [1000, 2000, 2000, 100],
    [1234, 1500, 1851, 124],
    [3, 1000, 3, 1],
    [10_000, 250, 2500, 500],
  ])('%d records/s for %d ms send exactly %d records, in batches of %d, never ahead of the rate', async (rate, durationMs, records, batch) => {
    const stream = await newStream();
    const clock = new FakeClock();
    const kinesis = new RecordingKinesis(clock);

    const result = await loadRun(plan(stream, rate, durationMs), kinesis, clock).run();

    expect(result.plannedRecords).toBe(records);
    expect(result.stats).toMatchObject({ made: records, sent: records, failed: 0, notSent: 0 });
    expect(result.stoppedBy).toBeUndefined();
    expect(kinesis.calls.slice(0, -1).every((call) => call.records === batch)).toBe(true);
    let sentSoFar = 0;
    for (const call of kinesis.calls) {
      sentSoFar += call.records;
      expect(sentSoFar).toBeLessThanOrEqual((rate * call.atMs) / 1000);
    }
    expect(await sequencesIn(stream)).toEqual(range(records));
  });

  test('when the stream is slower than the pace, sends less, never more, and every record it made is accounted for', async () => {
    const stream = await newStream();
    const clock = new FakeClock();
    // Each request takes 300 ms of the run's time while the pace wants one every 100 ms.
    const kinesis = new RecordingKinesis(clock, () => {
      clock.nowMs += 300;
    });

    const result = await loadRun(plan(stream, 1000, 2000, 1), kinesis, clock).run();

    expect(result.stats.made).toBeLessThan(result.plannedRecords);
    expect(result.stats.made).toBeLessThanOrEqual((1000 * result.elapsedMs) / 1000);
    expect(result.stats).toMatchObject({ sent: result.stats.made, failed: 0, notSent: 0 });
    expect(kinesis.maxActive).toBe(1);
    expect(await sequencesIn(stream)).toEqual(range(result.stats.made));
  });

  test('keeps at most maxInFlight requests in flight, and makes no more records while they are all pending', async () => {
    const stream = await newStream();
    const clock = new FakeClock();
    const held: Array<() => void> = [];
    const kinesis = new RecordingKinesis(clock, () => new Promise<void>((resolve) => held.push(resolve)));
    const run = loadRun(plan(stream, 5000, 1000, 3), kinesis, clock);

    const finished = run.run();
    for (let tick = 0; tick < 50; tick++) {
      await new Promise((resolve) => setImmediate(resolve));
    }

    expect(held).toHaveLength(3);
    expect(run.requestsInFlight).toBe(3);
    // Three batches in flight and a fourth made, waiting for a slot.
    expect(run.stats.made).toBe(4 * 500);

    while (held.length > 0 || kinesis.active > 0) {
      held.splice(0).forEach((release) => release());
      await new Promise((resolve) => setImmediate(resolve));
    }
    const result = await finished;

    expect(kinesis.maxActive).toBe(3);
    expect(result.stats).toMatchObject({ made: 5000, sent: 5000 });
  });

  test('a stop makes no new requests, waits for those in flight, and reports what it sent', async () => {
    const stream = await newStream();
    const clock = new FakeClock();
    const stop = new AbortController();
    const kinesis = new RecordingKinesis(clock, (callIndex) => {
      if (callIndex === 4) {
        stop.abort('SIGINT');
      }
    });

    const result = await loadRun(plan(stream, 1000, 60_000), kinesis, clock, stop).run();

    expect(kinesis.calls).toHaveLength(5);
    expect(result.stoppedBy).toBe('SIGINT');
    expect(result.stats).toMatchObject({ made: 500, sent: 500, notSent: 0, failed: 0 });
    expect(await sequencesIn(stream)).toEqual(range(500));
  });

  test('a stop before the run starts sends nothing', async () => {
    const clock = new FakeClock();
    const stop = new AbortController();
    stop.abort('SIGTERM');
    const kinesis = new RecordingKinesis(clock);

    const result = await loadRun(plan('never-used', 1000, 1000), kinesis, clock, stop).run();

    expect(kinesis.calls).toEqual([]);
    expect(result).toMatchObject({ stoppedBy: 'SIGTERM', stats: { made: 0 } });
  });

  test('an error every request would hit (the stream does not exist) stops the run: records waiting for a slot are not sent', async () => {
    const clock = new FakeClock();
    const kinesis = new RecordingKinesis(clock);

    const result = await loadRun(plan('no-such-stream', 1000, 10_000, 1), kinesis, clock).run();

    expect((result.fatalError as Error).name).toBe('ResourceNotFoundException');
    expect(result.stoppedBy).toBeUndefined();
    expect(kinesis.calls).toHaveLength(1);
    expect(result.stats).toMatchObject({ made: 200, sent: 0, failed: 100, notSent: 100 });
    expect([...result.stats.failuresByCode]).toEqual([['ResourceNotFoundException', 100]]);
  });
});

describe('plannedRecordCount', () => {
  test('is the rate times the duration, in whole records', () => {
    expect([plannedRecordCount(10_000, 600_000), plannedRecordCount(3, 500), plannedRecordCount(1, 999)]).toEqual([6_000_000, 1, 0]);
  });
});
