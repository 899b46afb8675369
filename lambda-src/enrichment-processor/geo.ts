import { isIP } from 'net';
import { ConfigError } from './env';
import { isJsonObject, JsonObject, ownField } from './json';

export const GEO_LOCATION_FIELD = 'geo_location';

const VARIABLE = 'GEO_IP_PREFIXES';

export interface GeoPrefix {
  /** An IPv4 or IPv6 network in address/prefix-length form, such as `203.0.113.0/24` or `2001:db8::/32`. */
  readonly cidr: string;
  readonly location: JsonObject;
}

export interface GeoConfig {
  /** Attribute of the reference profile that holds the location (an object or a string); absent: profiles are not used. */
  readonly profileAttribute?: string;
  /** Record field holding the client's IP address (IPv4 or IPv6 text); absent: no IP lookup. */
  readonly ipField?: string;
  /** Prefix table for the IP lookup; the longest matching prefix wins. */
  readonly prefixes: readonly GeoPrefix[];
}

/**
 * Parses GEO_IP_PREFIXES: a JSON array of `{"cidr": "203.0.113.0/24", "location": {...}}` objects.
 *
 * A cidr with host bits set (`203.0.113.7/24`) is rejected rather than normalised, since it is more likely a
 * mistyped address or length than a deliberate network. Two entries for the same network are rejected even when
 * written differently (`2001:db8::/32` and `2001:DB8:0::/32`, or `203.0.113.0/24` and `::ffff:203.0.113.0/120`),
 * because only one of their locations could ever be returned. Other members of an entry are ignored.
 *
 * @throws ConfigError naming GEO_IP_PREFIXES and the index of the first bad entry.
 */
export function parseGeoPrefixes(json: string): GeoPrefix[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    throw new ConfigError(VARIABLE, `is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(parsed)) {
    throw new ConfigError(VARIABLE, 'must be a JSON array of {"cidr": "203.0.113.0/24", "location": {...}} objects');
  }
  const seen = new Map<string, number>();
  return parsed.map((raw: unknown, i: number) => {
    const where = `entry ${i}`;
    if (!isJsonObject(raw)) {
      throw new ConfigError(VARIABLE, `${where} must be an object with "cidr" and "location", got ${shown(raw)}`);
    }
    const cidr = ownField(raw, 'cidr');
    const location = ownField(raw, 'location');
    if (typeof cidr !== 'string') {
      throw new ConfigError(VARIABLE, `${where} must have a string "cidr" such as "203.0.113.0/24", got ${shown(cidr)}`);
    }
    const prefix = parseCidr(cidr);
    if (typeof prefix === 'string') {
      throw new ConfigError(VARIABLE, `${where} cidr "${cidr}" ${prefix}`);
    }
    if (!isJsonObject(location)) {
      throw new ConfigError(VARIABLE, `${where} (cidr "${cidr}") must have an object "location", got ${shown(location)}`);
    }
    const key = `${prefix.network}/${prefix.length}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new ConfigError(VARIABLE, `${where} cidr "${cidr}" is the same network as entry ${earlier}`);
    }
    seen.set(key, i);
    return { cidr, location };
  });
}

interface PrefixGroup {
  /** 2 to the power of the host bits: dividing an address by it leaves the network part. */
  readonly divisor: bigint;
  readonly networks: ReadonlyMap<bigint, JsonObject>;
  /**
   * The group's networks inside the IPv4 range, keyed by the IPv4 address divided by `divisor`, so that dotted
   * addresses (most of them) are matched in plain numbers, not BigInt; absent when the prefixes are shorter than the
   * IPv4 range itself (/96), as only ::/0 and the like are.
   */
  readonly ipv4?: { readonly divisor: number; readonly networks: ReadonlyMap<number, JsonObject> };
}

/**
 * A compiled matcher: built once at cold start. A lookup costs one map probe per distinct prefix length in the
 * table, longest first, so the first hit is the longest match.
 */
export class PrefixMatcher {
  private readonly groups: readonly PrefixGroup[];

