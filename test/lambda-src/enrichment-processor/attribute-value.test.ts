import { unmarshallItem, unmarshallValue } from '../../../lambda-src/enrichment-processor/attribute-value';

describe('unmarshallItem', () => {
  test('turns every DynamoDB type into its JSON counterpart', () => {
    expect(unmarshallItem({
      name: { S: 'Ada' },
      age: { N: '36' },
      score: { N: '-1.5e2' },
      active: { BOOL: false },
      deleted: { NULL: true },
      address: { M: { city: { S: 'London' }, zip: { NULL: true } } },
      tags: { L: [{ S: 'a' }, { N: '1' }, { L: [] }] },
      roles: { SS: ['admin', 'dev'] },
      lucky: { NS: ['7', '13'] },
      avatar: { B: Buffer.from('hi') },
      keys: { BS: [Buffer.from('k1')] },
    })).toEqual({
      name: 'Ada',
      age: 36,
      score: -150,
      active: false,
      deleted: null,
      address: { city: 'London', zip: null },
      tags: ['a', 1, []],
      roles: ['admin', 'dev'],
      lucky: [7, 13],
      avatar: 'aGk=',
      keys: ['azE='],
    });
  });

  test.each([
    ['9007199254740993', '9007199254740993'],
    ['12345678901234567890123456789012345678', '12345678901234567890123456789012345678'],
    ['0.1000000000000000000000000001', '0.1000000000000000000000000001'],
    ['1E+130', 1e130],
    ['9007199254740991', 9_007_199_254_740_991],
    ['0.10', 0.1],
    ['00012.50', 12.5],
  ])('number %s becomes %p: a double only when it denotes the same decimal', (stored, expected) => {
    expect(unmarshallValue({ N: stored })).toEqual(expected);
  });

  test('keeps a field named __proto__ as data', () => {
    const item = unmarshallItem({ ['__proto__']: { S: 'x' } });

    expect(Object.getPrototypeOf(item)).toBe(Object.prototype);
    expect(Object.keys(item)).toEqual(['__proto__']);
  });

  test('rejects a value of no known type', () => {
    expect(() => unmarshallValue({ $unknown: ['X', 1] } as never)).toThrow('unsupported DynamoDB attribute value with members $unknown');
  });
});
