import { createHash } from 'node:crypto';
import * as http from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  BASE_DELAY_MS,
  createSecurityApi,
  DEFAULT_DEADLINE_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  MAX_DELAY_MS,
  SecurityApiOptions,
} from '../../../lambda-src/search-domain-access/security-api';
import { closeEmulator, listenOnLoopback, TEST_CREDENTIALS, TEST_REGION } from '../../support/emulator';
import { FakeSecurityApi, MASTER_ROLE_ARN } from '../../support/opensearch-security-api';

const ROLE = '/_plugins/_security/api/roles/clicks_writer';
const ROLE_BODY = { cluster_permissions: ['cluster_monitor'], index_permissions: [{ index_patterns: ['clicks-*'], allowed_actions: ['crud'] }] };

let fake: FakeSecurityApi;

beforeEach(async () => {
  fake = await FakeSecurityApi.start();
});

afterEach(async () => {
  await fake.close();
});

/** A clock that only moves when the client sleeps, so retries and deadlines are tested without waiting. */
function fakeClock() {
  const state = { now: 1_000_000, sleeps: [] as number[] };
  const options = {
    now: () => state.now,
    sleep: async (ms: number) => {
      state.sleeps.push(ms);
      state.now += ms;
    },
  };
  return { state, options };
}

function client(overrides: Partial<SecurityApiOptions> = {}) {
  return createSecurityApi({
    endpoint: '127.0.0.1',
    port: fake.port,
    protocol: 'http',
    region: TEST_REGION,
    credentials: async () => TEST_CREDENTIALS,
    sleep: async () => {},
    ...overrides,
  });
}

const outcomes = () => fake.requests.map((r) => r.outcome);