  /** @throws Error for a cidr that parseGeoPrefixes would reject, including a repeated network. */
  constructor(prefixes: readonly GeoPrefix[]) {
    const byLength = new Map<number, Map<bigint, JsonObject>>();
    for (const { cidr, location } of prefixes) {
      const prefix = parseCidr(cidr);
      if (typeof prefix === 'string') {
        throw new Error(`PrefixMatcher: cidr "${cidr}" ${prefix}`);
      }
      const networks = byLength.get(prefix.length) ?? new Map<bigint, JsonObject>();
      byLength.set(prefix.length, networks);
      const network = prefix.network / hostDivisor(prefix.length);
      if (networks.has(network)) {
        throw new Error(`PrefixMatcher: cidr "${cidr}" is the same network as an earlier prefix`);
      }
      networks.set(network, location);
    }
    this.groups = [...byLength]
      .sort(([a], [b]) => b - a)
      .map(([length, networks]) => ({ divisor: hostDivisor(length), networks, ipv4: ipv4Networks(length, networks) }));
  }

  /**
   * The location of the longest prefix containing ip, or undefined; undefined for text that is not an IP address.
   * An IPv4-mapped IPv6 address (`::ffff:203.0.113.7`) is the IPv4 address it maps, so IPv4 prefixes match it.
   */
  match(ip: string): JsonObject | undefined {
    const ipv4 = dottedIpv4Value(ip);
    if (ipv4 !== undefined) {
      return this.matchIpv4(ipv4);
    }
    return ipVersion(ip) === 6 ? this.matchAddress(ipv6Value(ip)) : undefined;
  }

  private matchIpv4(address: number): JsonObject | undefined {
    for (const { divisor, networks, ipv4 } of this.groups) {
      const location = ipv4 !== undefined
        ? ipv4.networks.get(Math.floor(address / ipv4.divisor))
        : networks.get((IPV4_MAPPED_BASE + BigInt(address)) / divisor);
      if (location !== undefined) {
        return location;
      }
    }
    return undefined;
  }

  private matchAddress(address: bigint): JsonObject | undefined {
    for (const { divisor, networks } of this.groups) {
      const location = networks.get(address / divisor);
      if (location !== undefined) {
        return location;
      }
    }
    return undefined;
  }
}

function ipv4Networks(length: number, networks: ReadonlyMap<bigint, JsonObject>): PrefixGroup['ipv4'] {
  if (length < IPV4_RANGE_LENGTH) {
    return undefined;
  }
  const divisor = hostDivisor(length);
  const first = IPV4_MAPPED_BASE / divisor;
  const end = (IPV4_MAPPED_BASE + 2n ** BigInt(IPV4_BITS)) / divisor;
  const inRange = [...networks].filter(([network]) => network >= first && network < end);
  return {
    divisor: Number(divisor),
    networks: new Map(inRange.map(([network, location]) => [Number(network - first), location])),
  };
}

/**
 * geo_location of a record, always an object or null so that the output column has one type:
 * - the profile's `config.profileAttribute` when that is an object (passed through, not copied, as profiles are) or
 *   a non-empty string (wrapped as `{ "name": value }`);
 * - else, when `config.ipField` is set and the record's field there is a string, the location of the longest
 *   matching prefix;
 * - else null. A value that is not an IP address just finds no match: it is client data, not configuration.
 */
export function deriveGeoLocation(
  record: JsonObject,
  profile: JsonObject | null | undefined,
  config: GeoConfig,
  matcher: PrefixMatcher,
): JsonObject | null {
  if (config.profileAttribute !== undefined && profile !== null && profile !== undefined) {
    const value = ownField(profile, config.profileAttribute);
    if (isJsonObject(value)) {
      return value;
    }
    if (typeof value === 'string' && value !== '') {
      return { name: value };
    }
  }
  if (config.ipField !== undefined) {
    const ip = ownField(record, config.ipField);
    if (typeof ip === 'string') {
      return matcher.match(ip) ?? null;
    }
  }
  return null;
}

