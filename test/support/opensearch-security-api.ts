/**
 * A fake of the OpenSearch Security plugin's REST API, covering only the subset the search-domain-access handler
 * uses: GET, PUT and DELETE of `/_plugins/_security/api/roles/<name>` and `/_plugins/_security/api/rolesmapping/<name>`.
 * It exists because no OpenSearch implementation can run on this machine; the responses follow OpenSearch's
 * documentation and what Amazon OpenSearch Service domains answer.
 *
 * What it checks, answering as the service would:
 * - every request's SigV4 signature, recomputed with SignatureV4 for service "es" from the known test credentials and
 *   region over the request as received (method, path, signed headers, body); a mismatch, a missing or malformed
 *   Authorization header, unsigned host or x-amz-date, an x-amz-content-sha256 that is not the body's hash, or a clock
 *   more than 5 minutes off answers 403;
 * - PUT bodies: JSON (with content-type application/json, else 406) holding only the fields OpenSearch accepts, as
 *   lists of strings; read-only fields such as `reserved` or `hidden` answer 400;
 * - a mapping can only be PUT for a role that exists (404), and reserved roles cannot be changed or deleted (403);
 * - 201 when a PUT creates, 200 when it updates or a DELETE deletes, 404 for names it does not know.
 * It does not model the caller's permissions (every correctly signed request acts as the master user), action groups,
 * tenants, or validation of permission and index pattern names.
 *
 * `SecurityStore` is the in-memory model on its own, for tests that need no HTTP; `FakeSecurityApi` serves it over
 * HTTP on an ephemeral loopback port and can be told to inject faults.
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';
import { closeEmulator, listenOnLoopback, TEST_CREDENTIALS, TEST_REGION } from './emulator';

type Json = Record<string, unknown>;

export interface StoreResponse {
  readonly status: number;
  readonly body: Json;
}

/** The master role FGAC maps to all_access and security_manager when a domain is created. */
export const MASTER_ROLE_ARN = 'arn:aws:iam::123456789012:role/search-domain-access-master';
export const BUILT_IN_ROLES = ['all_access', 'security_manager', 'readall'] as const;

const API = /^\/_plugins\/_security\/api\/(roles|rolesmapping)\/([^/]+)$/;

/** The fields each PUT body may carry, and their kinds. */
const ROLE_FIELDS = { cluster_permissions: 'strings', index_permissions: 'index_permissions', tenant_permissions: 'array', description: 'string' };
const INDEX_PERMISSION_FIELDS = { index_patterns: 'strings', allowed_actions: 'strings', fls: 'strings', masked_fields: 'strings', dls: 'string' };
const MAPPING_FIELDS = { backend_roles: 'strings', and_backend_roles: 'strings', hosts: 'strings', users: 'strings', description: 'string' };

/** The roles and role mappings of one domain, seeded as a new FGAC domain with an IAM master role has them. */
export class SecurityStore {
  readonly roles = new Map<string, Json>();
  readonly mappings = new Map<string, Json>();

  constructor() {
    for (const name of BUILT_IN_ROLES) {
      const flags = { reserved: true, hidden: false, static: true };
      this.roles.set(name, { ...flags, description: `Built-in role ${name}`, cluster_permissions: ['*'], index_permissions: [], tenant_permissions: [] });
    }
    for (const name of ['all_access', 'security_manager']) {
      this.mappings.set(name, { reserved: false, hidden: false, backend_roles: [MASTER_ROLE_ARN], and_backend_roles: [], hosts: [], users: [] });
    }
  }

