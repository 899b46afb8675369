import { configError } from './fixtures';
import { DEFAULT_FLATTEN_SEPARATOR, loadConfig } from '../../../lambda-src/firehose-transformer/config';

describe('loadConfig', () => {
  test('defaults to flattening with "_", newline-delimited output, no renames and no drops', () => {
    expect(loadConfig({})).toEqual({
      flattenSeparator: DEFAULT_FLATTEN_SEPARATOR,
      renames: new Map(),
      dropFields: new Set(),
      newlineDelimited: true,
    });
    expect(DEFAULT_FLATTEN_SEPARATOR).toBe('_');
  });

  test('reads every variable', () => {
    const config = loadConfig({
      FLATTEN_NESTED: 'TRUE',
      FLATTEN_SEPARATOR: '.',
      FIELD_RENAMES: '{"timestamp":"event_timestamp","metadata.browser":"browser"}',
      DROP_FIELDS: 'session_id, processed_at',
      NEWLINE_DELIMITED: 'false',
    });

    expect(config).toEqual({
      flattenSeparator: '.',
      renames: new Map([['timestamp', 'event_timestamp'], ['metadata.browser', 'browser']]),
      dropFields: new Set(['session_id', 'processed_at']),
      newlineDelimited: false,
    });
  });

  test('turns flattening off without a separator', () => {
    expect(loadConfig({ FLATTEN_NESTED: 'false' }).flattenSeparator).toBeUndefined();
  });

  test('treats blank optional variables as unset', () => {
    expect(loadConfig({ FLATTEN_NESTED: ' ', FIELD_RENAMES: '  ', DROP_FIELDS: '', NEWLINE_DELIMITED: '' })).toEqual(loadConfig({}));
    expect(loadConfig({ FLATTEN_NESTED: 'false', FLATTEN_SEPARATOR: '' }).flattenSeparator).toBeUndefined();
  });

  test('keeps field names that are inherited members of plain objects as ordinary names', () => {
    const config = loadConfig({ FIELD_RENAMES: '{"__proto__":"proto","toString":"to_string"}', DROP_FIELDS: 'constructor,hasOwnProperty' });

    expect([...config.renames]).toEqual([['__proto__', 'proto'], ['toString', 'to_string']]);
    expect(config.renames.has('valueOf')).toBe(false);
    expect([...config.dropFields]).toEqual(['constructor', 'hasOwnProperty']);
  });

  test.each<[string, Record<string, string>, string]>([
    ['FLATTEN_NESTED', { FLATTEN_NESTED: 'yes' }, 'must be "true" or "false", got "yes"'],
    ['NEWLINE_DELIMITED', { NEWLINE_DELIMITED: '1' }, 'must be "true" or "false", got "1"'],
    ['FLATTEN_SEPARATOR', { FLATTEN_SEPARATOR: '' }, 'must be one or more characters other than whitespace, such as "_" or ".", got ""'],
    ['FLATTEN_SEPARATOR', { FLATTEN_SEPARATOR: ' ' }, 'must be one or more characters other than whitespace, such as "_" or ".", got " "'],
    ['FLATTEN_SEPARATOR', { FLATTEN_SEPARATOR: '_\t' }, 'must be one or more characters other than whitespace, such as "_" or ".", got "_\t"'],
    ['FLATTEN_SEPARATOR', { FLATTEN_NESTED: 'false', FLATTEN_SEPARATOR: '.' }, 'is set but FLATTEN_NESTED is "false"; remove it or turn flattening on'],
    ...['{"a":', '["a","b"]', '"a"', 'null', '42'].map((value): [string, Record<string, string>, string] => [
      'FIELD_RENAMES', { FIELD_RENAMES: value }, `must be a JSON object of field names to new names, such as {"timestamp":"event_timestamp"}, got "${value}"`,
    ]),
    ['FIELD_RENAMES', { FIELD_RENAMES: '{"a":5}' }, 'must give each field a new name that is a non-blank string, got 5 for "a"'],
    ['FIELD_RENAMES', { FIELD_RENAMES: '{"a":null}' }, 'must give each field a new name that is a non-blank string, got null for "a"'],
    ['FIELD_RENAMES', { FIELD_RENAMES: '{"a":""}' }, 'must give each field a new name that is a non-blank string, got "" for "a"'],
    ['FIELD_RENAMES', { FIELD_RENAMES: '{"a":"b","c":" "}' }, 'must give each field a new name that is a non-blank string, got " " for "c"'],
    ['FIELD_RENAMES', { FIELD_RENAMES: '{"a":"a"}' }, 'renames "a" to itself'],
    ['FIELD_RENAMES', { FIELD_RENAMES: '{"a":"b","b":"c"}' }, 'renames "a" to "b", which it renames to "c" in turn; give each field its final name directly'],
    ['FIELD_RENAMES', { FIELD_RENAMES: '{"b":"c","a":"b"}' }, 'renames "a" to "b", which it renames to "c" in turn; give each field its final name directly'],
    ['FIELD_RENAMES', { FIELD_RENAMES: '{"a":"c","b":"c"}' }, 'renames both "a" and "b" to "c"'],
    ['DROP_FIELDS', { DROP_FIELDS: 'a,,b' }, 'must be a comma-separated list of attribute names without empty entries, got "a,,b"'],
    ['DROP_FIELDS', { DROP_FIELDS: 'a,b,a' }, 'lists "a" more than once'],
    ['DROP_FIELDS', { FIELD_RENAMES: '{"a":"b"}', DROP_FIELDS: 'x,a' }, 'lists "a", which FIELD_RENAMES also names; drop the original field instead of renaming it'],
    ['DROP_FIELDS', { FIELD_RENAMES: '{"a":"b"}', DROP_FIELDS: 'b' }, 'lists "b", which FIELD_RENAMES also names; drop the original field instead of renaming it'],
  ])('rejects a bad %s: %j', (variable, env, message) => {
    expect(() => loadConfig(env)).toThrow(configError(variable, message));
  });
});
