import {
  ADMIN,
  createEvent,
  deleteEvent,
  ENDPOINT,
  OTHER_ENDPOINT,
  READER,
  readerRole,
  resourceProperties,
  roleArn,
  SAMPLE_CONFIGURATION,
  updateEvent,
  WRITER,
  writerRole,
} from './fixtures';
import { Connection, handleEvent, Log, NEW_DOMAIN_AUTH_RETRY_MS, physicalResourceId } from '../../../lambda-src/search-domain-access/apply';
import { ConfigurationError } from '../../../lambda-src/search-domain-access/config';
import { createSecurityApi } from '../../../lambda-src/search-domain-access/security-api';
import { TEST_CREDENTIALS, TEST_REGION } from '../../support/emulator';
import { FakeSecurityApi, MASTER_ROLE_ARN } from '../../support/opensearch-security-api';

const FOREIGN = roleArn('someone-elses');
const ID = physicalResourceId(ENDPOINT);
const WRITER_V2 = roleArn('clicks-firehose-delivery-v2');
const ADMIN_V2 = roleArn('search-admins-v2');

/** The sample with the reader role gone, the writer's backend role changed, and all_access given to another admin role. */
const UPDATED_CONFIGURATION = {
  roles: [{ ...writerRole, backendRoles: [WRITER_V2] }],
  builtInMappings: [{ role: 'all_access', backendRoles: [ADMIN_V2] }],
};

interface LogLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly attributes: Record<string, unknown>;
}

let domains: Record<string, FakeSecurityApi>;
let lines: LogLine[];
let connections: Connection[];

beforeEach(async () => {
  domains = { [ENDPOINT]: await FakeSecurityApi.start(), [OTHER_ENDPOINT]: await FakeSecurityApi.start() };
  lines = [];
  connections = [];
});

afterEach(async () => {
  await Promise.all(Object.values(domains).map((fake) => fake.close()));
});

const log: Log = {
  info: (message, attributes) => lines.push({ level: 'info', message, attributes }),
  warn: (message, attributes) => lines.push({ level: 'warn', message, attributes }),
  error: (message, attributes) => lines.push({ level: 'error', message, attributes }),
};

/** Connects each endpoint to its fake domain over http, on a clock that only moves when the client sleeps. */
function deps(deadlineMs?: number) {
  let now = 0;
  return {
    log,
    connect: (connection: Connection) => {
      connections.push(connection);
      return createSecurityApi({
        ...connection,
        endpoint: '127.0.0.1',
        port: domains[connection.endpoint].port,
        protocol: 'http',
        region: TEST_REGION,
        credentials: async () => TEST_CREDENTIALS,
        deadlineMs,
        now: () => now,
        sleep: async (ms) => {
          now += ms;
        },
      });
    },
  };
}

const store = (endpoint = ENDPOINT) => domains[endpoint].store;
const mapping = (role: string, endpoint = ENDPOINT) => store(endpoint).mappings.get(role);
const linesAt = (level: LogLine['level']) => lines.filter((l) => l.level === level);