  handle(method: string, path: string, bodyText: string, contentType?: string): StoreResponse {
    const match = API.exec(path);
    if (match === null) {
      return { status: 400, body: { error: `no handler found for uri [${path}] and method [${method}]` } };
    }
    const [, kind, encodedName] = match;
    const name = decodeURIComponent(encodedName);
    const resources = kind === 'roles' ? this.roles : this.mappings;
    const existing = resources.get(name);
    switch (method) {
      case 'GET':
        return existing === undefined || existing.hidden === true ? notFound(name) : { status: 200, body: { [name]: existing } };
      case 'DELETE':
        if (existing === undefined || existing.hidden === true) {
          return notFound(name);
        }
        if (existing.reserved === true) {
          return { status: 403, body: { status: 'FORBIDDEN', message: `Resource '${name}' is reserved.` } };
        }
        resources.delete(name);
        return { status: 200, body: { status: 'OK', message: `'${name}' deleted.` } };
      case 'PUT':
        return this.put(kind === 'roles' ? 'role' : 'mapping', name, bodyText, contentType);
      default:
        return { status: 405, body: { error: `Incorrect HTTP method for uri [${path}] and method [${method}], allowed: [GET, PUT, DELETE]` } };
    }
  }

  private put(kind: 'role' | 'mapping', name: string, bodyText: string, contentType: string | undefined): StoreResponse {
    if (!contentType?.startsWith('application/json')) {
      return { status: 406, body: { error: `Content-Type header [${contentType ?? ''}] is not supported`, status: 406 } };
    }
    let body: unknown;
    try {
      body = JSON.parse(bodyText);
    } catch {
      return { status: 400, body: { status: 'error', reason: 'Unable to parse content' } };
    }
    const problem = invalidFields(body, kind === 'role' ? ROLE_FIELDS : MAPPING_FIELDS);
    if (problem !== undefined) {
      return { status: 400, body: { status: 'error', reason: 'Invalid configuration', invalid_keys: { keys: problem } } };
    }
    const resources = kind === 'role' ? this.roles : this.mappings;
    const existing = resources.get(name);
    if (existing?.reserved === true) {
      return { status: 403, body: { status: 'FORBIDDEN', message: `Resource '${name}' is reserved.` } };
    }
    if (kind === 'mapping' && !this.roles.has(name)) {
      return { status: 404, body: { status: 'NOT_FOUND', message: `The role '${name}' is not found.` } };
    }
    const defaults = kind === 'role'
      ? { reserved: false, hidden: false, static: false, cluster_permissions: [], index_permissions: [], tenant_permissions: [] }
      : { reserved: false, hidden: false, backend_roles: [], and_backend_roles: [], hosts: [], users: [] };
    resources.set(name, { ...defaults, ...(body as Json) });
    return existing === undefined
      ? { status: 201, body: { status: 'CREATED', message: `'${name}' created.` } }
      : { status: 200, body: { status: 'OK', message: `'${name}' updated.` } };
  }
}

function notFound(name: string): StoreResponse {
  return { status: 404, body: { status: 'NOT_FOUND', message: `Resource '${name}' not found.` } };
}

/** The first field that is unknown or of the wrong kind, or undefined when the body is valid. */
function invalidFields(body: unknown, fields: Record<string, string>): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return '<body is not an object>';
  }
  const strings = (value: unknown) => Array.isArray(value) && value.every((item) => typeof item === 'string');
  return Object.entries(body).find(([key, value]) => {
    switch (fields[key]) {
      case 'strings': return !strings(value);
      case 'string': return typeof value !== 'string';
      case 'array': return !Array.isArray(value);
      case 'index_permissions': return !Array.isArray(value) || value.some((p) => invalidFields(p, INDEX_PERMISSION_FIELDS) !== undefined);
      default: return true;
    }
  })?.[0];
}

/** What the fake does instead of answering a request: a status of its choosing, a connection reset, or no answer at all. */
export type Fault = { readonly status: number; readonly body?: string } | 'reset' | 'hang';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  /** The status answered, or the fault that stood in for an answer. */
  readonly outcome: number | 'reset' | 'hang';
  readonly body?: unknown;
}

export interface FakeSecurityApiOptions {
  readonly region?: string;
  readonly credentials?: AwsCredentialIdentity;
}

