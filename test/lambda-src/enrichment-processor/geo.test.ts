import { BlockList, isIP } from 'net';
import * as fc from 'fast-check';
import { configError } from './fixtures';
import {
  deriveGeoLocation,
  dottedIpv4Value,
  GEO_LOCATION_FIELD,
  GeoConfig,
  GeoPrefix,
  parseGeoPrefixes,
  PrefixMatcher,
} from '../../../lambda-src/enrichment-processor/geo';
import { JsonObject } from '../../../lambda-src/enrichment-processor/json';

const place = (name: string): JsonObject => ({ name });

describe('GEO_LOCATION_FIELD', () => {
  test('is the documented output field', () => {
    expect(GEO_LOCATION_FIELD).toBe('geo_location');
  });
});

describe('parseGeoPrefixes', () => {
  test('returns every entry as written, IPv4 and IPv6, ignoring other members', () => {
    const json = JSON.stringify([
      { cidr: '203.0.113.0/24', location: { country: 'NL', city: 'Amsterdam' }, comment: 'office' },
      { cidr: '2001:DB8::/32', location: { country: 'DE' } },
      { cidr: '::ffff:198.51.100.0/120', location: {} },
      { cidr: '0.0.0.0/0', location: { country: 'unknown' } },
      { cidr: '::/0', location: { country: 'unknown-v6' } },
      { cidr: '192.0.2.1/32', location: { host: true } },
    ]);

    expect(parseGeoPrefixes(json)).toEqual([
      { cidr: '203.0.113.0/24', location: { country: 'NL', city: 'Amsterdam' } },
      { cidr: '2001:DB8::/32', location: { country: 'DE' } },
      { cidr: '::ffff:198.51.100.0/120', location: {} },
      { cidr: '0.0.0.0/0', location: { country: 'unknown' } },
      { cidr: '::/0', location: { country: 'unknown-v6' } },
      { cidr: '192.0.2.1/32', location: { host: true } },
    ]);
  });

  test('accepts an empty table', () => {
    expect(parseGeoPrefixes('[]')).toEqual([]);
  });

  test('accepts one address under several prefix lengths', () => {
    expect(parseGeoPrefixes(JSON.stringify([
      { cidr: '10.0.0.0/8', location: place('a') },
      { cidr: '10.0.0.0/16', location: place('b') },
      { cidr: '10.0.0.0/24', location: place('c') },
    ]))).toHaveLength(3);
  });

  test('names the variable and the JSON problem for text that is not JSON', () => {
    const err = configError(() => parseGeoPrefixes('[{"cidr": '));

    expect(err.variable).toBe('GEO_IP_PREFIXES');
    expect(err.message).toMatch(/^GEO_IP_PREFIXES is not valid JSON: /);
  });

  test.each(['{}', '"203.0.113.0/24"', 'null'])('rejects %s, which is not an array', (json) => {
    expect(configError(() => parseGeoPrefixes(json)).message)
      .toBe('GEO_IP_PREFIXES must be a JSON array of {"cidr": "203.0.113.0/24", "location": {...}} objects');
  });

  const loc = { country: 'NL' };
  test.each<[string, unknown, string]>([
    ['a number', 42, 'entry 0 must be an object with "cidr" and "location", got 42'],
    ['null', null, 'entry 0 must be an object with "cidr" and "location", got null'],
    ['an array', ['203.0.113.0/24', loc], 'entry 0 must be an object with "cidr" and "location", got ["203.0.113.0/24",{"country":"NL"}]'],
    ['no cidr', { location: loc }, 'entry 0 must have a string "cidr" such as "203.0.113.0/24", got nothing'],
    ['a numeric cidr', { cidr: 24, location: loc }, 'entry 0 must have a string "cidr" such as "203.0.113.0/24", got 24'],
    ['an inherited cidr only', { toString: '203.0.113.0/24', location: loc }, 'entry 0 must have a string "cidr" such as "203.0.113.0/24", got nothing'],
    ['no prefix length', { cidr: '203.0.113.0', location: loc }, 'entry 0 cidr "203.0.113.0" is not an address/prefix-length pair such as "203.0.113.0/24"'],
    ['two slashes', { cidr: '203.0.113.0/24/8', location: loc }, 'entry 0 cidr "203.0.113.0/24/8" is not an address/prefix-length pair such as "203.0.113.0/24"'],
    ['a short IPv4 address', { cidr: '203.0.113/24', location: loc }, 'entry 0 cidr "203.0.113/24" has "203.0.113", which is not an IPv4 or IPv6 address'],
    ['an octet over 255', { cidr: '203.0.113.256/32', location: loc }, 'entry 0 cidr "203.0.113.256/32" has "203.0.113.256", which is not an IPv4 or IPv6 address'],
    ['a leading zero', { cidr: '203.0.113.010/32', location: loc }, 'entry 0 cidr "203.0.113.010/32" has "203.0.113.010", which is not an IPv4 or IPv6 address'],
    ['two ::', { cidr: '2001::db8::/32', location: loc }, 'entry 0 cidr "2001::db8::/32" has "2001::db8::", which is not an IPv4 or IPv6 address'],
    ['a zone index', { cidr: 'fe80::%eth0/64', location: loc }, 'entry 0 cidr "fe80::%eth0/64" has "fe80::%eth0", which is not an IPv4 or IPv6 address'],
    ['no address', { cidr: '/24', location: loc }, 'entry 0 cidr "/24" has "", which is not an IPv4 or IPv6 address'],
    ['a host name', { cidr: 'example.com/24', location: loc }, 'entry 0 cidr "example.com/24" has "example.com", which is not an IPv4 or IPv6 address'],
    ['an IPv4 length over 32', { cidr: '203.0.113.0/33', location: loc }, 'entry 0 cidr "203.0.113.0/33" has prefix length "33", which is not an integer from 0 to 32'],
    ['an IPv6 length over 128', { cidr: '2001:db8::/129', location: loc }, 'entry 0 cidr "2001:db8::/129" has prefix length "129", which is not an integer from 0 to 128'],
    ['an empty length', { cidr: '203.0.113.0/', location: loc }, 'entry 0 cidr "203.0.113.0/" has prefix length "", which is not an integer from 0 to 32'],
    ['a negative length', { cidr: '203.0.113.0/-1', location: loc }, 'entry 0 cidr "203.0.113.0/-1" has prefix length "-1", which is not an integer from 0 to 32'],
    ['a spaced length', { cidr: '203.0.113.0/ 24', location: loc }, 'entry 0 cidr "203.0.113.0/ 24" has prefix length " 24", which is not an integer from 0 to 32'],
    ['an exponent length', { cidr: '10.0.0.0/1e1', location: loc }, 'entry 0 cidr "10.0.0.0/1e1" has prefix length "1e1", which is not an integer from 0 to 32'],
    ['IPv4 host bits', { cidr: '203.0.113.7/24', location: loc }, 'entry 0 cidr "203.0.113.7/24" has host bits set after the first 24 bits'],
    ['IPv4 host bits at /0', { cidr: '0.0.0.1/0', location: loc }, 'entry 0 cidr "0.0.0.1/0" has host bits set after the first 0 bits'],
    ['IPv6 host bits', { cidr: '2001:db8::1/32', location: loc }, 'entry 0 cidr "2001:db8::1/32" has host bits set after the first 32 bits'],
    ['IPv4-mapped host bits', { cidr: '::ffff:203.0.113.7/120', location: loc }, 'entry 0 cidr "::ffff:203.0.113.7/120" has host bits set after the first 120 bits'],
    ['no location', { cidr: '203.0.113.0/24' }, 'entry 0 (cidr "203.0.113.0/24") must have an object "location", got nothing'],
    ['a string location', { cidr: '203.0.113.0/24', location: 'Amsterdam' }, 'entry 0 (cidr "203.0.113.0/24") must have an object "location", got "Amsterdam"'],
    ['an array location', { cidr: '203.0.113.0/24', location: ['NL'] }, 'entry 0 (cidr "203.0.113.0/24") must have an object "location", got ["NL"]'],
    ['a null location', { cidr: '203.0.113.0/24', location: null }, 'entry 0 (cidr "203.0.113.0/24") must have an object "location", got null'],
  ])('rejects an entry with %s', (_, entry, problem) => {
    const err = configError(() => parseGeoPrefixes(JSON.stringify([entry])));

    expect(err.variable).toBe('GEO_IP_PREFIXES');
    expect(err.message).toBe(`GEO_IP_PREFIXES ${problem}`);
  });

  test('names the index of the first bad entry', () => {
    const json = JSON.stringify([
      { cidr: '203.0.113.0/24', location: place('a') },
      { cidr: '198.51.100.0/24', location: place('b') },
      { cidr: '192.0.2.0/33', location: place('c') },
      { cidr: 'nonsense', location: place('d') },
    ]);

    expect(configError(() => parseGeoPrefixes(json)).message)
      .toBe('GEO_IP_PREFIXES entry 2 cidr "192.0.2.0/33" has prefix length "33", which is not an integer from 0 to 32');
  });

  test.each([
    ['written identically', '203.0.113.0/24', '203.0.113.0/24'],
    ['in IPv6 letter case and zero compression', '2001:db8::/32', '2001:DB8:0:0::/32'],
    ['as an IPv4-mapped IPv6 prefix', '203.0.113.0/24', '::ffff:203.0.113.0/120'],
    ['as an IPv4-mapped IPv6 prefix in hex', '0.0.0.0/0', '::ffff:0:0/96'],
  ])('rejects a repeated network %s', (_, first, second) => {
    const json = JSON.stringify([
      { cidr: first, location: place('a') },
      { cidr: '192.0.2.0/24', location: place('b') },
      { cidr: second, location: place('c') },
    ]);

    expect(configError(() => parseGeoPrefixes(json)).message)
      .toBe(`GEO_IP_PREFIXES entry 2 cidr "${second}" is the same network as entry 0`);
  });
});