describe('handleEvent', () => {
  test('creates, updates and deletes the configuration on a domain others also configure', async () => {
    // Someone gave all_access to a user, a host and another role before us.
    store().mappings.set('all_access', {
      ...mapping('all_access'), backend_roles: [MASTER_ROLE_ARN, FOREIGN], users: ['alice'], hosts: ['10.0.0.1'], description: 'Full access',
    });
    const created = resourceProperties(SAMPLE_CONFIGURATION);
    const updated = resourceProperties(UPDATED_CONFIGURATION);

    expect(await handleEvent(createEvent(created), deps())).toEqual({ PhysicalResourceId: `security-configuration:${ENDPOINT}` });

    expect(store().roles.get('clicks_writer')).toEqual(expect.objectContaining({
      cluster_permissions: ['cluster_composite_ops', 'cluster_monitor'],
      index_permissions: [{ index_patterns: ['clicks-*'], allowed_actions: ['create_index', 'crud'] }],
    }));
    expect(mapping('clicks_writer')?.backend_roles).toEqual([WRITER]);
    expect(mapping('clicks_reader')?.backend_roles).toEqual([READER]);
    expect(mapping('all_access')).toEqual({
      reserved: false,
      hidden: false,
      and_backend_roles: [],
      users: ['alice'],
      hosts: ['10.0.0.1'],
      description: 'Full access',
      backend_roles: [ADMIN, MASTER_ROLE_ARN, FOREIGN].sort(),
    });
    expect(mapping('security_manager')?.backend_roles).toEqual([ADMIN, MASTER_ROLE_ARN].sort());
    expect(connections.map((c) => [c.endpoint, c.authRetryWindowMs])).toEqual([[ENDPOINT, NEW_DOMAIN_AUTH_RETRY_MS]]);
    expect(linesAt('info').map((l) => [l.attributes.role, l.message, l.attributes.status])).toEqual([
      ['clicks_writer', 'Role defined', 201],
      ['clicks_writer', 'Role mapped to exactly its backend roles', 201],
      ['clicks_reader', 'Role defined', 201],
      ['clicks_reader', 'Role mapped to exactly its backend roles', 201],
      ['all_access', 'Built-in role mapping updated, keeping the backend roles, users and hosts that others put there', 200],
      ['security_manager', 'Built-in role mapping updated, keeping the backend roles, users and hosts that others put there', 200],
    ]);
    expect(linesAt('info')[4].attributes).toEqual({
      endpoint: ENDPOINT, role: 'all_access', method: 'PUT', path: '/_plugins/_security/api/rolesmapping/all_access', status: 200, added: [ADMIN], removed: [],
    });

    lines = [];
    expect(await handleEvent(updateEvent(updated, created, ID), deps())).toEqual({ PhysicalResourceId: ID });

    expect(store().roles.has('clicks_reader')).toBe(false);
    expect(mapping('clicks_reader')).toBeUndefined();
    expect(mapping('clicks_writer')?.backend_roles).toEqual([WRITER_V2]);
    expect(mapping('all_access')).toEqual(expect.objectContaining({ backend_roles: [ADMIN_V2, MASTER_ROLE_ARN, FOREIGN].sort(), users: ['alice'], hosts: ['10.0.0.1'] }));
    expect(mapping('security_manager')?.backend_roles).toEqual([MASTER_ROLE_ARN]);
    expect(connections[1].authRetryWindowMs).toBe(0);
    expect(linesAt('info').map((l) => [l.attributes.role, l.message, l.attributes.status])).toEqual([
      ['clicks_writer', 'Role defined', 200],
      ['clicks_writer', 'Role mapped to exactly its backend roles', 200],
      ['all_access', 'Built-in role mapping updated, keeping the backend roles, users and hosts that others put there', 200],
      ['security_manager', 'Built-in role mapping updated, keeping the backend roles, users and hosts that others put there', 200],
      ['clicks_reader', 'Role mapping removed', 200],
      ['clicks_reader', 'Role removed', 200],
    ]);

    lines = [];
    expect(await handleEvent(deleteEvent(updated, ID), deps())).toEqual({ PhysicalResourceId: ID });

    expect([...store().roles.keys()].sort()).toEqual(['all_access', 'readall', 'security_manager']);
    expect([...store().mappings.keys()].sort()).toEqual(['all_access', 'security_manager']);
    expect(mapping('all_access')).toEqual(expect.objectContaining({ backend_roles: [MASTER_ROLE_ARN, FOREIGN].sort(), users: ['alice'], hosts: ['10.0.0.1'] }));
    expect(mapping('security_manager')?.backend_roles).toEqual([MASTER_ROLE_ARN]);
    expect(lines.filter((l) => l.level !== 'info')).toEqual([]);
    expect(domains[ENDPOINT].requests.every((r) => r.outcome !== 403 && r.outcome !== 400)).toBe(true);
    expect(domains[OTHER_ENDPOINT].requests).toEqual([]);
  });

  test('configures a new endpoint as a new domain, removing nothing there, and leaves the old one to its Delete', async () => {
    const old = resourceProperties(SAMPLE_CONFIGURATION);
    await handleEvent(createEvent(old), deps());
    const moved = resourceProperties(UPDATED_CONFIGURATION, OTHER_ENDPOINT);
    const requestsBefore = domains[ENDPOINT].requests.length;

    expect(await handleEvent(updateEvent(moved, old, ID), deps())).toEqual({ PhysicalResourceId: physicalResourceId(OTHER_ENDPOINT) });

    expect(domains[ENDPOINT].requests.length).toBe(requestsBefore);
    expect(domains[OTHER_ENDPOINT].requests.map((r) => r.method)).not.toContain('DELETE');
    expect(mapping('clicks_writer', OTHER_ENDPOINT)?.backend_roles).toEqual([WRITER_V2]);
    expect(mapping('all_access', OTHER_ENDPOINT)?.backend_roles).toEqual([ADMIN_V2, MASTER_ROLE_ARN].sort());
    expect(connections[1]).toEqual(expect.objectContaining({ endpoint: OTHER_ENDPOINT, authRetryWindowMs: NEW_DOMAIN_AUTH_RETRY_MS }));

    // CloudFormation then deletes the replaced resource, with its old properties.
    await handleEvent(deleteEvent(old, ID), deps());

    expect(store().roles.has('clicks_writer')).toBe(false);
    expect(mapping('all_access')?.backend_roles).toEqual([MASTER_ROLE_ARN]);
    expect(store(OTHER_ENDPOINT).roles.has('clicks_writer')).toBe(true);
  });

  test('fails a Create with an invalid configuration before sending anything, naming the property', async () => {
    const properties = resourceProperties({ ...SAMPLE_CONFIGURATION, roles: [{ ...readerRole, backendRoles: ['dashboards'] }] });
    const message = 'Configuration.roles[0].backendRoles must list IAM role ARNs such as "arn:aws:iam::123456789012:role/name", got "dashboards"';

    const result = handleEvent(createEvent(properties), deps());

    await expect(result).rejects.toThrow(new Error(message));
    await expect(result).rejects.toBeInstanceOf(ConfigurationError);

    expect(domains[ENDPOINT].requests).toEqual([]);
    expect(linesAt('error')).toEqual([{
      level: 'error',
      message: 'Security configuration not applied; CloudFormation reports the resource failed',
      attributes: { requestType: 'Create', error: message },
    }]);
  });

  test('fails a Create the domain refuses, with the request and the answer, once 403 no longer counts as a new domain\'s delay', async () => {
    const properties = resourceProperties({ roles: [{ ...readerRole, name: 'readall' }], builtInMappings: [] });

    await expect(handleEvent(createEvent(properties), deps())).rejects.toThrow(
      'PUT /_plugins/_security/api/roles/readall answered 403: {"status":"FORBIDDEN","message":"Resource \'readall\' is reserved."}',
    );
    expect(linesAt('warn').length).toBeGreaterThan(5);
    expect(linesAt('warn')[0]).toEqual({
      level: 'warn',
      message: 'Retrying after a transient failure',
      attributes: {
        endpoint: ENDPOINT,
        reason: 'PUT /_plugins/_security/api/roles/readall answered 403: {"status":"FORBIDDEN","message":"Resource \'readall\' is reserved."}',
        delayMs: expect.any(Number),
      },
    });
  });

  test('waits on a new domain that does not yet trust its master role', async () => {
    domains[ENDPOINT].injectFaults({ status: 403 }, { status: 401 }, { status: 403 });

    await handleEvent(createEvent(resourceProperties(SAMPLE_CONFIGURATION)), deps());

    expect(domains[ENDPOINT].requests.slice(0, 4).map((r) => r.outcome)).toEqual([403, 401, 403, 200]);
    expect(mapping('clicks_reader')?.backend_roles).toEqual([READER]);
    expect(linesAt('warn').length).toBe(3);
  });

  test('does not wait out 403 on an update of the same domain', async () => {
    const properties = resourceProperties(SAMPLE_CONFIGURATION);
    domains[ENDPOINT].injectFaults({ status: 403 });

    await expect(handleEvent(updateEvent(properties, properties, ID), deps())).rejects.toThrow(
      'GET /_plugins/_security/api/rolesmapping/all_access answered 403: {"message":"injected fault 403"}',
    );
    expect(domains[ENDPOINT].requests.length).toBe(1);
  });

  test('rolls back an update whose configuration was rejected, removing nothing the rejected one named', async () => {
    const good = resourceProperties(SAMPLE_CONFIGURATION);
    await handleEvent(createEvent(good), deps());
    const rejected = { ...good, Configuration: JSON.stringify({ ...SAMPLE_CONFIGURATION, roles: [{ ...writerRole, name: 'bad name' }] }) };
    lines = [];

    // CloudFormation's rollback: the rejected properties are now the old ones.
    expect(await handleEvent(updateEvent(good, rejected, ID), deps())).toEqual({ PhysicalResourceId: ID });

    expect(domains[ENDPOINT].requests.map((r) => r.method)).not.toContain('DELETE');
    expect(store().roles.has('clicks_reader')).toBe(true);
    expect(linesAt('warn')).toEqual([{
      level: 'warn',
      message: 'Previous configuration is invalid, so nothing it defined is removed; it cannot have been applied',
      attributes: { error: 'Configuration.roles[0].name must be 1 to 128 letters, digits, "_", "." or "-", got "bad name"' },
    }]);
  });

  test('fails on a built-in mapping it cannot read rather than writing it back blind', async () => {
    const properties = resourceProperties(SAMPLE_CONFIGURATION);
    domains[ENDPOINT].injectFaults({ status: 200, body: '{"unexpected":true}' });

    await expect(handleEvent(createEvent(properties), deps())).rejects.toThrow('The mapping of role "all_access" has an unexpected form: {"unexpected":true}');
    expect(domains[ENDPOINT].requests.map((r) => r.method)).toEqual(['GET']);
  });

  test('deletes what it can, logging each failure, and still succeeds', async () => {
    const properties = resourceProperties(SAMPLE_CONFIGURATION);
    await handleEvent(createEvent(properties), deps());
    lines = [];
    // The all_access read fails; then the security_manager read and the first DELETE meet a broken connection.
    domains[ENDPOINT].injectFaults({ status: 400, body: 'no' }, { status: 503 }, 'reset', { status: 500 });

    expect(await handleEvent(deleteEvent(properties, ID), deps())).toEqual({ PhysicalResourceId: ID });

    expect(linesAt('error')).toEqual([
      {
        level: 'error',
        message: 'Security configuration change failed while deleting; it stays on the domain',
        attributes: {
          endpoint: ENDPOINT,
          role: 'all_access',
          change: 'Built-in role mapping not read, so our backend roles stay in it',
          error: 'GET /_plugins/_security/api/rolesmapping/all_access answered 400: no',
        },
      },
      {
        level: 'error',
        message: 'Delete reported successful although 1 change(s) failed, so as not to block the stack; if the domain remains, undo them by hand',
        attributes: { endpoint: ENDPOINT, failures: 1 },
      },
    ]);
    expect(mapping('all_access')?.backend_roles).toEqual([ADMIN, MASTER_ROLE_ARN].sort());
    expect(mapping('security_manager')?.backend_roles).toEqual([MASTER_ROLE_ARN]);
    expect(store().roles.has('clicks_writer')).toBe(false);
    expect(store().roles.has('clicks_reader')).toBe(false);
    expect(linesAt('warn').map((l) => l.attributes.reason)).toEqual([
      'GET /_plugins/_security/api/rolesmapping/security_manager answered 503: {"message":"injected fault 503"}',
      expect.stringMatching(/^GET \/_plugins\/_security\/api\/rolesmapping\/security_manager failed: .+ \(ECONNRESET\)$/),
      'GET /_plugins/_security/api/rolesmapping/security_manager answered 500: {"message":"injected fault 500"}',
    ]);
  });

  test('succeeds a Delete of a domain that no longer answers, within the deadline, logging every change left undone', async () => {
    const properties = resourceProperties(SAMPLE_CONFIGURATION);
    await handleEvent(createEvent(properties), deps());
    lines = [];
    domains[ENDPOINT].injectFaults(...Array.from({ length: 500 }, () => ({ status: 503 })));

    await handleEvent(deleteEvent(properties, ID), deps(10_000));

    const failed = linesAt('error').slice(0, -1);
    expect(failed.map((l) => [l.attributes.role, l.attributes.method ?? 'GET'])).toEqual([
      ['all_access', 'GET'],
      ['security_manager', 'GET'],
      ['clicks_writer', 'DELETE'],
      ['clicks_writer', 'DELETE'],
      ['clicks_reader', 'DELETE'],
      ['clicks_reader', 'DELETE'],
    ]);
    for (const { attributes } of failed) {
      // Near the deadline a request may only wait for what is left of it, which a loaded machine can exceed.
      expect(attributes.error).toMatch(
        /(answered 503: .+|failed: no response within \d+ ms \(ETIMEDOUT\)) \(gave up after \d+ attempts: the next would start after the deadline of 10000 ms\)$/);
    }
    expect(linesAt('error').at(-1)?.attributes).toEqual({ endpoint: ENDPOINT, failures: 6 });
    // Retries stop at the deadline, shared by all the calls: later calls get one attempt each.
    expect(domains[ENDPOINT].requests.filter((r) => r.outcome === 503).length).toBeLessThan(25);
  });

  test('succeeds a Delete whose properties are invalid, logging that nothing was removed', async () => {
    const properties = { ...resourceProperties(SAMPLE_CONFIGURATION), Endpoint: 'https://vpc-clicks' };

    expect(await handleEvent(deleteEvent(properties, 'security-configuration:https://vpc-clicks'), deps())).toEqual({
      PhysicalResourceId: 'security-configuration:https://vpc-clicks',
    });
    expect(linesAt('error').map((l) => l.message)).toEqual([
      'Security configuration NOT removed: its properties are invalid; whatever it applied stays on the domain',
    ]);
    expect(connections).toEqual([]);
  });
});