const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export class FakeSecurityApi {
  static async start(options: FakeSecurityApiOptions = {}): Promise<FakeSecurityApi> {
    const fake = new FakeSecurityApi(options.region ?? TEST_REGION, options.credentials ?? TEST_CREDENTIALS);
    await listenOnLoopback(fake.server);
    return fake;
  }

  readonly store = new SecurityStore();
  readonly requests: RecordedRequest[] = [];
  private readonly faults: Fault[] = [];
  private readonly server: http.Server;
  private readonly signer: SignatureV4;

  private constructor(region: string, credentials: AwsCredentialIdentity) {
    this.signer = new SignatureV4({ service: 'es', region, credentials, sha256: Sha256 });
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.answer(req, res, Buffer.concat(chunks).toString('utf8')).catch((err: Error) => {
          res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: err.message }));
        });
      });
    });
  }

  /** The loopback port it listens on, over http. */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The next requests meet these faults, one each, in order, before their signatures are checked. */
  injectFaults(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  async close(): Promise<void> {
    await closeEmulator(this.server);
  }

  private async answer(req: http.IncomingMessage, res: http.ServerResponse, bodyText: string): Promise<void> {
    const method = req.method ?? '';
    const path = req.url ?? '';
    const body = bodyText === '' ? undefined : parseOrText(bodyText);
    const fault = this.faults.shift();
    if (fault === 'reset' || fault === 'hang') {
      this.requests.push({ method, path, outcome: fault, body });
      if (fault === 'reset') {
        req.socket.destroy();
      }
      return;
    }
    let response: { readonly status: number; readonly text: string };
    if (fault !== undefined) {
      response = { status: fault.status, text: fault.body ?? JSON.stringify({ message: `injected fault ${fault.status}` }) };
    } else {
      const problem = await this.signatureProblem(req, bodyText);
      const answered = problem === undefined ? this.store.handle(method, path, bodyText, req.headers['content-type']) : { status: 403, body: { message: problem } };
      response = { status: answered.status, text: JSON.stringify(answered.body) };
    }
    this.requests.push({ method, path, outcome: response.status, body });
    res.writeHead(response.status, { 'content-type': 'application/json' }).end(response.text);
  }

  private async signatureProblem(req: http.IncomingMessage, bodyText: string): Promise<string | undefined> {
    const authorization = req.headers.authorization ?? '';
    const match = /^AWS4-HMAC-SHA256 Credential=[^,]+, SignedHeaders=([a-z0-9;-]+), Signature=[0-9a-f]{64}$/.exec(authorization);
    if (match === null) {
      return `Authorization header is missing or malformed: "${authorization}"`;
    }
    const signedHeaders = match[1].split(';');
    if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date')) {
      return `host and x-amz-date must be signed, signed were ${match[1]}`;
    }
    const amzDate = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(String(req.headers['x-amz-date']));
    if (amzDate === null) {
      return `x-amz-date is malformed: "${req.headers['x-amz-date']}"`;
    }
    const [, year, month, day, hours, minutes, seconds] = amzDate.map(Number);
    const signingDate = new Date(Date.UTC(year, month - 1, day, hours, minutes, seconds));
    if (Math.abs(Date.now() - signingDate.getTime()) > MAX_CLOCK_SKEW_MS) {
      return `Signature expired: ${req.headers['x-amz-date']} is more than 5 minutes from the current time`;
    }
    const headers: Record<string, string> = {};
    for (const name of signedHeaders) {
      const value = req.headers[name];
      if (typeof value !== 'string') {
        return `signed header ${name} is missing`;
      }
      headers[name] = value;
    }
    // SignatureV4 signs the payload hash from this header when present, so it must be checked against the body itself.
    const payloadHash = headers['x-amz-content-sha256'];
    if (payloadHash !== undefined && payloadHash !== createHash('sha256').update(bodyText).digest('hex')) {
      return 'The x-amz-content-sha256 header does not match the SHA-256 of the body';
    }
    const url = new URL(req.url ?? '', 'http://fake');
    const expected = await this.signer.sign(new HttpRequest({
      method: req.method,
      protocol: 'http:',
      hostname: headers.host.split(':')[0],
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: bodyText === '' ? undefined : bodyText,
    }), { signingDate });
    return expected.headers.authorization === authorization
      ? undefined
      : 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.';
  }
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