describe('PrefixMatcher', () => {
  const COUNTRY = place('country');
  const REGION = place('region');
  const CITY = place('city');
  const HOST = place('host');
  const NESTED: GeoPrefix[] = [
    { cidr: '10.0.0.0/8', location: COUNTRY },
    { cidr: '10.1.0.0/16', location: REGION },
    { cidr: '10.1.2.0/24', location: CITY },
    { cidr: '10.1.2.3/32', location: HOST },
  ];

  test.each([
    ['10.1.2.3', HOST],
    ['10.1.2.4', CITY],
    ['10.1.2.255', CITY],
    ['10.1.3.0', REGION],
    ['10.1.255.255', REGION],
    ['10.0.2.3', COUNTRY],
    ['10.255.255.255', COUNTRY],
  ])('matches %s with the longest nested prefix', (ip, location) => {
    expect(new PrefixMatcher(NESTED).match(ip)).toBe(location);
    expect(new PrefixMatcher([...NESTED].reverse()).match(ip)).toBe(location);
  });

  test.each(['9.255.255.255', '11.0.0.0', '0.0.0.0', '255.255.255.255', '2001:db8::1', '::a01:203'])(
    'matches nothing for %s, outside every prefix',
    (ip) => {
      expect(new PrefixMatcher(NESTED).match(ip)).toBeUndefined();
    },
  );

  test.each([
    '',
    'not an address',
    ' 10.1.2.3',
    '10.1.2.3 ',
    '10.1.2',
    '10.1.2.256',
    '010.1.2.3',
    '10.1.2.3/32',
    '10.1.2.3:443',
    '0x0a.1.2.3',
    '::ffff:10.1.2.3%eth0',
    '::ffff:10.1.2.3.4',
  ])('matches nothing for %j, which is not an IP address', (text) => {
    const matcher = new PrefixMatcher([...NESTED, { cidr: '0.0.0.0/0', location: place('any v4') }, { cidr: '::/0', location: place('any') }]);

    expect(matcher.match(text)).toBeUndefined();
  });

  test('an empty table matches nothing', () => {
    expect(new PrefixMatcher([]).match('10.1.2.3')).toBeUndefined();
  });

  describe('IPv6', () => {
    const ORG = place('org');
    const SITE = place('site');
    const SINGLE = place('single');
    const matcher = new PrefixMatcher([
      { cidr: '2001:db8::/32', location: ORG },
      { cidr: '2001:db8:abcd::/48', location: SITE },
      { cidr: '2001:db8:abcd:12::1/128', location: SINGLE },
    ]);

    test.each([
      ['2001:db8::1', ORG],
      ['2001:0db8:0000:0000:0000:0000:0000:0001', ORG],
      ['2001:DB8:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF', ORG],
      ['2001:db8:abcd::', SITE],
      ['2001:db8:abcd:12::2', SITE],
      ['2001:db8:abcd:12::1', SINGLE],
      ['2001:db8:abcd:12:0:0:0:1', SINGLE],
      ['2001:db8:abcd:12::0.0.0.1', SINGLE],
    ])('matches %s', (ip, location) => {
      expect(matcher.match(ip)).toBe(location);
    });

    test.each(['2001:db9::', '2001:db7:ffff::', '::', '::1', 'fe80::1'])('matches nothing for %s', (ip) => {
      expect(matcher.match(ip)).toBeUndefined();
    });

    test('matches the all-zero and all-one addresses at the ends of the space', () => {
      const ends = new PrefixMatcher([
        { cidr: '::/1', location: place('low') },
        { cidr: '8000::/1', location: place('high') },
      ]);

      expect(ends.match('::')).toEqual(place('low'));
      expect(ends.match('7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toEqual(place('low'));
      expect(ends.match('8000::')).toEqual(place('high'));
      expect(ends.match('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toEqual(place('high'));
    });
  });

  describe('IPv4-mapped IPv6', () => {
    test.each(['::ffff:10.1.2.3', '::FFFF:10.1.2.3', '0:0:0:0:0:ffff:10.1.2.3', '::ffff:a01:203', '0:0:0:0:0:FFFF:0A01:0203'])(
      'matches %s against IPv4 prefixes',
      (ip) => {
        expect(new PrefixMatcher(NESTED).match(ip)).toBe(HOST);
      },
    );

    test('matches a dotted address against a prefix written in IPv4-mapped form', () => {
      const matcher = new PrefixMatcher([{ cidr: '::ffff:203.0.113.0/120', location: CITY }]);

      expect(matcher.match('203.0.113.7')).toBe(CITY);
      expect(matcher.match('203.0.114.7')).toBeUndefined();
    });

    test('does not treat the deprecated IPv4-compatible form as IPv4', () => {
      expect(new PrefixMatcher(NESTED).match('::10.1.2.3')).toBeUndefined();
    });

    test('long IPv6 prefixes outside the IPv4-mapped range never match a dotted address', () => {
      // ::a00:0/104 is 10.0.0.0/8 in the IPv4-compatible form, 64:ff9b::/96 the NAT64 prefix: neither is IPv4.
      const matcher = new PrefixMatcher([
        { cidr: '::a00:0/104', location: COUNTRY },
        { cidr: '64:ff9b::/96', location: REGION },
      ]);

      expect(matcher.match('10.1.2.3')).toBeUndefined();
      expect(matcher.match('::ffff:10.1.2.3')).toBeUndefined();
      expect(matcher.match('::a01:203')).toBe(COUNTRY);
      expect(matcher.match('64:ff9b::10.1.2.3')).toBe(REGION);
    });

    test('0.0.0.0/0 covers IPv4 but not native IPv6', () => {
      const matcher = new PrefixMatcher([{ cidr: '0.0.0.0/0', location: COUNTRY }]);

      expect(matcher.match('198.51.100.1')).toBe(COUNTRY);
      expect(matcher.match('::ffff:198.51.100.1')).toBe(COUNTRY);
      expect(matcher.match('2001:db8::1')).toBeUndefined();
    });

    test('::/0 covers IPv4 addresses too, but any matching IPv4 prefix is longer and wins', () => {
      const ANY = place('any');
      const matcher = new PrefixMatcher([{ cidr: '::/0', location: ANY }, ...NESTED]);

      expect(matcher.match('2001:db8::1')).toBe(ANY);
      expect(matcher.match('198.51.100.1')).toBe(ANY);
      expect(matcher.match('10.1.2.3')).toBe(HOST);
    });
  });

  test.each([
    ['an invalid cidr', [{ cidr: '10.0.0.0/33', location: COUNTRY }], 'PrefixMatcher: cidr "10.0.0.0/33" has prefix length "33", which is not an integer from 0 to 32'],
    ['host bits', [{ cidr: '10.0.0.1/8', location: COUNTRY }], 'PrefixMatcher: cidr "10.0.0.1/8" has host bits set after the first 8 bits'],
    [
      'a repeated network',
      [{ cidr: '10.0.0.0/8', location: COUNTRY }, { cidr: '::ffff:a00:0/104', location: REGION }],
      'PrefixMatcher: cidr "::ffff:a00:0/104" is the same network as an earlier prefix',
    ],
  ])('refuses a table with %s, which parseGeoPrefixes would have rejected', (_, prefixes, message) => {
    expect(() => new PrefixMatcher(prefixes)).toThrow(new Error(message));
  });
});

describe('deriveGeoLocation', () => {
  const AMSTERDAM = { country: 'NL', city: 'Amsterdam' };
  const matcher = new PrefixMatcher([{ cidr: '203.0.113.0/24', location: AMSTERDAM }]);
  const BOTH: GeoConfig = { profileAttribute: 'home', ipField: 'client_ip', prefixes: [] };
  const RECORD = { event_id: 'e1', client_ip: '203.0.113.7' };

  test('passes an object profile value through and prefers it over the IP lookup', () => {
    const home = { country: 'FR', city: 'Lyon' };

    expect(deriveGeoLocation(RECORD, { user_id: 'u1', home }, BOTH, matcher)).toBe(home);
  });

  test('wraps a string profile value as a name so that the field is always an object', () => {
    expect(deriveGeoLocation(RECORD, { home: 'Lyon' }, BOTH, matcher)).toEqual({ name: 'Lyon' });
  });

  test('passes an empty object profile value through: the profile did state a location', () => {
    const home = {};

    expect(deriveGeoLocation(RECORD, { home }, BOTH, matcher)).toBe(home);
  });

  test.each<[string, JsonObject | null | undefined]>([
    ['no profile', undefined],
    ['a null profile', null],
    ['a profile without the attribute', { user_id: 'u1' }],
    ['a null attribute', { home: null }],
    ['an empty string attribute', { home: '' }],
    ['a numeric attribute', { home: 42 }],
    ['an array attribute', { home: ['Lyon'] }],
    ['a boolean attribute', { home: true }],
  ])('falls back to the IP lookup for %s', (_, profile) => {
    expect(deriveGeoLocation(RECORD, profile, BOTH, matcher)).toBe(AMSTERDAM);
  });

  test('ignores the profile when no profile attribute is configured', () => {
    expect(deriveGeoLocation(RECORD, { home: 'Lyon' }, { ipField: 'client_ip', prefixes: [] }, matcher)).toBe(AMSTERDAM);
  });

  test('does not look the IP up when no IP field is configured', () => {
    expect(deriveGeoLocation(RECORD, { user_id: 'u1' }, { profileAttribute: 'home', prefixes: [] }, matcher)).toBeNull();
  });

  test('is null with neither source configured', () => {
    expect(deriveGeoLocation(RECORD, { home: 'Lyon' }, { prefixes: [] }, matcher)).toBeNull();
  });

  test.each<[string, unknown]>([
    ['an address outside every prefix', '198.51.100.7'],
    ['an IPv6 address outside every prefix', '2001:db8::1'],
    ['an empty string', ''],
    ['text that is not an address', 'unknown'],
    ['a number', 3405803783],
    ['null', null],
    ['an object', { ip: '203.0.113.7' }],
    ['an array', ['203.0.113.7']],
  ])('is null when the IP field holds %s', (_, ip) => {
    expect(deriveGeoLocation({ client_ip: ip }, undefined, BOTH, matcher)).toBeNull();
  });

  test('is null when the record has no IP field', () => {
    expect(deriveGeoLocation({ event_id: 'e1' }, null, BOTH, matcher)).toBeNull();
  });

  test('does not read inherited members for field and attribute names such as toString', () => {
    const config: GeoConfig = { profileAttribute: 'toString', ipField: 'constructor', prefixes: [] };

    expect(deriveGeoLocation({}, {}, config, matcher)).toBeNull();
    expect(deriveGeoLocation({ constructor: '203.0.113.1' }, { toString: 'Lyon' }, config, matcher)).toEqual({ name: 'Lyon' });
    expect(deriveGeoLocation({ constructor: '203.0.113.1' }, {}, config, matcher)).toBe(AMSTERDAM);
  });
});

describe('dottedIpv4Value', () => {
  test.each([
    ['0.0.0.0', 0],
    ['255.255.255.255', 0xffff_ffff],
    ['203.0.113.7', 0xcb00_7107],
  ])('%p is %p', (text, value) => {
    expect(dottedIpv4Value(text)).toBe(value);
  });

  test.each(['', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.256', '1..3.4', '.1.2.3', '1.2.3.', ' 1.2.3.4', '1.2.3.4%eth0', '::1', '١.2.3.4'])(
    '%p is not a dotted IPv4 address', (text) => {
      expect(dottedIpv4Value(text)).toBeUndefined();
    },
  );

  test('accepts exactly what net.isIP accepts as IPv4, with the value of its octets', () => {
    const octet = fc.oneof(fc.nat({ max: 300 }).map(String), fc.constantFrom('0', '00', '01', '255', '256', '1000', ''));
    const dotted = fc.array(octet, { minLength: 1, maxLength: 6 }).map((octets) => octets.join('.'));
    const anyText = fc.string({ unit: fc.constantFrom(...'0123456789.. :a'), maxLength: 17 });
    fc.assert(fc.property(fc.oneof(dotted, anyText), (text) => {
      const value = dottedIpv4Value(text);
      expect(value !== undefined).toBe(isIP(text) === 4);
      if (value !== undefined) {
        expect(value).toBe(text.split('.').reduce((sum, o) => sum * 256 + Number(o), 0));
      }
    }), { numRuns: 20_000 });
  });
});

describe('properties', () => {
  // Biased towards a few values so that generated prefixes nest and generated addresses fall inside them.
  const octet = fc.oneof(fc.constantFrom(0, 10, 203, 255), fc.integer({ min: 0, max: 255 }));
  const ipv4 = fc.tuple(octet, octet, octet, octet).map((octets) => octets.reduce((value, o) => value * 256 + o, 0));
  const ipv4Text = (value: number): string =>
    [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
  const ipv4Network = (value: number, length: number): number => Math.floor(value / 2 ** (32 - length)) * 2 ** (32 - length);

  interface NumericPrefix { readonly network: number; readonly length: number }
  const ipv4Prefix: fc.Arbitrary<NumericPrefix> = fc.record({ address: ipv4, length: fc.integer({ min: 0, max: 32 }) })
    .map(({ address, length }) => ({ network: ipv4Network(address, length), length }));
  const ipv4Table = fc.uniqueArray(ipv4Prefix, { maxLength: 24, selector: (p) => `${p.network}/${p.length}` });

  /** Addresses inside the table's prefixes as well as anywhere, so that both hits and misses are common. */
  const lookups = (table: readonly NumericPrefix[]): fc.Arbitrary<number[]> => fc.array(
    table.length === 0 ? ipv4 : fc.oneof(
      ipv4,
      fc.record({ prefix: fc.constantFrom(...table), offset: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }) })
        .map(({ prefix, offset }) => prefix.network + Math.floor(offset * 2 ** (32 - prefix.length))),
    ),
    { maxLength: 24 },
  );

  const toGeoPrefixes = (table: readonly NumericPrefix[]): GeoPrefix[] =>
    table.map((p, i) => ({ cidr: `${ipv4Text(p.network)}/${p.length}`, location: { index: i } }));

  test('for IPv4, the matcher agrees with a naive scan of every prefix', () => {
    fc.assert(fc.property(ipv4Table.chain((table) => fc.tuple(fc.constant(table), lookups(table))), ([table, addresses]) => {
      const prefixes = toGeoPrefixes(table);
      const matcher = new PrefixMatcher(prefixes);
      for (const address of addresses) {
        let best: number | undefined;
        for (const [i, p] of table.entries()) {
          if (ipv4Network(address, p.length) === p.network && (best === undefined || p.length > table[best].length)) {
            best = i;
          }
        }
        const expected = best === undefined ? undefined : prefixes[best].location;
        expect(matcher.match(ipv4Text(address))).toBe(expected);
        expect(matcher.match(`::ffff:${ipv4Text(address)}`)).toBe(expected);
      }
    }));
  });

  test('a generated IPv4 table is accepted by parseGeoPrefixes as written', () => {
    fc.assert(fc.property(ipv4Table, (table) => {
      const prefixes = toGeoPrefixes(table);

      expect(parseGeoPrefixes(JSON.stringify(prefixes))).toEqual(prefixes);
    }));
  });

  const word = fc.oneof(fc.constantFrom(0, 0x2001, 0xdb8, 0xffff), fc.integer({ min: 0, max: 0xffff }));
  const ipv6 = fc.array(word, { minLength: 8, maxLength: 8 }).map((words) => words.reduce((value, w) => value * 0x1_0000n + BigInt(w), 0n));
  const ipv6Full = (value: bigint): string =>
    [7, 6, 5, 4, 3, 2, 1, 0].map((i) => ((value / 0x1_0000n ** BigInt(i)) % 0x1_0000n).toString(16)).join(':');
  // The URL parser writes IPv6 in its canonical compressed form, independently of the code under test.
  const ipv6Compressed = (value: bigint): string => new URL(`http://[${ipv6Full(value)}]/`).hostname.slice(1, -1);
  const ipv6Forms = (value: bigint): string[] =>
    [ipv6Full(value), ipv6Compressed(value), ipv6Compressed(value).toUpperCase()];

  interface BigPrefix { readonly network: bigint; readonly length: number }
  const ipv6Table = fc.uniqueArray(
    fc.record({ address: ipv6, length: fc.integer({ min: 0, max: 128 }) }).map(({ address, length }): BigPrefix => {
      const size = 2n ** BigInt(128 - length);
      return { network: (address / size) * size, length };
    }),
    { maxLength: 16, selector: (p) => `${p.network}/${p.length}` },
  );

  test('for IPv6 in any written form, the matcher agrees with Node\'s BlockList on the longest containing prefix', () => {
    fc.assert(fc.property(ipv6Table, fc.array(ipv6, { maxLength: 16 }), (table, addresses) => {
      const prefixes = table.map((p, i) => ({ cidr: `${ipv6Compressed(p.network)}/${p.length}`, location: { index: i } }));
      const matcher = new PrefixMatcher(prefixes);
      const lists = table.map((p) => {
        const list = new BlockList();
        list.addSubnet(ipv6Full(p.network), p.length, 'ipv6');
        return list;
      });
      // Addresses inside each prefix too, not only random ones that rarely hit a long prefix.
      for (const address of [...addresses, ...table.map((p) => p.network)]) {
        const text = ipv6Full(address);
        const containing = table.map((p, i) => ({ length: p.length, i })).filter(({ i }) => lists[i].check(text, 'ipv6'));
        const best = containing.sort((a, b) => b.length - a.length)[0];
        for (const form of ipv6Forms(address)) {
          expect(matcher.match(form)).toBe(best === undefined ? undefined : prefixes[best.i].location);
        }
      }
    }));
  });
});
