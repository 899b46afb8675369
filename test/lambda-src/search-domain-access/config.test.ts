import { ADMIN, ENDPOINT, READER, readerRole, resourceProperties, roleArn, SAMPLE_CONFIGURATION, WRITER, writerRole } from './fixtures';
import { ConfigurationError, parseResourceProperties } from '../../../lambda-src/search-domain-access/config';

/** The sample configuration with `change` applied to a deep copy of it. */
function sampleWith(change: (configuration: any) => void): Record<string, string> {
  const configuration = structuredClone(SAMPLE_CONFIGURATION);
  change(configuration);
  return resourceProperties(configuration);
}

function parseError(properties: Record<string, unknown>): ConfigurationError {
  try {
    parseResourceProperties(properties);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigurationError);
    return err as ConfigurationError;
  }
  throw new Error('expected a ConfigurationError');
}

describe('parseResourceProperties', () => {
  test('reads the endpoint and the configuration, with every list sorted', () => {
    expect(parseResourceProperties(resourceProperties(SAMPLE_CONFIGURATION))).toEqual({
      endpoint: ENDPOINT,
      configuration: {
        roles: [
          {
            name: 'clicks_writer',
            clusterPermissions: ['cluster_composite_ops', 'cluster_monitor'],
            indexPermissions: [{ indexPatterns: ['clicks-*'], allowedActions: ['create_index', 'crud'] }],
            backendRoles: [WRITER],
          },
          {
            name: 'clicks_reader',
            clusterPermissions: ['cluster_composite_ops_ro'],
            indexPermissions: [{ indexPatterns: ['clicks-*'], allowedActions: ['read'] }],
            backendRoles: [READER],
          },
        ],
        builtInMappings: [{ role: 'all_access', backendRoles: [ADMIN] }, { role: 'security_manager', backendRoles: [ADMIN] }],
      },
    });
  });

  test('drops duplicates from lists, keeping the order of roles and index permissions as given', () => {
    const properties = resourceProperties({
      roles: [{
        name: 'b.role',
        clusterPermissions: [],
        indexPermissions: [
          { indexPatterns: ['z-*', 'a-*', 'z-*'], allowedActions: ['read', 'read'] },
          { indexPatterns: ['a-*'], allowedActions: ['write'] },
        ],
        backendRoles: [WRITER, READER, WRITER],
      }, { ...readerRole, name: 'a-role' }],
      builtInMappings: [{ role: 'all_access', backendRoles: [ADMIN, ADMIN] }],
    });

    const { configuration } = parseResourceProperties(properties);

    expect(configuration.roles.map((r) => r.name)).toEqual(['b.role', 'a-role']);
    expect(configuration.roles[0].indexPermissions).toEqual([
      { indexPatterns: ['a-*', 'z-*'], allowedActions: ['read'] },
      { indexPatterns: ['a-*'], allowedActions: ['write'] },
    ]);
    expect(configuration.roles[0].backendRoles).toEqual([READER, WRITER].sort());
    expect(configuration.builtInMappings[0].backendRoles).toEqual([ADMIN]);
  });

  test('accepts an empty configuration, roles without backend roles, and role ARNs with paths or in other partitions', () => {
    expect(parseResourceProperties(resourceProperties({ roles: [], builtInMappings: [] })).configuration).toEqual({ roles: [], builtInMappings: [] });
    const arns = ['arn:aws-cn:iam::123456789012:role/service-role/x', 'arn:aws-us-gov:iam::123456789012:role/a/b/c'];
    const properties = resourceProperties({ roles: [{ ...writerRole, backendRoles: [] }], builtInMappings: [{ role: 'all_access', backendRoles: arns }] });

    const { configuration } = parseResourceProperties(properties);

    expect(configuration.roles[0].backendRoles).toEqual([]);
    expect(configuration.builtInMappings[0].backendRoles).toEqual(arns);
  });

  test('ignores the properties CloudFormation adds', () => {
    const properties = { ...resourceProperties(SAMPLE_CONFIGURATION), ServiceTimeout: '300' };

    expect(parseResourceProperties(properties)).toEqual(parseResourceProperties(resourceProperties(SAMPLE_CONFIGURATION)));
  });

  test.each<[string, unknown]>([
    ['a URL', `https://${ENDPOINT}`],
    ['a host with a port', `${ENDPOINT}:443`],
    ['a host with a path', `${ENDPOINT}/`],
    ['empty', ''],
    ['a host with an empty label', 'vpc-clicks..es.amazonaws.com'],
    ['a host with a label ending in "-"', 'vpc-clicks-.es.amazonaws.com'],
    ['missing', undefined],
    ['not a string', 42],
  ])('rejects an Endpoint that is %s', (_description, endpoint) => {
    const error = parseError({ ...resourceProperties(SAMPLE_CONFIGURATION), Endpoint: endpoint });

    expect(error.property).toBe('Endpoint');
    expect(error.message).toBe(
      `Endpoint must be the domain endpoint's host name without scheme, port or path, such as "vpc-clicks-abc.us-east-1.es.amazonaws.com", got ${JSON.stringify(endpoint)}`,
    );
  });

  test.each<[string, unknown, string]>([
    ['not a string', { roles: [] }, 'Configuration must be the JSON text of the security configuration, got {"roles":[]}'],
    ['missing', undefined, 'Configuration must be the JSON text of the security configuration, got undefined'],
    ['JSON of an array', '[]', 'Configuration must be an object with roles, builtInMappings, got []'],
    ['JSON of null', 'null', 'Configuration must be an object with roles, builtInMappings, got null'],
  ])('rejects a Configuration that is %s', (_description, configuration, message) => {
    expect(parseError({ Endpoint: ENDPOINT, Configuration: configuration }).message).toBe(message);
  });

  test('rejects a Configuration that is not JSON, saying why', () => {
    expect(parseError({ Endpoint: ENDPOINT, Configuration: '{"roles":' }).message).toMatch(/^Configuration is not valid JSON: .+/);
  });

  test.each<[string, (c: any) => void, string]>([
    ['roles that are null', (c) => Object.assign(c, { roles: null }), 'Configuration.roles must be an array, got null'],
    ['missing roles', (c) => delete c.roles, 'Configuration.roles must be an array, got undefined'],
    ['missing built-in mappings', (c) => delete c.builtInMappings, 'Configuration.builtInMappings must be an array, got undefined'],
    ['an unknown property', (c) => Object.assign(c, { role: [] }), 'Configuration has unknown property "role"; allowed are roles, builtInMappings'],
    [
      'a misspelt role property',
      (c) => Object.assign(c.roles[0], { backendRole: [] }),
      'Configuration.roles[0] has unknown property "backendRole"; allowed are name, clusterPermissions, indexPermissions, backendRoles',
    ],
    [
      'a role that is not an object',
      (c) => c.roles.push('clicks_admin'),
      'Configuration.roles[2] must be an object with name, clusterPermissions, indexPermissions, backendRoles, got "clicks_admin"',
    ],
    ['a role name with a space', (c) => (c.roles[1].name = 'clicks reader'), 'Configuration.roles[1].name must be 1 to 128 letters, digits, "_", "." or "-", got "clicks reader"'],
    ['a role name with a slash', (c) => (c.roles[0].name = 'a/b'), 'Configuration.roles[0].name must be 1 to 128 letters, digits, "_", "." or "-", got "a/b"'],
    ['an empty role name', (c) => (c.roles[0].name = ''), 'Configuration.roles[0].name must be 1 to 128 letters, digits, "_", "." or "-", got ""'],
    ['a missing role name', (c) => delete c.roles[0].name, 'Configuration.roles[0].name must be 1 to 128 letters, digits, "_", "." or "-", got undefined'],
    [
      'a role name of 129 characters',
      (c) => (c.roles[0].name = 'r'.repeat(129)),
      `Configuration.roles[0].name must be 1 to 128 letters, digits, "_", "." or "-", got "${'r'.repeat(129)}"`,
    ],
    ['a duplicate role', (c) => c.roles.push(c.roles[0]), 'Configuration.roles[2].name "clicks_writer" appears more than once'],
    [
      'a blank cluster permission',
      (c) => c.roles[0].clusterPermissions.push(' '),
      'Configuration.roles[0].clusterPermissions must be an array of permissions, each a non-blank string, got ["cluster_monitor","cluster_composite_ops"," "]',
    ],
    [
      'cluster permissions that are not an array',
      (c) => (c.roles[0].clusterPermissions = 'cluster_monitor'),
      'Configuration.roles[0].clusterPermissions must be an array of permissions, each a non-blank string, got "cluster_monitor"',
    ],
    [
      'a role that grants nothing',
      (c) => Object.assign(c.roles[1], { clusterPermissions: [], indexPermissions: [] }),
      'Configuration.roles[1] ("clicks_reader") must grant at least one cluster permission or index permission',
    ],
    ['no index patterns', (c) => (c.roles[0].indexPermissions[0].indexPatterns = []), 'Configuration.roles[0].indexPermissions[0].indexPatterns must list at least one index pattern'],
    ['no allowed actions', (c) => (c.roles[0].indexPermissions[0].allowedActions = []), 'Configuration.roles[0].indexPermissions[0].allowedActions must list at least one action'],
    [
      'an action that is not a string',
      (c) => c.roles[0].indexPermissions[0].allowedActions.push(7),
      'Configuration.roles[0].indexPermissions[0].allowedActions must be an array of actions, each a non-blank string, got ["crud","create_index",7]',
    ],
    [
      'an index permission with document-level security',
      (c) => Object.assign(c.roles[0].indexPermissions[0], { dls: '{}' }),
      'Configuration.roles[0].indexPermissions[0] has unknown property "dls"; allowed are indexPatterns, allowedActions',
    ],
    [
      'a backend role that is a user ARN',
      (c) => (c.roles[0].backendRoles = ['arn:aws:iam::123456789012:user/alice']),
      'Configuration.roles[0].backendRoles must list IAM role ARNs such as "arn:aws:iam::123456789012:role/name", got "arn:aws:iam::123456789012:user/alice"',
    ],
    [
      'a backend role that is an assumed-role session',
      (c) => (c.builtInMappings[0].backendRoles = ['arn:aws:sts::123456789012:assumed-role/admins/alice']),
      'Configuration.builtInMappings[0].backendRoles must list IAM role ARNs such as "arn:aws:iam::123456789012:role/name", got "arn:aws:sts::123456789012:assumed-role/admins/alice"',
    ],
    [
      'a backend role with a short account',
      (c) => (c.roles[1].backendRoles = ['arn:aws:iam::12345:role/x']),
      'Configuration.roles[1].backendRoles must list IAM role ARNs such as "arn:aws:iam::123456789012:role/name", got "arn:aws:iam::12345:role/x"',
    ],
    [
      'a backend role that is only a name',
      (c) => (c.roles[1].backendRoles = [roleArn('')]),
      'Configuration.roles[1].backendRoles must list IAM role ARNs such as "arn:aws:iam::123456789012:role/name", got "arn:aws:iam::123456789012:role/"',
    ],
    ['a built-in mapping without backend roles', (c) => (c.builtInMappings[1].backendRoles = []), 'Configuration.builtInMappings[1].backendRoles must list at least one IAM role ARN'],
    ['a built-in mapping of a bad role name', (c) => (c.builtInMappings[0].role = '*'), 'Configuration.builtInMappings[0].role must be 1 to 128 letters, digits, "_", "." or "-", got "*"'],
    [
      'a duplicate built-in mapping',
      (c) => c.builtInMappings.push({ role: 'all_access', backendRoles: [WRITER] }),
      'Configuration.builtInMappings[2].role "all_access" appears more than once',
    ],
    [
      'a role both owned and built in',
      (c) => c.builtInMappings.push({ role: 'clicks_reader', backendRoles: [WRITER] }),
      'Configuration.builtInMappings[2].role names "clicks_reader", which Configuration.roles also defines; a role is either owned or built in',
    ],
  ])('rejects a configuration with %s, naming the property', (_description, change, message) => {
    expect(parseError(sampleWith(change)).message).toBe(message);
  });

  test('takes a "__proto__" key for an unknown property, not for the prototype', () => {
    const text = JSON.stringify(SAMPLE_CONFIGURATION).replace('"roles":', '"__proto__":{"x":1},"roles":');

    expect(parseError({ Endpoint: ENDPOINT, Configuration: text }).message).toBe('Configuration has unknown property "__proto__"; allowed are roles, builtInMappings');
  });
});
