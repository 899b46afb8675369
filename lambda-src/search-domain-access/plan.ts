import type { OwnedRole, SecurityConfiguration } from './config';
import { isJsonObject, JsonObject } from '../enrichment-processor/json';

const SECURITY_API = '/_plugins/_security/api';

export const rolePath = (name: string) => `${SECURITY_API}/roles/${encodeURIComponent(name)}`;
export const mappingPath = (role: string) => `${SECURITY_API}/rolesmapping/${encodeURIComponent(role)}`;

/** One change to the domain's security configuration. */
export interface ApiCall {
  readonly method: 'PUT' | 'DELETE';
  readonly path: string;
  readonly body?: JsonObject;
  /** Deleting what is gone already is the outcome we want. */
  readonly notFoundOk?: boolean;
  /** The role the call changes, and what it does to it, for the log. */
  readonly role: string;
  readonly change: string;
  readonly details?: JsonObject;
}

/** A role mapping as read from the domain. */
export interface ExistingMapping {
  readonly backendRoles: readonly string[];
  /** Every other field a PUT may carry (users, hosts, and_backend_roles, description), kept exactly as read. */
  readonly otherFields: JsonObject;
}

/** Built-in roles' current mappings by role; a role without an entry has no mapping yet. */
export type CurrentMappings = ReadonlyMap<string, ExistingMapping | undefined>;

/** Fields OpenSearch reports on a mapping but refuses in a PUT body. */
const READ_ONLY_FIELDS = new Set(['reserved', 'hidden', 'static']);

/** Reads a GET rolesmapping/<role> response, `{ "<role>": { "backend_roles": [...], ... } }`. */
export function readMapping(role: string, body: unknown): ExistingMapping {
  const mapping = isJsonObject(body) && Object.hasOwn(body, role) ? body[role] : undefined;
  const backendRoles = isJsonObject(mapping) ? mapping.backend_roles ?? [] : undefined;
  // Writing back a mapping we misread would drop whatever we did not understand, so an odd answer stops here.
  if (!isJsonObject(mapping) || !Array.isArray(backendRoles) || backendRoles.some((r) => typeof r !== 'string')) {
    throw new Error(`The mapping of role "${role}" has an unexpected form: ${JSON.stringify(body)?.slice(0, 500)}`);
  }
  const otherFields = Object.fromEntries(Object.entries(mapping).filter(([key]) => key !== 'backend_roles' && !READ_ONLY_FIELDS.has(key)));
  return { backendRoles: backendRoles as string[], otherFields };
}

/**
 * The built-in roles whose mappings an update changes: those the new configuration adds to, and those the old one
 * added to, whose additions are to go. A role the new configuration owns is set outright instead.
 */
export function builtInRolesToRead(previous: SecurityConfiguration | undefined, next: SecurityConfiguration): string[] {
  const owned = new Set(next.roles.map((r) => r.name));
  const roles = [...next.builtInMappings, ...(previous?.builtInMappings ?? [])].map((m) => m.role);
  return [...new Set(roles)].filter((role) => !owned.has(role));
}

/**
 * The calls that take the domain from `previous` (undefined on a new domain) to `next`: owned roles and their mappings
 * first, so that a renamed role never leaves its users without access; then built-in mappings; removals last.
 * `current` holds the mappings of `builtInRolesToRead(previous, next)`.
 */
export function planConfiguration(previous: SecurityConfiguration | undefined, next: SecurityConfiguration, current: CurrentMappings): ApiCall[] {
  const calls = next.roles.flatMap(defineOwnedRole);
  for (const role of builtInRolesToRead(previous, next)) {
    const call = mergeMapping(role, current.get(role), previous === undefined ? [] : ourBackendRoles(previous, role), ourBackendRoles(next, role));
    if (call !== undefined) {
      calls.push(call);
    }
  }
  const kept = new Set([...next.roles.map((r) => r.name), ...next.builtInMappings.map((m) => m.role)]);
  for (const role of previous?.roles ?? []) {
    if (!kept.has(role.name)) {
      calls.push(...removeOwnedRole(role.name));
    }
  }
  return calls;
}

/** The calls that undo `config`: our backend roles leave the built-in mappings, and owned roles go with their mappings. */
export function planRemoval(config: SecurityConfiguration, current: CurrentMappings): ApiCall[] {
  const calls: ApiCall[] = [];
  for (const { role, backendRoles } of config.builtInMappings) {
    const call = mergeMapping(role, current.get(role), backendRoles, []);
    if (call !== undefined) {
      calls.push(call);
    }
  }
  return [...calls, ...config.roles.flatMap((role) => removeOwnedRole(role.name))];
}

function defineOwnedRole(role: OwnedRole): ApiCall[] {
  return [
    {
      method: 'PUT',
      path: rolePath(role.name),
      body: {
        cluster_permissions: [...role.clusterPermissions],
        index_permissions: role.indexPermissions.map((p) => ({ index_patterns: [...p.indexPatterns], allowed_actions: [...p.allowedActions] })),
      },
      role: role.name,
      change: 'Role defined',
    },
    {
      method: 'PUT',
      path: mappingPath(role.name),
      body: { backend_roles: [...role.backendRoles] },
      role: role.name,
      change: 'Role mapped to exactly its backend roles',
      details: { backendRoles: [...role.backendRoles] },
    },
  ];
}

function removeOwnedRole(name: string): ApiCall[] {
  // The mapping first, the reverse of creation, so that no mapping ever names a role that is gone.
  return [
    { method: 'DELETE', path: mappingPath(name), notFoundOk: true, role: name, change: 'Role mapping removed' },
    { method: 'DELETE', path: rolePath(name), notFoundOk: true, role: name, change: 'Role removed' },
  ];
}

/** The backend roles `config` puts in `role`'s mapping, whether it owns the role or adds to a built-in one. */
function ourBackendRoles(config: SecurityConfiguration, role: string): readonly string[] {
  return config.roles.find((r) => r.name === role)?.backendRoles ?? config.builtInMappings.find((m) => m.role === role)?.backendRoles ?? [];
}

/**
 * Replaces the backend roles we added before with those we add now, keeping every other backend role, user and host
 * in the mapping; nothing when that changes nothing.
 */
function mergeMapping(role: string, existing: ExistingMapping | undefined, ours: readonly string[], added: readonly string[]): ApiCall | undefined {
  const before = sortedUnique(existing?.backendRoles ?? []);
  const after = sortedUnique([...before.filter((r) => !ours.includes(r)), ...added]);
  const unchanged = existing === undefined ? after.length === 0 : after.length === before.length && after.every((r, i) => r === before[i]);
  if (unchanged) {
    return undefined;
  }
  return {
    method: 'PUT',
    path: mappingPath(role),
    body: { ...existing?.otherFields, backend_roles: after },
    role,
    change: 'Built-in role mapping updated, keeping the backend roles, users and hosts that others put there',
    details: { added: after.filter((r) => !before.includes(r)), removed: before.filter((r) => !after.includes(r)) },
  };
}

const sortedUnique = (items: readonly string[]) => [...new Set(items)].sort();
