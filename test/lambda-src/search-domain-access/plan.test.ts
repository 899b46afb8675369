import * as fc from 'fast-check';
import { ADMIN, READER, readerRole, resourceProperties, roleArn, SAMPLE_CONFIGURATION, WRITER, writerRole } from './fixtures';
import { parseResourceProperties, SecurityConfiguration } from '../../../lambda-src/search-domain-access/config';
import {
  ApiCall,
  builtInRolesToRead,
  CurrentMappings,
  ExistingMapping,
  mappingPath,
  planConfiguration,
  planRemoval,
  readMapping,
  rolePath,
} from '../../../lambda-src/search-domain-access/plan';
import { BUILT_IN_ROLES, MASTER_ROLE_ARN, SecurityStore } from '../../support/opensearch-security-api';

/** Configurations as the handler sees them: parsed, so sorted and validated. */
const parsed = (configuration: unknown): SecurityConfiguration => parseResourceProperties(resourceProperties(configuration)).configuration;

const SAMPLE = parsed(SAMPLE_CONFIGURATION);
const FOREIGN = roleArn('someone-elses');

const existing = (backendRoles: string[], otherFields: Record<string, unknown> = {}): ExistingMapping => ({ backendRoles, otherFields });

/** The calls as method, path and body, the part that reaches the domain. */
const requests = (calls: readonly ApiCall[]) => calls.map(({ method, path, body }) => (body === undefined ? [method, path] : [method, path, body]));

describe('readMapping', () => {
  test('keeps every writable field and drops the read-only ones', () => {
    const body = {
      all_access: {
        reserved: false,
        hidden: false,
        static: false,
        backend_roles: [MASTER_ROLE_ARN, ADMIN],
        and_backend_roles: ['x'],
        hosts: ['10.0.0.1'],
        users: ['alice'],
        description: 'Admins',
      },
    };

    expect(readMapping('all_access', body)).toEqual({
      backendRoles: [MASTER_ROLE_ARN, ADMIN],
      otherFields: { and_backend_roles: ['x'], hosts: ['10.0.0.1'], users: ['alice'], description: 'Admins' },
    });
  });

  test('reads a mapping without backend roles as having none', () => {
    expect(readMapping('readall', { readall: { users: ['bob'] } })).toEqual({ backendRoles: [], otherFields: { users: ['bob'] } });
  });

  test.each<[string, string, unknown]>([
    ['another role\'s mapping', 'all_access', { security_manager: { backend_roles: [] } }],
    ['an inherited member rather than the role', 'constructor', {}],
    ['a mapping that is not an object', 'all_access', { all_access: [] }],
    ['backend roles that are not a list', 'all_access', { all_access: { backend_roles: ADMIN } }],
    ['backend roles that are not strings', 'all_access', { all_access: { backend_roles: [1] } }],
    ['text', 'all_access', 'Not Found'],
  ])('refuses %s, naming the role and showing the body', (_description, role, body) => {
    expect(() => readMapping(role, body)).toThrow(`The mapping of role "${role}" has an unexpected form: ${JSON.stringify(body)}`);
  });
});

describe('builtInRolesToRead', () => {
  test('reads the built-in roles of the new configuration, then those only the old one added to', () => {
    const previous = parsed({ roles: [], builtInMappings: [{ role: 'readall', backendRoles: [READER] }, { role: 'all_access', backendRoles: [ADMIN] }] });

    expect(builtInRolesToRead(undefined, SAMPLE)).toEqual(['all_access', 'security_manager']);
    expect(builtInRolesToRead(previous, SAMPLE)).toEqual(['all_access', 'security_manager', 'readall']);
  });

  test('leaves out a role the new configuration owns', () => {
    const previous = parsed({ roles: [], builtInMappings: [{ role: 'clicks_reader', backendRoles: [READER] }] });

    expect(builtInRolesToRead(previous, SAMPLE)).toEqual(['all_access', 'security_manager']);
  });
});