// All addresses live in one 128-bit space, IPv4 ones at ::ffff:0:0/96 as RFC 4291 maps them, so that a dotted and
// an IPv4-mapped address are the same number. A consequence: an IPv6 prefix covering that range, such as ::/0,
// also covers IPv4 addresses, though any IPv4 prefix that matches is longer and wins.
const ADDRESS_BITS = 128;
const IPV4_BITS = 32;
const IPV4_MAPPED_BASE = 0xffff_0000_0000n;
/** The first prefix length whose host part fits in an IPv4 address. */
const IPV4_RANGE_LENGTH = ADDRESS_BITS - IPV4_BITS;

interface Address {
  readonly value: bigint;
  /** Bits in the address as written: 32 for dotted IPv4, 128 for IPv6. */
  readonly bits: number;
}

interface Prefix {
  readonly network: bigint;
  /** Prefix length in the 128-bit space. */
  readonly length: number;
}

/** A prefix, or the problem with the text as a clause completing `cidr "..."`. */
function parseCidr(text: string): Prefix | string {
  const parts = text.split('/');
  if (parts.length !== 2) {
    return 'is not an address/prefix-length pair such as "203.0.113.0/24"';
  }
  const [addressText, lengthText] = parts;
  const address = parseAddress(addressText);
  if (address === undefined) {
    return `has "${addressText}", which is not an IPv4 or IPv6 address`;
  }
  const length = /^\d{1,3}$/.test(lengthText) ? Number(lengthText) : NaN;
  if (Number.isNaN(length) || length > address.bits) {
    return `has prefix length "${lengthText}", which is not an integer from 0 to ${address.bits}`;
  }
  const prefix = { network: address.value, length: length + ADDRESS_BITS - address.bits };
  if (prefix.network % hostDivisor(prefix.length) !== 0n) {
    return `has host bits set after the first ${length} bits`;
  }
  return prefix;
}

function parseAddress(text: string): Address | undefined {
  switch (ipVersion(text)) {
    case 4:
      return { value: IPV4_MAPPED_BASE + BigInt(ipv4Value(text)), bits: IPV4_BITS };
    case 6:
      return { value: ipv6Value(text), bits: ADDRESS_BITS };
    default:
      return undefined;
  }
}

/** 4 or 6 for an address of that family, 0 for anything else. */
function ipVersion(text: string): number {
  // A zone index ties a link-local address to one host's interface; such an address says nothing about place.
  return text.includes('%') ? 0 : isIP(text);
}

/** Only for text that isIP accepted as IPv4: four decimal octets. */
function ipv4Value(text: string): number {
  return dottedIpv4Value(text)!;
}

/**
 * The value of a dotted IPv4 address, with exactly the syntax isIP accepts (four decimal octets up to 255, no
 * leading zeros), else undefined. Most client addresses are IPv4, and isIP's regular expression costs more than
 * the rest of a lookup.
 */
export function dottedIpv4Value(text: string): number | undefined {
  if (text.length < 7 || text.length > 15) {
    return undefined;
  }
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === DOT) {
      if (digits === 0 || ++dots > 3) {
        return undefined;
      }
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else if (code >= ZERO && code <= NINE && !(digits === 1 && octet === 0)) {
      octet = octet * 10 + code - ZERO;
      digits++;
      if (octet > 255) {
        return undefined;
      }
    } else {
      return undefined;
    }
  }
  return dots === 3 && digits > 0 ? value * 256 + octet : undefined;
}

const DOT = '.'.charCodeAt(0);
const ZERO = '0'.charCodeAt(0);
const NINE = '9'.charCodeAt(0);

/** Only for text that isIP accepted as IPv6: at most one `::`, and a dotted IPv4 tail only as the last group. */
function ipv6Value(text: string): bigint {
  const words = (part: string): number[] => part === '' ? [] : part.split(':').flatMap((group) => {
    if (!group.includes('.')) {
      return [parseInt(group, 16)];
    }
    const ipv4 = ipv4Value(group);
    return [Math.floor(ipv4 / 0x1_0000), ipv4 % 0x1_0000];
  });
  const [head, tail] = text.split('::');
  const left = words(head);
  const right = tail === undefined ? [] : words(tail);
  const zeros = new Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...zeros, ...right].reduce((value, word) => value * 0x1_0000n + BigInt(word), 0n);
}

function hostDivisor(length: number): bigint {
  return 2n ** BigInt(ADDRESS_BITS - length);
}

function shown(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}
