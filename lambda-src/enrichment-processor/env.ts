/** The function's environment, as Lambda passes it (and tests build it). */
export type Env = Readonly<Record<string, string | undefined>>;

/** A misconfigured function must not start, so every message names the variable to fix. */
export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

export function optionalVar(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

export function requireVar(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new ConfigError(name, 'is missing or empty');
  }
  return value;
}

export function parseInteger(
  env: Env,
  name: string,
  fallback: number,
  range: { readonly min: number; readonly max: number },
): number {
  const value = optionalVar(env, name);
  if (value === undefined) {
    return fallback;
  }
  const number = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number) || number < range.min || number > range.max) {
    throw new ConfigError(name, `must be an integer from ${range.min} to ${range.max}, got "${value}"`);
  }
  return number;
}

export function parseBoolean(env: Env, name: string, fallback: boolean): boolean {
  const value = optionalVar(env, name);
  if (value === undefined) {
    return fallback;
  }
  const normalized = value.trim().toLowerCase();
  if (normalized !== 'true' && normalized !== 'false') {
    throw new ConfigError(name, `must be "true" or "false", got "${value}"`);
  }
  return normalized === 'true';
}

export function parseAttributeList(env: Env, name: string): string[] | undefined {
  const value = optionalVar(env, name);
  if (value === undefined) {
    return undefined;
  }
  const attributes = value.split(',').map((a) => a.trim());
  if (attributes.some((a) => a === '')) {
    throw new ConfigError(name, `must be a comma-separated list of attribute names without empty entries, got "${value}"`);
  }
  const duplicate = attributes.find((a, i) => attributes.indexOf(a) !== i);
  if (duplicate !== undefined) {
    throw new ConfigError(name, `lists "${duplicate}" more than once`);
  }
  return attributes;
}

/**
 * Rejects a feature's settings without the variable that turns the feature on: that is almost certainly a misspelt or
 * forgotten variable, not a wish to turn the feature off.
 */
export function rejectWithout(env: Env, anchor: string, dependents: readonly string[], advice: string): void {
  const stray = dependents.find((name) => optionalVar(env, name) !== undefined);
  if (stray !== undefined) {
    throw new ConfigError(stray, `is set but ${anchor} is not; ${advice}`);
  }
}