describe('planConfiguration', () => {
  const current: CurrentMappings = new Map([
    ['all_access', existing([MASTER_ROLE_ARN], { users: [], hosts: [] })],
    ['security_manager', existing([MASTER_ROLE_ARN])],
  ]);

  test('on a new domain, defines and maps the owned roles, then adds to the built-in mappings', () => {
    const calls = planConfiguration(undefined, SAMPLE, current);

    expect(requests(calls)).toEqual([
      ['PUT', '/_plugins/_security/api/roles/clicks_writer', {
        cluster_permissions: ['cluster_composite_ops', 'cluster_monitor'],
        index_permissions: [{ index_patterns: ['clicks-*'], allowed_actions: ['create_index', 'crud'] }],
      }],
      ['PUT', '/_plugins/_security/api/rolesmapping/clicks_writer', { backend_roles: [WRITER] }],
      ['PUT', '/_plugins/_security/api/roles/clicks_reader', {
        cluster_permissions: ['cluster_composite_ops_ro'],
        index_permissions: [{ index_patterns: ['clicks-*'], allowed_actions: ['read'] }],
      }],
      ['PUT', '/_plugins/_security/api/rolesmapping/clicks_reader', { backend_roles: [READER] }],
      ['PUT', '/_plugins/_security/api/rolesmapping/all_access', { users: [], hosts: [], backend_roles: [ADMIN, MASTER_ROLE_ARN] }],
      ['PUT', '/_plugins/_security/api/rolesmapping/security_manager', { backend_roles: [ADMIN, MASTER_ROLE_ARN] }],
    ]);
    expect(calls.map((c) => [c.role, c.change])).toEqual([
      ['clicks_writer', 'Role defined'],
      ['clicks_writer', 'Role mapped to exactly its backend roles'],
      ['clicks_reader', 'Role defined'],
      ['clicks_reader', 'Role mapped to exactly its backend roles'],
      ['all_access', 'Built-in role mapping updated, keeping the backend roles, users and hosts that others put there'],
      ['security_manager', 'Built-in role mapping updated, keeping the backend roles, users and hosts that others put there'],
    ]);
    expect(calls[4].details).toEqual({ added: [ADMIN], removed: [] });
  });

  test('keeps every field others put in a built-in mapping, and sorts and deduplicates its backend roles', () => {
    const others = { users: ['alice'], hosts: ['10.0.0.1'], and_backend_roles: [READER], description: 'Full access' };
    const mappings = new Map([['all_access', existing([MASTER_ROLE_ARN, FOREIGN, MASTER_ROLE_ARN], others)]]);
    const next = parsed({ roles: [], builtInMappings: [{ role: 'all_access', backendRoles: [ADMIN] }] });

    expect(requests(planConfiguration(undefined, next, mappings))).toEqual([
      ['PUT', mappingPath('all_access'), { ...others, backend_roles: [MASTER_ROLE_ARN, FOREIGN, ADMIN].sort() }],
    ]);
  });

  test('creates a built-in mapping that does not exist yet with only our backend roles', () => {
    const next = parsed({ roles: [], builtInMappings: [{ role: 'readall', backendRoles: [READER, ADMIN] }] });

    expect(requests(planConfiguration(undefined, next, new Map([['readall', undefined]])))).toEqual([
      ['PUT', mappingPath('readall'), { backend_roles: [ADMIN, READER].sort() }],
    ]);
  });

  test('leaves a built-in mapping alone when it holds our backend roles already, in whatever order', () => {
    const mappings = new Map([
      ['all_access', existing([MASTER_ROLE_ARN, ADMIN, ADMIN])],
      ['security_manager', existing([MASTER_ROLE_ARN, ADMIN].reverse())],
    ]);

    expect(planConfiguration(SAMPLE, SAMPLE, mappings).filter((c) => c.path.includes('all_access') || c.path.includes('security_manager'))).toEqual([]);
  });

  test('on an update, replaces the backend roles it added before, and removes owned roles it no longer has, last', () => {
    const next = parsed({
      roles: [{ ...writerRole, backendRoles: [roleArn('clicks-firehose-v2')] }],
      builtInMappings: [{ role: 'all_access', backendRoles: [roleArn('search-admins-v2')] }],
    });
    const mappings = new Map([
      ['all_access', existing([MASTER_ROLE_ARN, FOREIGN, ADMIN])],
      ['security_manager', existing([MASTER_ROLE_ARN, ADMIN], { users: ['carol'] })],
    ]);

    const calls = planConfiguration(SAMPLE, next, mappings);

    expect(requests(calls)).toEqual([
      ['PUT', rolePath('clicks_writer'), expect.anything()],
      ['PUT', mappingPath('clicks_writer'), { backend_roles: [roleArn('clicks-firehose-v2')] }],
      ['PUT', mappingPath('all_access'), { backend_roles: [MASTER_ROLE_ARN, roleArn('search-admins-v2'), FOREIGN].sort() }],
      ['PUT', mappingPath('security_manager'), { users: ['carol'], backend_roles: [MASTER_ROLE_ARN] }],
      ['DELETE', mappingPath('clicks_reader')],
      ['DELETE', rolePath('clicks_reader')],
    ]);
    expect(calls.slice(-2).map((c) => [c.notFoundOk, c.change])).toEqual([[true, 'Role mapping removed'], [true, 'Role removed']]);
    expect(calls[2].details).toEqual({ added: [roleArn('search-admins-v2')], removed: [ADMIN] });
  });

  test('keeps a backend role in a built-in mapping that both the old and the new configuration add', () => {
    const next = parsed({ roles: [], builtInMappings: [{ role: 'all_access', backendRoles: [ADMIN, READER] }] });
    const previous = parsed({ roles: [], builtInMappings: [{ role: 'all_access', backendRoles: [ADMIN, WRITER] }] });

    expect(requests(planConfiguration(previous, next, new Map([['all_access', existing([ADMIN, WRITER, MASTER_ROLE_ARN])]])))).toEqual([
      ['PUT', mappingPath('all_access'), { backend_roles: [ADMIN, MASTER_ROLE_ARN, READER].sort() }],
    ]);
  });

  test('takes back what an owned role\'s mapping held when the role becomes a built-in mapping, without deleting the role', () => {
    const previous = parsed({ roles: [readerRole], builtInMappings: [] });
    const next = parsed({ roles: [], builtInMappings: [{ role: 'clicks_reader', backendRoles: [ADMIN] }] });

    expect(requests(planConfiguration(previous, next, new Map([['clicks_reader', existing([READER, FOREIGN])]])))).toEqual([
      ['PUT', mappingPath('clicks_reader'), { backend_roles: [ADMIN, FOREIGN].sort() }],
    ]);
  });

  test('sets a formerly built-in role\'s mapping outright once the configuration owns it', () => {
    const previous = parsed({ roles: [], builtInMappings: [{ role: 'clicks_reader', backendRoles: [ADMIN] }] });
    const next = parsed({ roles: [readerRole], builtInMappings: [] });

    expect(requests(planConfiguration(previous, next, new Map()))).toEqual([
      ['PUT', rolePath('clicks_reader'), expect.anything()],
      ['PUT', mappingPath('clicks_reader'), { backend_roles: [READER] }],
    ]);
  });

  test('escapes role names in paths', () => {
    expect(rolePath('a.b-c_d')).toBe('/_plugins/_security/api/roles/a.b-c_d');
    expect(mappingPath('x y/z')).toBe('/_plugins/_security/api/rolesmapping/x%20y%2Fz');
  });
});

