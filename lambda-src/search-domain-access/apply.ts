import type { CdkCustomResourceResponse, CloudFormationCustomResourceEvent } from 'aws-lambda';
import { parseResourceProperties, SecurityConfiguration } from './config';
import { ApiCall, builtInRolesToRead, ExistingMapping, mappingPath, planConfiguration, planRemoval, readMapping } from './plan';
import type { SecurityApi, SecurityApiOptions } from './security-api';
import type { JsonObject } from '../enrichment-processor/json';

/** What the handler writes to its log; Powertools' Logger is one. */
export interface Log {
  info(message: string, attributes: JsonObject): void;
  warn(message: string, attributes: JsonObject): void;
  error(message: string, attributes: JsonObject): void;
}

/** What `handleEvent` decides about a connection; the rest (region, credentials, transport) is the caller's. */
export type Connection = Required<Pick<SecurityApiOptions, 'endpoint' | 'authRetryWindowMs' | 'onRetry'>>;

export interface Dependencies {
  readonly connect: (connection: Connection) => SecurityApi;
  readonly log: Log;
}

/**
 * How long 401 and 403 count as transient on a new domain: its master role, the role of this function, may not be
 * trusted yet right after CloudFormation reports the domain created.
 */
export const NEW_DOMAIN_AUTH_RETRY_MS = 120_000;

/** The same for every update of one domain, so CloudFormation never sends a Delete for a configuration just written. */
export const physicalResourceId = (endpoint: string) => `security-configuration:${endpoint}`;

export async function handleEvent(event: CloudFormationCustomResourceEvent, deps: Dependencies): Promise<CdkCustomResourceResponse> {
  try {
    return await dispatch(event, deps);
  } catch (err) {
    deps.log.error('Security configuration not applied; CloudFormation reports the resource failed', {
      requestType: event.RequestType,
      error: errorMessage(err),
    });
    throw err;
  }
}

async function dispatch(event: CloudFormationCustomResourceEvent, deps: Dependencies): Promise<CdkCustomResourceResponse> {
  if (event.RequestType === 'Delete') {
    await removeConfiguration(event.ResourceProperties, deps);
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  const { endpoint, configuration } = parseResourceProperties(event.ResourceProperties);
  // A new endpoint is a new domain: it has nothing of ours to remove, and the old one gets a Delete of its own.
  const sameDomain = event.RequestType === 'Update' && event.OldResourceProperties.Endpoint === endpoint;
  const previous = sameDomain ? previousConfiguration(event.OldResourceProperties, deps.log) : undefined;
  const api = deps.connect({ endpoint, authRetryWindowMs: sameDomain ? 0 : NEW_DOMAIN_AUTH_RETRY_MS, onRetry: retryLogger(endpoint, deps.log) });
  const current = new Map<string, ExistingMapping | undefined>();
  for (const role of builtInRolesToRead(previous, configuration)) {
    current.set(role, await readBuiltInMapping(api, role));
  }
  for (const call of planConfiguration(previous, configuration, current)) {
    logChange(deps.log, endpoint, call, await api.send(call));
  }
  return { PhysicalResourceId: physicalResourceId(endpoint) };
}

function previousConfiguration(properties: Readonly<Record<string, unknown>>, log: Log): SecurityConfiguration | undefined {
  try {
    return parseResourceProperties(properties).configuration;
  } catch (err) {
    // CloudFormation rolls back an update rejected for its configuration with that configuration as the old one.
    // Nothing of it was applied, so failing the rollback over it would only leave the stack stuck.
    log.warn('Previous configuration is invalid, so nothing it defined is removed; it cannot have been applied', { error: errorMessage(err) });
    return undefined;
  }
}

/** Best effort: each failure is logged and the rest still attempted, as the domain is usually deleted next anyway. */
async function removeConfiguration(properties: Readonly<Record<string, unknown>>, deps: Dependencies): Promise<void> {
  const { log } = deps;
  let endpoint: string;
  let configuration: SecurityConfiguration;
  try {
    ({ endpoint, configuration } = parseResourceProperties(properties));
  } catch (err) {
    log.error('Security configuration NOT removed: its properties are invalid; whatever it applied stays on the domain', { error: errorMessage(err) });
    return;
  }
  const api = deps.connect({ endpoint, authRetryWindowMs: 0, onRetry: retryLogger(endpoint, log) });
  let failures = 0;
  // Logged at once rather than at the end, so that a timeout cannot swallow them.
  const fail = (details: JsonObject) => {
    failures++;
    log.error('Security configuration change failed while deleting; it stays on the domain', { endpoint, ...details });
  };
  const current = new Map<string, ExistingMapping | undefined>();
  for (const { role } of configuration.builtInMappings) {
    try {
      current.set(role, await readBuiltInMapping(api, role));
    } catch (err) {
      // Without an entry the plan leaves the mapping alone: writing it back blind could drop what others put there.
      fail({ role, change: 'Built-in role mapping not read, so our backend roles stay in it', error: errorMessage(err) });
    }
  }
  for (const call of planRemoval(configuration, current)) {
    try {
      logChange(log, endpoint, call, await api.send(call));
    } catch (err) {
      fail({ role: call.role, change: call.change, method: call.method, path: call.path, error: errorMessage(err) });
    }
  }
  if (failures > 0) {
    log.error(`Delete reported successful although ${failures} change(s) failed, so as not to block the stack; if the domain remains, undo them by hand`, {
      endpoint,
      failures,
    });
  }
}

async function readBuiltInMapping(api: SecurityApi, role: string): Promise<ExistingMapping | undefined> {
  const { status, body } = await api.send({ method: 'GET', path: mappingPath(role), notFoundOk: true });
  return status === 404 ? undefined : readMapping(role, body);
}

function logChange(log: Log, endpoint: string, call: ApiCall, response: { readonly status: number }): void {
  log.info(call.change, { endpoint, role: call.role, method: call.method, path: call.path, status: response.status, ...call.details });
}

function retryLogger(endpoint: string, log: Log): (reason: string, delayMs: number) => void {
  return (reason, delayMs) => log.warn('Retrying after a transient failure', { endpoint, reason, delayMs });
}

const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));
