import type { FirehoseTransformationResult } from 'aws-lambda';
import * as fc from 'fast-check';
import { b64, enrichedSeedEvent, firehoseRecord, jsonData, recordId } from './fixtures';
import { loadConfig } from '../../../lambda-src/firehose-transformer/config';
import { buildResponse, RESPONSE_BUDGET_BYTES } from '../../../lambda-src/firehose-transformer/respond';
import { RecordOutcome, transformRecord } from '../../../lambda-src/firehose-transformer/transform';

const DEFAULTS = loadConfig({});
const transform = (data: string) => transformRecord(data, DEFAULTS);
const serializedBytes = (response: FirehoseTransformationResult) => Buffer.byteLength(JSON.stringify(response));

/** The smallest response that still answers every record: each failed without data. */
const smallestResponseBytes = (recordIds: readonly string[]) =>
  serializedBytes({ records: recordIds.map((id) => ({ recordId: id, result: 'ProcessingFailed', data: '' })) });

/** Stands in for transformRecord with outcomes chosen by data: "ok:<n>" is Ok with n bytes of data, anything else fails. */
const scripted = (data: string): RecordOutcome => data.startsWith('ok:')
  ? { result: 'Ok', data: 'x'.repeat(Number(data.slice(3))) }
  : { result: 'ProcessingFailed', data, reason: `scripted failure of ${data}` };

const records = (data: readonly string[]) => data.map(firehoseRecord);

describe('buildResponse', () => {
  test('answers every record in order with its outcome, counting results and the exact serialized size', () => {
    const input = records(['ok:4', 'broken', 'ok:0']);

    const { response, responseBytes, counts, failures } = buildResponse(input, scripted);

    expect(response).toEqual({
      records: [
        { recordId: recordId(0), result: 'Ok', data: 'xxxx' },
        { recordId: recordId(1), result: 'ProcessingFailed', data: 'broken' },
        { recordId: recordId(2), result: 'Ok', data: '' },
      ],
    });
    expect(responseBytes).toBe(serializedBytes(response));
    expect(counts).toEqual({ Ok: 2, Dropped: 0, ProcessingFailed: 1 });
    expect(failures).toEqual([{ recordId: recordId(1), reason: 'scripted failure of broken' }]);
  });

  test('answers an empty batch with an empty response', () => {
    expect(buildResponse([], scripted)).toEqual({
      response: { records: [] }, responseBytes: 14, counts: { Ok: 0, Dropped: 0, ProcessingFailed: 0 }, failures: [],
    });
  });

  test('fits a response of exactly the budget, and fails the last record without data when one byte short', () => {
    const input = records(['ok:10', 'ok:20', 'ok:30']);
    const exact = buildResponse(input, scripted, Number.MAX_SAFE_INTEGER).responseBytes;

    expect(buildResponse(input, scripted, exact).counts.Ok).toBe(3);
    const short = buildResponse(input, scripted, exact - 1);
    expect(short.response.records.map((r) => [r.result, r.data!.length])).toEqual([['Ok', 10], ['Ok', 20], ['ProcessingFailed', 0]]);
    expect(short.failures).toEqual([{ recordId: recordId(2), reason: `its transformed data would take the response over its budget of ${exact - 1} bytes` }]);
    expect(short.responseBytes).toBe(serializedBytes(short.response));
  });

  test('keeps room for every later record, so that a large record fails rather than leave a later one unanswered', () => {
    const input = records(['ok:1000', 'ok:30', 'ok:30']);
    const later = smallestResponseBytes([recordId(1), recordId(2)]) - smallestResponseBytes([]);
    const firstAlone = buildResponse(input.slice(0, 1), scripted, Number.MAX_SAFE_INTEGER).responseBytes;
    // The first record and the later ones failed without data (their commas included) fit exactly.
    const budget = firstAlone + later + 1;

    expect(buildResponse(input, scripted, budget).response.records.map((r) => r.result)).toEqual(['Ok', 'ProcessingFailed', 'ProcessingFailed']);
    expect(buildResponse(input, scripted, budget - 1).response.records.map((r) => r.result)).toEqual(['ProcessingFailed', 'Ok', 'Ok']);
  });

  test('returns a failed record\'s original data when it fits, and none, still with its own reason, when it does not', () => {
    const input = records(['broken'.repeat(100), 'ok:1']);
    const budget = smallestResponseBytes([recordId(0), recordId(1)]) + 10;

    const { response, failures } = buildResponse(input, scripted, budget);

    expect(response.records.map((r) => [r.result, r.data])).toEqual([['ProcessingFailed', ''], ['Ok', 'x']]);
    expect(failures).toEqual([{ recordId: recordId(0), reason: `scripted failure of ${'broken'.repeat(100)}` }]);
  });

  test('measures bytes, not characters', () => {
    const input = [{ recordId: 'é', data: 'ok:1' }];
    const { response, responseBytes } = buildResponse(input, scripted, serializedBytes({ records: [{ recordId: 'é', result: 'Ok', data: 'x' }] }) - 1);

    expect(response.records[0].result).toBe('ProcessingFailed');
    expect(responseBytes).toBe(serializedBytes(response));
  });

  test('stays within 6,000,000 bytes with a few records near Firehose\'s 1,000 KiB limit', () => {
    const large = (i: number) => jsonData(enrichedSeedEvent(i, { payload: 'p'.repeat(950_000) }));
    const small = (i: number) => jsonData(enrichedSeedEvent(i));
    const input = records([large(0), large(1), small(2), large(3), large(4), large(5), large(6), small(7), small(8)]);

    const { response, responseBytes, counts, failures } = buildResponse(input, transform);

    expect(RESPONSE_BUDGET_BYTES).toBe(6_000_000);
    expect(serializedBytes(response)).toBe(responseBytes);
    expect(responseBytes).toBeLessThanOrEqual(RESPONSE_BUDGET_BYTES);
    expect(response.records.map((r) => r.result)).toEqual(['Ok', 'Ok', 'Ok', 'Ok', 'Ok', 'ProcessingFailed', 'ProcessingFailed', 'Ok', 'Ok']);
    expect(counts).toEqual({ Ok: 7, Dropped: 0, ProcessingFailed: 2 });
    expect(failures.map((f) => f.recordId)).toEqual([recordId(5), recordId(6)]);
    // The first record left out really would not have fitted.
    const transformedEntry = { ...response.records[5], result: 'Ok', data: transform(input[5].data).data };
    expect(responseBytes + Buffer.byteLength(JSON.stringify(transformedEntry))).toBeGreaterThan(RESPONSE_BUDGET_BYTES);
  });
});

