import { RecordFactory, userKey } from '../../../lambda-src/cli/records';
import { compileTemplate, JsonValue, SEED_EVENT_TEMPLATE, TemplateError } from '../../../lambda-src/cli/template';
import { entrySize } from '../../../lambda-src/enrichment-processor/publish';

const MiB = 1024 * 1024;
const NOW = Date.UTC(2024, 0, 15, 10, 30, 0);

function factory(template: JsonValue, partitionKeys = 10, random: () => number = Math.random, maxRecords = 1000): RecordFactory {
  let uuids = 0;
  return new RecordFactory(
    { template: compileTemplate(template), partitionKeys, maxRecords },
    { uuid: () => `00000000-0000-4000-8000-${String(uuids++).padStart(12, '0')}`, random, now: () => NOW },
  );
}

describe('RecordFactory', () => {
  test('makes the seed event as JSON, keyed by its user_id', () => {
    const record = factory(SEED_EVENT_TEMPLATE, 1000, () => 0.5).make(0);

    expect(JSON.parse(Buffer.from(record.data).toString('utf8'))).toEqual({
      event_id: '00000000-0000-4000-8000-000000000000',
      event_type: 'add_to_cart',
      timestamp: '2024-01-15T10:30:00.000Z',
      user_id: 'user-500',
      page: '/products/501',
      metadata: { browser: 'Safari', device: 'desktop' },
    });
    expect(record.partitionKey).toBe('user-500');
  });

  test('spreads records over exactly the users asked for: user-0 to user-<n - 1>', () => {
    const draws = [0, 0.1, 0.35, 0.999999];
    const records = factory({ user: '{{user}}' }, 4, () => draws.shift()!);

    const keys = [0, 1, 2, 3].map((i) => records.make(i).partitionKey);

    expect(keys).toEqual(['user-0', 'user-0', 'user-1', 'user-3']);
    expect(userKey(41)).toBe('user-41');
  });

  test('keys template records by user even when the template does not mention it', () => {
    expect(factory({ constant: 'x' }, 1).make(0).partitionKey).toBe('user-0');
  });

  test('knows the largest record before the run: a template rendering to 1 MiB with its key is accepted, one byte more refused', () => {
    // {"pad":"..."} is 10 bytes around the padding, and the one partition key is user-0 (6 bytes).
    const pad = (length: number) => ({ pad: 'x'.repeat(length) });
    const exact = factory(pad(MiB - 16), 1);

    expect(exact.maxEntryBytes).toBe(MiB);
    expect(entrySize(exact.make(0))).toBe(MiB);
    expect(() => factory(pad(MiB - 15), 1)).toThrow(
      new TemplateError('a record renders to up to 1,048,577 bytes with its partition key; allowed is at most 1,048,576 (1 MiB)'),
    );
  });

  test('sizes the largest record with the longest user and sequence number of the run', () => {
    const template = { pad: `${'x'.repeat(MiB - 44)}{{sequence}}`, user: '{{user}}' };

    // 100,000 users make user-99999 (10 bytes, in the data and as the key); 10,000 records end at sequence 9999.
    expect(factory(template, 100_000, Math.random, 10_000).maxEntryBytes).toBe('{"pad":"","user":""}'.length + (MiB - 44) + 4 + 10 + 10);
    expect(() => factory(template, 100_000, Math.random, 10_001)).toThrow(TemplateError);
    expect(() => factory(template, 100_001, Math.random, 10_000)).toThrow(TemplateError);
  });
});
