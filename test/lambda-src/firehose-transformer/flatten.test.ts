import { flattenRecord } from '../../../lambda-src/firehose-transformer/flatten';

const flat = (json: string, separator = '_') => {
  const result = flattenRecord(JSON.parse(json), separator);
  if (!result.ok) {
    throw new Error(`unexpected duplicate key ${result.duplicateKey}`);
  }
  return [...result.fields];
};

const duplicateKey = (json: string, separator = '_') => {
  const result = flattenRecord(JSON.parse(json), separator);
  return result.ok ? undefined : result.duplicateKey;
};

describe('flattenRecord', () => {
  test('lifts nested fields to the top level at any depth, in document order', () => {
    expect(flat('{"id":1,"metadata":{"browser":"x","a":{"b":1}},"page":"/"}')).toEqual([
      ['id', 1], ['metadata_browser', 'x'], ['metadata_a_b', 1], ['page', '/'],
    ]);
  });

  test('joins names with the separator given', () => {
    expect(flat('{"a":{"b":{"c":true}}}', '.')).toEqual([['a.b.c', true]]);
    expect(flat('{"a":{"b":{"c":true}}}', '__')).toEqual([['a__b__c', true]]);
  });

  test('writes arrays as their JSON text, whatever they hold', () => {
    expect(flat('{"tags":["a","b"],"m":{"points":[{"x":1},[2,null]]},"none":[]}')).toEqual([
      ['tags', '["a","b"]'], ['m_points', '[{"x":1},[2,null]]'], ['none', '[]'],
    ]);
  });

  test('keeps scalars and null as they are', () => {
    expect(flat('{"s":"t","n":-1.5,"b":false,"z":null,"m":{"z":null,"e":""}}')).toEqual([
      ['s', 't'], ['n', -1.5], ['b', false], ['z', null], ['m_z', null], ['m_e', ''],
    ]);
  });

  test('keeps empty objects as they are, at any depth', () => {
    expect(flat('{"top":{},"m":{"inner":{}},"n":1}')).toEqual([['top', {}], ['m_inner', {}], ['n', 1]]);
    expect(flat('{}')).toEqual([]);
  });

  test('joins empty names like any other', () => {
    expect(flat('{"":{"":1,"a":2}}')).toEqual([['_', 1], ['_a', 2]]);
  });

  test.each([
    ['a top-level field before the nested one', '{"metadata_browser":"y","metadata":{"browser":"x"}}', 'metadata_browser'],
    ['a top-level field after the nested one', '{"metadata":{"browser":"x"},"metadata_browser":"y"}', 'metadata_browser'],
    ['two nested paths', '{"a":{"b_c":1},"a_b":{"c":2}}', 'a_b_c'],
    ['an empty object and a scalar', '{"a":{"b":{}},"a_b":null}', 'a_b'],
  ])('reports the duplicate key produced by %s', (_, json, key) => {
    expect(duplicateKey(json)).toBe(key);
  });

  test('reports no duplicate when the separator keeps the names apart', () => {
    expect(flat('{"metadata":{"browser":"x"},"metadata_browser":"y"}', '.')).toEqual([['metadata.browser', 'x'], ['metadata_browser', 'y']]);
  });

  test('keeps names of inherited members, including "__proto__", as keys', () => {
    const fields = flat('{"__proto__":{"polluted":1},"toString":"s","constructor":{"name":"c"},"m":{"__proto__":2}}');

    expect(fields).toEqual([['__proto___polluted', 1], ['toString', 's'], ['constructor_name', 'c'], ['m___proto__', 2]]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('flattens nesting deeper than the call stack allows', () => {
    const depth = 100_000;

    expect(flat(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`)).toEqual([[Array(depth).fill('a').join('_'), 1]]);
  });
});
