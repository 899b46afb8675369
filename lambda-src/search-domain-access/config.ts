export interface IndexPermission {
  readonly indexPatterns: readonly string[];
  readonly allowedActions: readonly string[];
}

/** A role this configuration owns: it defines the role and sets its mapping to exactly `backendRoles`. */
export interface OwnedRole {
  readonly name: string;
  readonly clusterPermissions: readonly string[];
  readonly indexPermissions: readonly IndexPermission[];
  readonly backendRoles: readonly string[];
}

/** A role that exists already (all_access, security_manager): `backendRoles` are added to whatever its mapping holds. */
export interface BuiltInMapping {
  readonly role: string;
  readonly backendRoles: readonly string[];
}

/** Every list is deduplicated and sorted, so the same configuration always produces the same requests. */
export interface SecurityConfiguration {
  readonly roles: readonly OwnedRole[];
  readonly builtInMappings: readonly BuiltInMapping[];
}

export interface ResourceConfig {
  /** The domain endpoint's host name, without scheme. */
  readonly endpoint: string;
  readonly configuration: SecurityConfiguration;
}

/** A bad configuration fails the custom resource, so every message names the property to fix. */
export class ConfigurationError extends Error {
  constructor(readonly property: string, problem: string) {
    super(`${property} ${problem}`);
    this.name = 'ConfigurationError';
  }
}

const ROLE_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;
const HOST_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * Reads the custom resource's properties. Properties other than Endpoint and Configuration are ignored: CloudFormation
 * adds some of its own (ServiceToken, ServiceTimeout).
 */
export function parseResourceProperties(properties: Readonly<Record<string, unknown>>): ResourceConfig {
  return { endpoint: parseEndpoint(properties.Endpoint), configuration: parseConfiguration(properties.Configuration) };
}

function parseEndpoint(value: unknown): string {
  const valid = typeof value === 'string' && value.length <= 253 && value.split('.').every((label) => HOST_LABEL.test(label));
  if (!valid) {
    throw new ConfigurationError('Endpoint', `must be the domain endpoint's host name without scheme, port or path, such as "vpc-clicks-abc.us-east-1.es.amazonaws.com", got ${JSON.stringify(value)}`);
  }
  return value;
}