describe('planRemoval', () => {
  test('takes our backend roles out of built-in mappings, keeping the rest, then deletes the owned roles and their mappings', () => {
    const mappings = new Map([
      ['all_access', existing([MASTER_ROLE_ARN, ADMIN, FOREIGN], { users: ['alice'], hosts: ['10.0.0.1'] })],
      ['security_manager', existing([MASTER_ROLE_ARN])],
    ]);

    expect(requests(planRemoval(SAMPLE, mappings))).toEqual([
      ['PUT', mappingPath('all_access'), { users: ['alice'], hosts: ['10.0.0.1'], backend_roles: [MASTER_ROLE_ARN, FOREIGN].sort() }],
      ['DELETE', mappingPath('clicks_writer')],
      ['DELETE', rolePath('clicks_writer')],
      ['DELETE', mappingPath('clicks_reader')],
      ['DELETE', rolePath('clicks_reader')],
    ]);
  });

  test('leaves alone built-in mappings that are absent or were not read', () => {
    expect(planRemoval(SAMPLE, new Map([['all_access', undefined]])).map((c) => c.method)).toEqual(['DELETE', 'DELETE', 'DELETE', 'DELETE']);
  });
});

describe('plans applied to the fake security index', () => {
  const OWNED_NAMES = ['clicks_writer', 'clicks_reader', 'ops.viewer', 'team-a'];
  const OURS = [0, 1, 2, 3, 4].map((i) => roleArn(`ours-${i}`));
  const OTHERS = [0, 1, 2].map((i) => roleArn(`others-${i}`));

  const someOf = <T>(items: readonly T[], minLength = 0) => fc.subarray([...items], { minLength });

  const configuration = fc.record({
    roles: someOf(OWNED_NAMES).chain((names) => fc.tuple(...names.map((name) => fc.record({
      name: fc.constant(name),
      clusterPermissions: someOf(['cluster_monitor', 'cluster_composite_ops'], 1),
      indexPermissions: fc.array(fc.record({ indexPatterns: someOf(['clicks-*', 'views-*'], 1), allowedActions: someOf(['read', 'crud'], 1) }), { maxLength: 2 }),
      backendRoles: someOf(OURS),
    })))),
    builtInMappings: someOf(BUILT_IN_ROLES).chain((roles) => fc.tuple(...roles.map((role) => fc.record({
      role: fc.constant(role),
      // Others may have put one of our backend roles there too; it is indistinguishable from ours.
      backendRoles: someOf(OURS, 1),
    })))),
  }).map(parsed);

  /** What others put in the built-in mappings before we came, or no mapping at all. */
  const foreignMapping = fc.option(fc.record({
    backend_roles: someOf([MASTER_ROLE_ARN, ...OTHERS, ...OURS]),
    users: someOf(['alice', 'bob']),
    hosts: someOf(['10.0.0.1']),
    and_backend_roles: someOf(OTHERS),
    description: fc.string({ maxLength: 8 }),
  }), { nil: undefined });
  type ForeignState = Readonly<Record<string, Record<string, unknown> | undefined>>;
  const foreignState: fc.Arbitrary<ForeignState> = fc.record(Object.fromEntries(BUILT_IN_ROLES.map((role) => [role, foreignMapping])));

  function seededStore(state: ForeignState): SecurityStore {
    const store = new SecurityStore();
    store.mappings.clear();
    for (const role of BUILT_IN_ROLES) {
      if (state[role] !== undefined) {
        store.mappings.set(role, { reserved: false, hidden: false, ...state[role] });
      }
    }
    return store;
  }

  /** Sends calls to the store as the handler would, failing on any answer the handler would fail on. */
  function send(store: SecurityStore, calls: readonly ApiCall[]): void {
    for (const call of calls) {
      const { status, body } = store.handle(call.method, call.path, call.body === undefined ? '' : JSON.stringify(call.body), 'application/json');
      if (!(status === 200 || status === 201 || (status === 404 && call.notFoundOk === true))) {
        throw new Error(`${call.method} ${call.path} answered ${status}: ${JSON.stringify(body)}`);
      }
    }
  }

  function read(store: SecurityStore, roles: readonly string[]): CurrentMappings {
    return new Map(roles.map((role) => {
      const { status, body } = store.handle('GET', mappingPath(role), '');
      return [role, status === 404 ? undefined : readMapping(role, body)];
    }));
  }

  const apply = (store: SecurityStore, previous: SecurityConfiguration | undefined, next: SecurityConfiguration) => {
    const calls = planConfiguration(previous, next, read(store, builtInRolesToRead(previous, next)));
    send(store, calls);
    return calls;
  };

  const ours = (config: SecurityConfiguration, role: string) => config.builtInMappings.find((m) => m.role === role)?.backendRoles ?? [];
  const sorted = (items: Iterable<string>) => [...new Set(items)].sort();

  /** Each built-in mapping holds `expected(role)` as backend roles, and everything else others put there, unchanged. */
  function expectBuiltIns(store: SecurityStore, state: ForeignState, expected: (role: string) => string[]) {
    for (const role of BUILT_IN_ROLES) {
      const before = state[role];
      const after = store.mappings.get(role);
      const backendRoles = expected(role);
      if (before === undefined && after === undefined) {
        expect(backendRoles).toEqual([]);
        continue;
      }
      const { backend_roles: afterBackendRoles, ...afterRest } = after!;
      expect(sorted(afterBackendRoles as string[])).toEqual(sorted(backendRoles));
      if (before !== undefined) {
        const { backend_roles: _ignored, ...beforeRest } = before;
        expect(afterRest).toEqual(expect.objectContaining(beforeRest));
      }
      expect(store.roles.get(role)?.reserved).toBe(true);
    }
  }

  function expectOwnedRoles(store: SecurityStore, config: SecurityConfiguration) {
    for (const role of config.roles) {
      expect(store.roles.get(role.name)).toEqual(expect.objectContaining({
        cluster_permissions: role.clusterPermissions,
        index_permissions: role.indexPermissions.map((p) => ({ index_patterns: p.indexPatterns, allowed_actions: p.allowedActions })),
      }));
      expect(store.mappings.get(role.name)?.backend_roles).toEqual(role.backendRoles);
    }
  }

  test('create, update, repeat and delete keep owned roles exact and never lose what others put in built-in mappings', () => {
    fc.assert(fc.property(foreignState, configuration, configuration, (state, old, next) => {
      const store = seededStore(state);
      const initially = (role: string) => (state[role]?.backend_roles as string[] | undefined) ?? [];

      apply(store, undefined, old);

      expectOwnedRoles(store, old);
      expectBuiltIns(store, state, (role) => [...initially(role), ...ours(old, role)]);

      apply(store, old, next);

      expectOwnedRoles(store, next);
      const kept = new Set(next.roles.map((r) => r.name));
      for (const removed of old.roles.filter((r) => !kept.has(r.name))) {
        expect(store.roles.has(removed.name)).toBe(false);
        expect(store.mappings.has(removed.name)).toBe(false);
      }
      const afterUpdate = (role: string) => [...initially(role).filter((r) => !ours(old, role).includes(r)), ...ours(next, role)];
      expectBuiltIns(store, state, afterUpdate);

      // Applying the same configuration again changes only what it owns outright.
      const again = apply(store, next, next);

      expect(again.map((c) => c.role)).toEqual(next.roles.flatMap((r) => [r.name, r.name]));
      expectBuiltIns(store, state, afterUpdate);

      send(store, planRemoval(next, read(store, next.builtInMappings.map((m) => m.role))));

      expect([...store.roles.keys()].sort()).toEqual([...BUILT_IN_ROLES].sort());
      expect([...store.mappings.keys()].every((role) => (BUILT_IN_ROLES as readonly string[]).includes(role))).toBe(true);
      expectBuiltIns(store, state, (role) => afterUpdate(role).filter((r) => !ours(next, role).includes(r)));
    }), { numRuns: 500 });
  });

  test('never loses a backend role, user or host that neither configuration adds', () => {
    fc.assert(fc.property(foreignState, configuration, configuration, (state, old, next) => {
      const store = seededStore(state);
      apply(store, undefined, old);
      apply(store, old, next);
      send(store, planRemoval(next, read(store, next.builtInMappings.map((m) => m.role))));

      for (const role of BUILT_IN_ROLES) {
        const before = state[role];
        if (before === undefined) {
          continue;
        }
        const after = store.mappings.get(role)!;
        const foreign = (before.backend_roles as string[]).filter((r) => !ours(old, role).includes(r) && !ours(next, role).includes(r));
        expect(after.backend_roles).toEqual(expect.arrayContaining(foreign));
        expect(after.users).toEqual(before.users);
        expect(after.hosts).toEqual(before.hosts);
      }
    }), { numRuns: 300 });
  });
});
