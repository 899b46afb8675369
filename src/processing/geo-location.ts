import { isIP } from 'net';
import { FieldType, RecordSchema } from '../schema/record-schema';

/** One row of the IP prefix table: records whose address falls in `cidr` get `location`. */
export interface GeoIpPrefix {
  /** An IPv4 or IPv6 network, e.g. `203.0.113.0/24` or `2001:db8::/32`, without host bits set. */
  readonly cidr: string;
  /** The location written to `geo_location`, e.g. `{ "country": "NZ", "city": "Wellington" }`. */
  readonly location: { [key: string]: any };
}

/**
 * Derivation of `geo_location`, an object or null. The profile's attribute wins when it holds an object (passed
 * on) or a non-empty string (written as `{ "name": <string> }`); otherwise the record's IP address is looked up in
 * the prefix table, longest prefix first (IPv4, IPv6 and IPv4-mapped IPv6); otherwise null.
 */
export interface GeoLocationOptions {
  /**
   * The attribute of the reference profile that holds the user's location. Needs `referenceData`.
   *
   * @default - the profile is not used
   */
  readonly profileAttribute?: string;
  /**
   * The string field of the record schema that holds the client's IP address. Needs `ipPrefixes`.
   *
   * @default - no IP lookup
   */
  readonly ipField?: string;
  /**
   * The prefix table for the IP lookup. It travels in the function's environment, which Lambda limits to 4 KB in
   * all, so it suits tens of prefixes (e.g. your offices, regions or partner networks), not a full GeoIP database.
   *
   * @default - none
   */
  readonly ipPrefixes?: GeoIpPrefix[];
}

/** Lambda's limit on all environment variables together; the prefix table may take half. */
const MAX_PREFIX_TABLE_BYTES = 2_048;

/** The handler's variables for geo_location, after checking the options against the schema and the limits. */
export function geoLocationEnvironment(options: GeoLocationOptions, schema: RecordSchema, hasReferenceData: boolean): Record<string, string> {
  const prop = (name: string) => `EnrichmentProcessorProps.geoLocation.${name}`;
  const environment: Record<string, string> = {};
  if (options.profileAttribute !== undefined) {
    if (!hasReferenceData || options.profileAttribute.trim() === '') {
      throw new Error(`Invalid ${prop('profileAttribute')}: "${options.profileAttribute}". Allowed: a non-empty attribute name, together with referenceData.`);
    }
    environment.GEO_PROFILE_ATTRIBUTE = options.profileAttribute;
  }
  const prefixes = options.ipPrefixes ?? [];
  if (options.ipField !== undefined) {
    const stringFields = schema.fields.filter(f => f.type === FieldType.STRING).map(f => f.name);
    if (!stringFields.includes(options.ipField)) {
      throw new Error(`Invalid ${prop('ipField')}: "${options.ipField}". Allowed: a string field of the record schema (${stringFields.join(', ')}).`);
    }
    if (prefixes.length === 0) {
      throw new Error(`Invalid ${prop('ipPrefixes')}: none. Allowed: at least one prefix when ipField is set.`);
    }
    const bad = prefixes.find(p => !isCidr(p.cidr));
    if (bad !== undefined) {
      throw new Error(`Invalid ${prop('ipPrefixes')}: cidr "${bad.cidr}". Allowed: an IPv4 or IPv6 address, "/", and a prefix length (e.g. 203.0.113.0/24).`);
    }
    const table = JSON.stringify(prefixes.map(p => ({ cidr: p.cidr, location: p.location })));
    if (Buffer.byteLength(table, 'utf8') > MAX_PREFIX_TABLE_BYTES) {
      throw new Error(`Invalid ${prop('ipPrefixes')}: ${Buffer.byteLength(table, 'utf8')} bytes as JSON. `
        + `Allowed: at most ${MAX_PREFIX_TABLE_BYTES} bytes, since Lambda limits the function's environment to 4 KB.`);
    }
    environment.GEO_IP_FIELD = options.ipField;
    environment.GEO_IP_PREFIXES = table;
  } else if (prefixes.length > 0) {
    throw new Error(`Invalid ${prop('ipPrefixes')}: given without ipField. Allowed: only together with ipField.`);
  }
  return environment;
}

/** The shape only; the handler checks host bits and duplicates at cold start with the same rules as at lookup. */
function isCidr(cidr: string): boolean {
  const [address, length, ...rest] = cidr.split('/');
  const version = isIP(address ?? '');
  return rest.length === 0 && version !== 0 && /^\d{1,3}$/.test(length ?? '') && Number(length) <= (version === 4 ? 32 : 128);
}