describe('createSecurityApi', () => {
  test('defaults to a deadline of 4 minutes, requests of 30 s at most, and backoff from 250 ms to 10 s', () => {
    expect([DEFAULT_DEADLINE_MS, DEFAULT_REQUEST_TIMEOUT_MS, BASE_DELAY_MS, MAX_DELAY_MS]).toEqual([240_000, 30_000, 250, 10_000]);
  });

  test('sends signed JSON requests the fake accepts, and answers their status and parsed body', async () => {
    const api = client();

    expect(await api.send({ method: 'PUT', path: ROLE, body: ROLE_BODY })).toEqual({ status: 201, body: { status: 'CREATED', message: "'clicks_writer' created." } });
    expect(await api.send({ method: 'PUT', path: ROLE, body: ROLE_BODY })).toEqual({ status: 200, body: { status: 'OK', message: "'clicks_writer' updated." } });
    expect((await api.send({ method: 'GET', path: '/_plugins/_security/api/rolesmapping/all_access' })).body).toEqual({
      all_access: { reserved: false, hidden: false, backend_roles: [MASTER_ROLE_ARN], and_backend_roles: [], hosts: [], users: [] },
    });
    expect(await api.send({ method: 'DELETE', path: ROLE })).toEqual({ status: 200, body: { status: 'OK', message: "'clicks_writer' deleted." } });
    expect(fake.requests).toEqual([
      { method: 'PUT', path: ROLE, outcome: 201, body: ROLE_BODY },
      { method: 'PUT', path: ROLE, outcome: 200, body: ROLE_BODY },
      { method: 'GET', path: '/_plugins/_security/api/rolesmapping/all_access', outcome: 200 },
      { method: 'DELETE', path: ROLE, outcome: 200 },
    ]);
  });

  test('signs with the session token that role credentials carry', async () => {
    const credentials = { ...TEST_CREDENTIALS, sessionToken: 'session-token' };
    await fake.close();
    fake = await FakeSecurityApi.start({ credentials });

    expect((await client({ credentials: async () => credentials }).send({ method: 'PUT', path: ROLE, body: ROLE_BODY })).status).toBe(201);
    await expect(client({ credentials: async () => ({ ...credentials, sessionToken: 'another' }) }).send({ method: 'DELETE', path: ROLE }))
      .rejects.toThrow(`DELETE ${ROLE} answered 403: {"message":"The request signature we calculated does not match`);
  });

  test.each<[string, Partial<SecurityApiOptions>]>([
    ['a wrong region', { region: 'eu-west-1' }],
    ['a wrong secret', { credentials: async () => ({ ...TEST_CREDENTIALS, secretAccessKey: 'wrong' }) }],
    ['another access key', { credentials: async () => ({ ...TEST_CREDENTIALS, accessKeyId: 'AKIDOTHER' }) }],
  ])('fails a request signed with %s on the 403 it gets, without retrying', async (_description, overrides) => {
    await expect(client(overrides).send({ method: 'PUT', path: ROLE, body: ROLE_BODY })).rejects.toThrow(
      `PUT ${ROLE} answered 403: {"message":"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method."}`,
    );
    expect(outcomes()).toEqual([403]);
    expect(fake.store.roles.has('clicks_writer')).toBe(false);
  });

  test('fails a request the fake refuses, naming method, path, status and body, without retrying', async () => {
    const path = '/_plugins/_security/api/rolesmapping/all_access';

    await expect(client().send({ method: 'PUT', path, body: { backend_roles: [], reserved: false } })).rejects.toThrow(
      `PUT ${path} answered 400: {"status":"error","reason":"Invalid configuration","invalid_keys":{"keys":"reserved"}}`,
    );
    expect(outcomes()).toEqual([400]);
  });

  test('fails on 404 unless told that not found is an answer', async () => {
    const path = '/_plugins/_security/api/rolesmapping/clicks_writer';

    await expect(client().send({ method: 'GET', path })).rejects.toThrow(`GET ${path} answered 404: {"status":"NOT_FOUND","message":"Resource 'clicks_writer' not found."}`);
    expect(await client().send({ method: 'DELETE', path, notFoundOk: true })).toEqual({
      status: 404,
      body: { status: 'NOT_FOUND', message: "Resource 'clicks_writer' not found." },
    });
  });

  test('cuts long bodies in error messages to 500 characters', async () => {
    fake.injectFaults({ status: 400, body: `${'a'.repeat(500)}${'b'.repeat(1000)}` });

    await expect(client().send({ method: 'GET', path: ROLE })).rejects.toThrow(new Error(`GET ${ROLE} answered 400: ${'a'.repeat(500)}…`));
  });

  test('answers a body that is not JSON as its text', async () => {
    fake.injectFaults({ status: 200, body: 'plain' });

    expect(await client().send({ method: 'GET', path: ROLE })).toEqual({ status: 200, body: 'plain' });
  });

  test('retries throttling, server errors and reset connections with growing, jittered delays', async () => {
    fake.injectFaults({ status: 503 }, { status: 429 }, 'reset', { status: 500 }, { status: 502 });
    const sleeps: number[] = [];
    const retries: string[] = [];

    const response = await client({
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      onRetry: (reason) => retries.push(reason),
    }).send({ method: 'PUT', path: ROLE, body: ROLE_BODY });

    expect(response.status).toBe(201);
    expect(outcomes()).toEqual([503, 429, 'reset', 500, 502, 201]);
    expect(retries).toEqual([
      `PUT ${ROLE} answered 503: {"message":"injected fault 503"}`,
      `PUT ${ROLE} answered 429: {"message":"injected fault 429"}`,
      expect.stringMatching(new RegExp(`^PUT ${ROLE} failed: .+ \\(ECONNRESET\\)$`)),
      `PUT ${ROLE} answered 500: {"message":"injected fault 500"}`,
      `PUT ${ROLE} answered 502: {"message":"injected fault 502"}`,
    ]);
    sleeps.forEach((ms, i) => {
      const ceiling = BASE_DELAY_MS * 2 ** i;
      expect(ms).toBeGreaterThanOrEqual(ceiling / 2);
      expect(ms).toBeLessThan(ceiling);
    });
  });

  test('caps the delay between retries at 10 s', async () => {
    fake.injectFaults(...Array.from({ length: 9 }, () => ({ status: 503 })));
    const clock = fakeClock();

    await client({ ...clock.options, random: () => 0.999 }).send({ method: 'GET', path: '/_plugins/_security/api/rolesmapping/all_access' });

    expect(clock.state.sleeps).toEqual([249, 499, 999, 1999, 3998, 7996, 9995, 9995, 9995]);
  });

  test('gives up when the next attempt would start after the deadline, saying how often it tried', async () => {
    fake.injectFaults(...Array.from({ length: 20 }, () => ({ status: 503 })));
    const clock = fakeClock();

    await expect(client({ ...clock.options, random: () => 0.5, deadlineMs: 5_000 }).send({ method: 'DELETE', path: ROLE })).rejects.toThrow(
      new Error(`DELETE ${ROLE} answered 503: {"message":"injected fault 503"} (gave up after 5 attempts: the next would start after the deadline of 5000 ms)`),
    );
    expect(clock.state.sleeps).toEqual([187, 375, 750, 1500]);
  });

  test('sends nothing once the deadline has passed', async () => {
    const clock = fakeClock();
    const api = client({ ...clock.options, deadlineMs: 1_000 });
    clock.state.now += 1_000;

    await expect(api.send({ method: 'GET', path: ROLE })).rejects.toThrow(`GET ${ROLE} not sent: the deadline of 1000 ms has passed`);
    expect(fake.requests).toEqual([]);
  });

  test('retries 401 and 403 only within the window given for a new domain', async () => {
    fake.injectFaults({ status: 403 }, { status: 401 }, { status: 403 }, { status: 403 });
    const clock = fakeClock();

    await expect(client({ ...clock.options, random: () => 0.5, authRetryWindowMs: 1_000 }).send({ method: 'GET', path: ROLE })).rejects.toThrow(
      new Error(`GET ${ROLE} answered 403: {"message":"injected fault 403"}`),
    );
    // Waits of 187, 375 and 750 ms: the fourth attempt starts 1,312 ms after the client was created.
    expect(outcomes()).toEqual([403, 401, 403, 403]);
  });

  test('gets through once a new domain trusts its master role', async () => {
    fake.injectFaults({ status: 403 }, { status: 401 });

    expect((await client({ authRetryWindowMs: 120_000 }).send({ method: 'PUT', path: ROLE, body: ROLE_BODY })).status).toBe(201);
    expect(outcomes()).toEqual([403, 401, 201]);
  });

  test('times out a request without an answer and retries it', async () => {
    fake.injectFaults('hang');
    const retries: string[] = [];

    const response = await client({ requestTimeoutMs: 200, onRetry: (reason) => retries.push(reason) }).send({ method: 'PUT', path: ROLE, body: ROLE_BODY });

    expect(response.status).toBe(201);
    expect(retries).toEqual([`PUT ${ROLE} failed: no response within 200 ms (ETIMEDOUT)`]);
  });

  test('shortens the last request\'s timeout to the deadline', async () => {
    fake.injectFaults('hang');
    const started = Date.now();

    await expect(client({ deadlineMs: 300 }).send({ method: 'GET', path: ROLE })).rejects.toThrow(/^GET \S+ failed: no response within \d+ ms \(ETIMEDOUT\) \(gave up after 1 attempts/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test('retries a refused connection until the deadline', async () => {
    const closed = http.createServer();
    const port = Number(new URL(await listenOnLoopback(closed)).port);
    await closeEmulator(closed);
    const clock = fakeClock();

    await expect(client({ ...clock.options, port, deadlineMs: 2_000 }).send({ method: 'GET', path: ROLE })).rejects.toThrow(
      new RegExp(`^GET ${ROLE} failed: .*\\(ECONNREFUSED\\) \\(gave up after \\d+ attempts`),
    );
    expect(clock.state.sleeps.length).toBeGreaterThan(2);
  });

  test('does not retry a failure no retry can mend, such as a TLS handshake with a server that speaks plain HTTP', async () => {
    const retries: string[] = [];

    await expect(client({ protocol: 'https', onRetry: (reason) => retries.push(reason) }).send({ method: 'GET', path: ROLE })).rejects.toThrow(
      new RegExp(`^GET ${ROLE} failed: .+`),
    );
    expect(retries).toEqual([]);
  });

  test('fails without sending when credentials cannot be found', async () => {
    const noCredentials = async () => {
      throw new Error('Could not load credentials from any providers');
    };

    await expect(client({ credentials: noCredentials }).send({ method: 'GET', path: ROLE })).rejects.toThrow('Could not load credentials from any providers');
    expect(fake.requests).toEqual([]);
  });
});

describe('FakeSecurityApi', () => {
  /** A request signed as the client signs it, then sent as given, so that tests can change it after signing. */
  interface Change {
    readonly body?: string;
    readonly payloadHash?: boolean;
    readonly signingDate?: Date;
    readonly omitAuthorization?: boolean;
  }

  async function sendRaw(change: Change) {
    const body = JSON.stringify(ROLE_BODY);
    const signer = new SignatureV4({ service: 'es', region: TEST_REGION, credentials: TEST_CREDENTIALS, sha256: Sha256 });
    const host = `127.0.0.1:${fake.port}`;
    const signed = await signer.sign(
      new HttpRequest({ method: 'PUT', protocol: 'http:', hostname: '127.0.0.1', port: fake.port, path: ROLE, headers: { host, 'content-type': 'application/json' }, body }),
      { signingDate: change.signingDate },
    );
    const headers = { ...signed.headers };
    if (change.omitAuthorization === true) {
      delete headers.authorization;
    }
    if (change.payloadHash === true) {
      headers['x-amz-content-sha256'] = createHash('sha256').update(change.body ?? '').digest('hex');
    }
    const response = await fetch(`http://${host}${ROLE}`, { method: 'PUT', headers, body: change.body ?? body });
    return { status: response.status, body: await response.json() as { message: string } };
  }

  test('accepts a request signed as the client signs it', async () => {
    expect((await sendRaw({})).status).toBe(201);
  });

  test.each<[string, Change, RegExp]>([
    ['without a signature', { omitAuthorization: true }, /^Authorization header is missing or malformed/],
    ['whose body changed after signing', { body: JSON.stringify({ ...ROLE_BODY, cluster_permissions: ['*'] }) }, /^The x-amz-content-sha256 header does not match/],
    ['whose payload hash changed with its body', { body: '{}', payloadHash: true }, /^The request signature we calculated does not match/],
    ['signed 10 minutes ago', { signingDate: new Date(Date.now() - 600_000) }, /^Signature expired: \d{8}T\d{6}Z is more than 5 minutes from the current time$/],
  ])('refuses a request %s with 403', async (_description, change, message) => {
    const response = await sendRaw(change);

    expect(response.status).toBe(403);
    expect(response.body.message).toMatch(message);
    expect(fake.store.roles.has('clicks_writer')).toBe(false);
  });
});
