import { FieldType, RecordSchema } from '../../src';
import { functionEnvironment, processorStack } from '../support/stack';

const withIp = RecordSchema.fromFields([...RecordSchema.seedEvent().fields, { name: 'client_ip', type: FieldType.STRING }]);
const PREFIXES = [{ cidr: '203.0.113.0/24', location: { country: 'NZ' } }, { cidr: '2001:db8::/32', location: { country: 'IE' } }];

describe('EnrichmentProcessor geo_location', () => {
  test('off by default', () => {
    expect(Object.keys(functionEnvironment(processorStack().template)).filter(name => name.startsWith('GEO_'))).toEqual([]);
  });

  test('passes the profile attribute, the IP field and the prefix table to the handler', () => {
    const { template } = processorStack({
      recordSchema: withIp,
      referenceData: {},
      geoLocation: { profileAttribute: 'home', ipField: 'client_ip', ipPrefixes: PREFIXES },
    });

    expect(functionEnvironment(template)).toEqual(expect.objectContaining({
      GEO_PROFILE_ATTRIBUTE: 'home',
      GEO_IP_FIELD: 'client_ip',
      GEO_IP_PREFIXES: JSON.stringify(PREFIXES),
    }));
  });

  test.each([
    [{ geoLocation: { profileAttribute: 'home' } },
      'Invalid EnrichmentProcessorProps.geoLocation.profileAttribute: "home". Allowed: a non-empty attribute name, together with referenceData.'],
    [{ recordSchema: withIp, geoLocation: { ipField: 'client_ip' } },
      'Invalid EnrichmentProcessorProps.geoLocation.ipPrefixes: none. Allowed: at least one prefix when ipField is set.'],
    [{ geoLocation: { ipField: 'metadata', ipPrefixes: PREFIXES } },
      'Invalid EnrichmentProcessorProps.geoLocation.ipField: "metadata". Allowed: a string field of the record schema (event_id, event_type, user_id, page).'],
    [{ geoLocation: { ipPrefixes: PREFIXES } },
      'Invalid EnrichmentProcessorProps.geoLocation.ipPrefixes: given without ipField. Allowed: only together with ipField.'],
    [{ recordSchema: withIp, geoLocation: { ipField: 'client_ip', ipPrefixes: [{ cidr: '203.0.113.0/33', location: {} }] } },
      'Invalid EnrichmentProcessorProps.geoLocation.ipPrefixes: cidr "203.0.113.0/33". Allowed: an IPv4 or IPv6 address, "/", and a prefix length (e.g. 203.0.113.0/24).'],
    [{ recordSchema: withIp, geoLocation: { ipField: 'client_ip', ipPrefixes: [{ cidr: 'office', location: {} }] } },
      'Invalid EnrichmentProcessorProps.geoLocation.ipPrefixes: cidr "office".'],
  ])('rejects %p', (options, message) => {
    expect(() => processorStack(options)).toThrow(message);
  });

  test('rejects a prefix table too large for the function environment', () => {
    const ipPrefixes = Array.from({ length: 40 }, (_, i) => ({ cidr: `10.${i}.0.0/16`, location: { site: `site number ${i} of many` } }));

    expect(() => processorStack({ recordSchema: withIp, geoLocation: { ipField: 'client_ip', ipPrefixes } }))
      .toThrow(/^Invalid EnrichmentProcessorProps\.geoLocation\.ipPrefixes: \d+ bytes as JSON\. Allowed: at most 2048 bytes/);
  });
});