describe('buildResponse properties', () => {
  const payload = fc.oneof(
    fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }).map(jsonData),
    fc.record({ id: fc.string(), pad: fc.string({ minLength: 200, maxLength: 3_000 }) }).map(jsonData),
    fc.string().map(b64),
    fc.string(),
    fc.jsonValue({ maxDepth: 1 }).map(jsonData),
  );
  const batch = fc.uniqueArray(fc.record({ recordId: fc.string({ minLength: 1, maxLength: 60 }), data: payload }), {
    selector: (r) => r.recordId,
    maxLength: 25,
  });

  test('answers every record exactly once, in order, within any budget that can hold the answers at all', () => {
    fc.assert(fc.property(batch, fc.nat({ max: 30_000 }), (input, slack) => {
      const budget = smallestResponseBytes(input.map((r) => r.recordId)) + slack;

      const { response, responseBytes, counts, failures } = buildResponse(input, transform, budget);

      expect(response.records.map((r) => r.recordId)).toEqual(input.map((r) => r.recordId));
      expect(serializedBytes(response)).toBe(responseBytes);
      expect(responseBytes).toBeLessThanOrEqual(budget);
      expect(counts.Ok + counts.ProcessingFailed).toBe(input.length);
      expect(failures.map((f) => f.recordId)).toEqual(response.records.filter((r) => r.result === 'ProcessingFailed').map((r) => r.recordId));
      response.records.forEach((answer, i) => {
        const outcome = transform(input[i].data);
        if (answer.result === 'Ok') {
          expect(answer.data).toBe(outcome.data);
        } else {
          expect([outcome.data, '']).toContain(answer.data);
        }
      });
    }), { numRuns: 300 });
  });

  test('changes no outcome when the budget is not reached', () => {
    fc.assert(fc.property(batch, (input) => {
      const { response, failures } = buildResponse(input, transform);

      expect(response.records).toEqual(input.map(({ recordId: id, data }) => {
        const { result, data: answer } = transform(data);
        return { recordId: id, result, data: answer };
      }));
      expect(failures.length).toBe(response.records.filter((r) => r.result === 'ProcessingFailed').length);
    }), { numRuns: 200 });
  });
});