function parseConfiguration(value: unknown): SecurityConfiguration {
  if (typeof value !== 'string') {
    throw new ConfigurationError('Configuration', `must be the JSON text of the security configuration, got ${JSON.stringify(value)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (err) {
    throw new ConfigurationError('Configuration', `is not valid JSON: ${(err as Error).message}`);
  }
  const top = objectWith(parsed, 'Configuration', ['roles', 'builtInMappings']);
  const roles = arrayOf(top.roles, 'Configuration.roles', (item, path) => parseOwnedRole(item, path));
  const builtInMappings = arrayOf(top.builtInMappings, 'Configuration.builtInMappings', (item, path) => parseBuiltInMapping(item, path));
  rejectDuplicates(roles.map((r) => r.name), 'Configuration.roles', 'name');
  rejectDuplicates(builtInMappings.map((m) => m.role), 'Configuration.builtInMappings', 'role');
  // Owning a role means setting its mapping to exactly our backend roles; adding to it as well has no single meaning.
  const owned = new Set(roles.map((r) => r.name));
  const both = builtInMappings.findIndex((m) => owned.has(m.role));
  if (both !== -1) {
    throw new ConfigurationError(`Configuration.builtInMappings[${both}].role`, `names "${builtInMappings[both].role}", which Configuration.roles also defines; a role is either owned or built in`);
  }
  return { roles, builtInMappings };
}

function parseOwnedRole(value: unknown, path: string): OwnedRole {
  const role = objectWith(value, path, ['name', 'clusterPermissions', 'indexPermissions', 'backendRoles']);
  const name = roleName(role.name, `${path}.name`);
  const clusterPermissions = stringList(role.clusterPermissions, `${path}.clusterPermissions`, 'permission');
  const indexPermissions = arrayOf(role.indexPermissions, `${path}.indexPermissions`, (item, itemPath) => {
    const permission = objectWith(item, itemPath, ['indexPatterns', 'allowedActions']);
    return {
      indexPatterns: nonEmpty(stringList(permission.indexPatterns, `${itemPath}.indexPatterns`, 'index pattern'), `${itemPath}.indexPatterns`, 'index pattern'),
      allowedActions: nonEmpty(stringList(permission.allowedActions, `${itemPath}.allowedActions`, 'action'), `${itemPath}.allowedActions`, 'action'),
    };
  });
  // A role that grants nothing is a mistake in the construct, not a wish.
  if (clusterPermissions.length === 0 && indexPermissions.length === 0) {
    throw new ConfigurationError(path, `("${name}") must grant at least one cluster permission or index permission`);
  }
  return { name, clusterPermissions, indexPermissions, backendRoles: backendRoles(role.backendRoles, `${path}.backendRoles`) };
}

function parseBuiltInMapping(value: unknown, path: string): BuiltInMapping {
  const mapping = objectWith(value, path, ['role', 'backendRoles']);
  const role = roleName(mapping.role, `${path}.role`);
  // Adding nothing to a role that exists already would only make the resource look as if it did something.
  return { role, backendRoles: nonEmpty(backendRoles(mapping.backendRoles, `${path}.backendRoles`), `${path}.backendRoles`, 'IAM role ARN') };
}

function roleName(value: unknown, path: string): string {
  if (typeof value !== 'string' || !ROLE_NAME.test(value)) {
    throw new ConfigurationError(path, `must be 1 to 128 letters, digits, "_", "." or "-", got ${JSON.stringify(value)}`);
  }
  return value;
}

function backendRoles(value: unknown, path: string): string[] {
  const arns = stringList(value, path, 'IAM role ARN');
  const bad = arns.find((arn) => !ROLE_ARN.test(arn));
  if (bad !== undefined) {
    throw new ConfigurationError(path, `must list IAM role ARNs such as "arn:aws:iam::123456789012:role/name", got "${bad}"`);
  }
  return arns;
}

/** A deduplicated, sorted list of non-blank strings. */
function stringList(value: unknown, path: string, what: string): string[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item.trim() === '')) {
    throw new ConfigurationError(path, `must be an array of ${what}s, each a non-blank string, got ${JSON.stringify(value)}`);
  }
  return [...new Set(value as string[])].sort();
}

function nonEmpty<T>(items: T[], path: string, what: string): T[] {
  if (items.length === 0) {
    throw new ConfigurationError(path, `must list at least one ${what}`);
  }
  return items;
}

function arrayOf<T>(value: unknown, path: string, parse: (item: unknown, itemPath: string) => T): T[] {
  if (!Array.isArray(value)) {
    throw new ConfigurationError(path, `must be an array, got ${JSON.stringify(value)}`);
  }
  return value.map((item, i) => parse(item, `${path}[${i}]`));
}

/** The object's own properties; unknown ones are rejected, as they are most likely misspelt. */
function objectWith(value: unknown, path: string, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigurationError(path, `must be an object with ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
  const unknownKey = Object.keys(value).find((key) => !allowed.includes(key));
  if (unknownKey !== undefined) {
    throw new ConfigurationError(path, `has unknown property "${unknownKey}"; allowed are ${allowed.join(', ')}`);
  }
  // Own properties only: a missing "name" must not be found on Object.prototype.
  return Object.fromEntries(allowed.map((key) => [key, Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined]));
}

function rejectDuplicates(names: readonly string[], path: string, property: string): void {
  const duplicate = names.findIndex((name, i) => names.indexOf(name) !== i);
  if (duplicate !== -1) {
    throw new ConfigurationError(`${path}[${duplicate}].${property}`, `"${names[duplicate]}" appears more than once`);
  }
}
