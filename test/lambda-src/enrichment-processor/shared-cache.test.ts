import { createHash, createHmac } from 'node:crypto';
import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { configError } from './fixtures';
import {
  CacheCredentials,
  CredentialsProvider,
  IAM_TOKEN_REFRESH_MS,
  iamAuthToken,
  IamAuthConfig,
  loadSharedCacheConfig,
  SharedCacheConfig,
  ValkeyCache,
} from '../../../lambda-src/enrichment-processor/shared-cache';
import { startValkey, Valkey, VALKEY_USER } from '../../support/valkey';

const ENDPOINT = { REFERENCE_CACHE_ENDPOINT: 'profiles.abc123.use1.cache.amazonaws.com:6379' };
const IAM_ENV = {
  ...ENDPOINT,
  REFERENCE_CACHE_USER: 'processor',
  REFERENCE_CACHE_IAM_AUTH_NAME: 'profiles',
  AWS_REGION: 'eu-west-1',
};

describe('loadSharedCacheConfig', () => {
  test('is off without an endpoint, even when it is blank', () => {
    expect(loadSharedCacheConfig({})).toBeUndefined();
    expect(loadSharedCacheConfig({ REFERENCE_CACHE_ENDPOINT: ' ' })).toBeUndefined();
  });

  test('defaults to TLS, no cluster mode, no authentication, 900 s and the "profile:" prefix', () => {
    expect(loadSharedCacheConfig(ENDPOINT)).toEqual({
      host: 'profiles.abc123.use1.cache.amazonaws.com',
      port: 6379,
      tls: true,
      clusterMode: false,
      ttlSeconds: 900,
      keyPrefix: 'profile:',
    });
  });

  test('reads every setting, IAM authentication included', () => {
    const config = loadSharedCacheConfig({
      ...IAM_ENV,
      REFERENCE_CACHE_TLS: 'TRUE',
      REFERENCE_CACHE_CLUSTER_MODE: 'true',
      REFERENCE_CACHE_SERVERLESS: 'true',
      REFERENCE_SHARED_CACHE_TTL_SECONDS: '86400',
      REFERENCE_CACHE_KEY_PREFIX: 'p:v2:',
    });

    expect(config).toEqual({
      host: 'profiles.abc123.use1.cache.amazonaws.com',
      port: 6379,
      tls: true,
      clusterMode: true,
      user: 'processor',
      iamAuth: { cacheName: 'profiles', serverless: true, region: 'eu-west-1' },
      ttlSeconds: 86_400,
      keyPrefix: 'p:v2:',
    });
  });

  test('accepts plain connections, the shortest TTL and a replication group (not serverless) by default', () => {
    expect(loadSharedCacheConfig({ ...ENDPOINT, REFERENCE_CACHE_TLS: 'false', REFERENCE_SHARED_CACHE_TTL_SECONDS: '1' }))
      .toEqual(expect.objectContaining({ tls: false, ttlSeconds: 1 }));
    expect(loadSharedCacheConfig(IAM_ENV)!.iamAuth).toEqual({ cacheName: 'profiles', serverless: false, region: 'eu-west-1' });
  });

  test.each([
    ['REFERENCE_CACHE_ENDPOINT', { REFERENCE_CACHE_ENDPOINT: 'cache.example' },
      'REFERENCE_CACHE_ENDPOINT must be "host:port" with a port from 1 to 65535, got "cache.example"'],
    ['REFERENCE_CACHE_ENDPOINT', { REFERENCE_CACHE_ENDPOINT: ':6379' },
      'REFERENCE_CACHE_ENDPOINT must be "host:port" with a port from 1 to 65535, got ":6379"'],
    ['REFERENCE_CACHE_ENDPOINT', { REFERENCE_CACHE_ENDPOINT: 'cache.example:0' },
      'REFERENCE_CACHE_ENDPOINT must be "host:port" with a port from 1 to 65535, got "cache.example:0"'],
    ['REFERENCE_CACHE_ENDPOINT', { REFERENCE_CACHE_ENDPOINT: 'cache.example:65536' },
      'REFERENCE_CACHE_ENDPOINT must be "host:port" with a port from 1 to 65535, got "cache.example:65536"'],
    ['REFERENCE_CACHE_TLS', { ...ENDPOINT, REFERENCE_CACHE_TLS: 'yes' },
      'REFERENCE_CACHE_TLS must be "true" or "false", got "yes"'],
    ['REFERENCE_CACHE_CLUSTER_MODE', { ...ENDPOINT, REFERENCE_CACHE_CLUSTER_MODE: '1' },
      'REFERENCE_CACHE_CLUSTER_MODE must be "true" or "false", got "1"'],
    ['REFERENCE_SHARED_CACHE_TTL_SECONDS', { ...ENDPOINT, REFERENCE_SHARED_CACHE_TTL_SECONDS: '0' },
      'REFERENCE_SHARED_CACHE_TTL_SECONDS must be an integer from 1 to 86400, got "0"'],
    ['REFERENCE_SHARED_CACHE_TTL_SECONDS', { ...ENDPOINT, REFERENCE_SHARED_CACHE_TTL_SECONDS: '86401' },
      'REFERENCE_SHARED_CACHE_TTL_SECONDS must be an integer from 1 to 86400, got "86401"'],
    ['REFERENCE_SHARED_CACHE_TTL_SECONDS', { ...ENDPOINT, REFERENCE_SHARED_CACHE_TTL_SECONDS: '1.5' },
      'REFERENCE_SHARED_CACHE_TTL_SECONDS must be an integer from 1 to 86400, got "1.5"'],
    ['REFERENCE_CACHE_KEY_PREFIX', { ...ENDPOINT, REFERENCE_CACHE_CLUSTER_MODE: 'true', REFERENCE_CACHE_KEY_PREFIX: '{profile}:' },
      'REFERENCE_CACHE_KEY_PREFIX must not contain "{" in cluster mode: a hash tag would put every profile on one shard, got "{profile}:"'],
    ['REFERENCE_CACHE_USER', { ...IAM_ENV, REFERENCE_CACHE_USER: undefined },
      'REFERENCE_CACHE_USER is missing or empty; IAM authentication (REFERENCE_CACHE_IAM_AUTH_NAME) needs the user id to connect as'],
    ['REFERENCE_CACHE_USER', { ...ENDPOINT, REFERENCE_CACHE_USER: 'processor' },
      'REFERENCE_CACHE_USER is set but REFERENCE_CACHE_IAM_AUTH_NAME is not; it only applies to IAM authentication'],
    ['REFERENCE_CACHE_SERVERLESS', { ...ENDPOINT, REFERENCE_CACHE_SERVERLESS: 'true' },
      'REFERENCE_CACHE_SERVERLESS is set but REFERENCE_CACHE_IAM_AUTH_NAME is not; it only applies to IAM authentication'],
    ['REFERENCE_CACHE_SERVERLESS', { ...IAM_ENV, REFERENCE_CACHE_SERVERLESS: 'maybe' },
      'REFERENCE_CACHE_SERVERLESS must be "true" or "false", got "maybe"'],
    ['REFERENCE_CACHE_TLS', { ...IAM_ENV, REFERENCE_CACHE_TLS: 'false' },
      'REFERENCE_CACHE_TLS must be true with IAM authentication (REFERENCE_CACHE_IAM_AUTH_NAME): ElastiCache accepts IAM tokens only over TLS'],
    ['AWS_REGION', { ...IAM_ENV, AWS_REGION: '' },
      'AWS_REGION is missing or empty; IAM authentication signs its tokens for the region'],
  ])('names %s: %j', (variable, env, message) => {
    const err = configError(() => loadSharedCacheConfig(env));

    expect(err.variable).toBe(variable);
    expect(err.message).toBe(message);
  });

  test('allows a "{" in the prefix without cluster mode, where keys are not sharded', () => {
    expect(loadSharedCacheConfig({ ...ENDPOINT, REFERENCE_CACHE_KEY_PREFIX: '{profile}:' })!.keyPrefix).toBe('{profile}:');
  });

  test.each([
    'REFERENCE_CACHE_TLS',
    'REFERENCE_CACHE_CLUSTER_MODE',
    'REFERENCE_CACHE_USER',
    'REFERENCE_CACHE_IAM_AUTH_NAME',
    'REFERENCE_CACHE_SERVERLESS',
    'REFERENCE_SHARED_CACHE_TTL_SECONDS',
    'REFERENCE_CACHE_KEY_PREFIX',
  ])('rejects %s without an endpoint: most likely the endpoint was forgotten', (variable) => {
    const err = configError(() => loadSharedCacheConfig({ [variable]: 'true' }));

    expect(err.variable).toBe(variable);
    expect(err.message).toBe(`${variable} is set but REFERENCE_CACHE_ENDPOINT is not; set both, or neither to turn the shared cache off`);
  });
});

const CREDENTIALS: CacheCredentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const IAM: IamAuthConfig = { cacheName: 'profiles', serverless: false, region: 'eu-west-1' };
const SIGNED_AT = new Date('2024-06-01T12:34:56.789Z');

/** The query of a token as name-value pairs, decoded. */
function tokenQuery(token: string): Map<string, string> {
  return new Map(new URLSearchParams(token.slice(token.indexOf('?') + 1)));
}

/**
 * The signature a token must carry, computed from the SigV4 specification with node:crypto alone, independently of
 * the signer the implementation uses: a presigned GET whose signed header is host and whose payload is empty.
 */
function specSignature(token: string, secretAccessKey: string): string {
  const host = token.slice(0, token.indexOf('/'));
  const query = tokenQuery(token);
  const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const canonicalQuery = [...query].filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => `${rfc3986(name)}=${rfc3986(value)}`)
    .sort()
    .join('&');
  const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
  const canonicalRequest = ['GET', '/', canonicalQuery, `host:${host}`, '', 'host', sha256('')].join('\n');
  const [, ...scope] = query.get('X-Amz-Credential')!.split('/');
  const stringToSign = ['AWS4-HMAC-SHA256', query.get('X-Amz-Date'), scope.join('/'), sha256(canonicalRequest)].join('\n');
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  const signingKey = scope.reduce<Buffer | string>((key, part) => hmac(key, part), `AWS4${secretAccessKey}`);
  return createHmac('sha256', signingKey).update(stringToSign).digest('hex');
}

describe('iamAuthToken', () => {
  test('is a presigned connect request for the cache and user, without the scheme, valid for 900 s', async () => {
    const token = await iamAuthToken(IAM, 'processor', CREDENTIALS, SIGNED_AT);

    expect(token.startsWith('profiles/?Action=connect&User=processor&')).toBe(true);
    expect(token).not.toContain('http');
    // The scope's slashes are escaped in the token itself, as a URL query requires.
    expect(token).toContain('X-Amz-Credential=AKIDEXAMPLE%2F20240601%2Feu-west-1%2Felasticache%2Faws4_request');
    const query = tokenQuery(token);
    expect([...query.keys()].sort()).toEqual([
      'Action', 'User', 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-Signature', 'X-Amz-SignedHeaders',
    ]);
    expect(Object.fromEntries([...query].filter(([name]) => name !== 'X-Amz-Signature'))).toEqual({
      'Action': 'connect',
      'User': 'processor',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIDEXAMPLE/20240601/eu-west-1/elasticache/aws4_request',
      'X-Amz-Date': '20240601T123456Z',
      'X-Amz-Expires': '900',
      'X-Amz-SignedHeaders': 'host',
    });
    expect(query.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(query.get('X-Amz-Signature')).toBe(specSignature(token, CREDENTIALS.secretAccessKey));
  });

  test('names the resource type for a serverless cache, and signs it', async () => {
    const token = await iamAuthToken({ ...IAM, serverless: true }, 'processor', CREDENTIALS, SIGNED_AT);
    const replicationGroupToken = await iamAuthToken(IAM, 'processor', CREDENTIALS, SIGNED_AT);

    expect(tokenQuery(token).get('ResourceType')).toBe('ServerlessCache');
    expect(tokenQuery(token).get('X-Amz-Signature')).toBe(specSignature(token, CREDENTIALS.secretAccessKey));
    expect(tokenQuery(token).get('X-Amz-Signature')).not.toBe(tokenQuery(replicationGroupToken).get('X-Amz-Signature'));
  });

  test('carries and signs the session token of temporary credentials, escaped', async () => {
    const sessionToken = 'IQoJb3JpZ2luX2VjE+/Zm9v=';
    const token = await iamAuthToken(IAM, 'processor', { ...CREDENTIALS, sessionToken }, SIGNED_AT);

    expect(token).toContain('X-Amz-Security-Token=IQoJb3JpZ2luX2VjE%2B%2FZm9v%3D');
    expect(tokenQuery(token).get('X-Amz-Security-Token')).toBe(sessionToken);
    expect(tokenQuery(token).get('X-Amz-Signature')).toBe(specSignature(token, CREDENTIALS.secretAccessKey));
  });

  test('is the same for the same inputs, and the signature changes with the user, the cache, the time and the key', async () => {
    const signature = async (iam: IamAuthConfig, user: string, credentials: CacheCredentials, now: Date) =>
      tokenQuery(await iamAuthToken(iam, user, credentials, now)).get('X-Amz-Signature');
    const base = await signature(IAM, 'processor', CREDENTIALS, SIGNED_AT);

    expect(await signature(IAM, 'processor', CREDENTIALS, SIGNED_AT)).toBe(base);
    const variants = await Promise.all([
      signature(IAM, 'processor2', CREDENTIALS, SIGNED_AT),
      signature({ ...IAM, cacheName: 'other' }, 'processor', CREDENTIALS, SIGNED_AT),
      signature({ ...IAM, region: 'us-east-1' }, 'processor', CREDENTIALS, SIGNED_AT),
      signature(IAM, 'processor', CREDENTIALS, new Date(SIGNED_AT.getTime() + 1000)),
      signature(IAM, 'processor', { ...CREDENTIALS, secretAccessKey: 'another-secret' }, SIGNED_AT),
    ]);
    expect(new Set([base, ...variants]).size).toBe(6);
  });
});

const PROFILE = { user_id: 'u1', tier: 'gold', since: 2019, tags: ['a', 'b'], address: { city: 'Lyon' } };
const noCredentials: CredentialsProvider = () => Promise.reject(new Error('credentials are not needed without IAM authentication'));

let valkey: Valkey;
const caches: ValkeyCache[] = [];
let prefixes = 0;

/** A cache on the test server with keys of its own, closed after each test. */
function cacheFor(overrides: Partial<SharedCacheConfig> = {}, credentials: CredentialsProvider = noCredentials, now?: () => Date): ValkeyCache {
  prefixes++;
  const config: SharedCacheConfig = {
    host: valkey.host, port: valkey.port, tls: false, clusterMode: false, ttlSeconds: 120, keyPrefix: `t${prefixes}:`, ...overrides,
  };
  const cache = new ValkeyCache(config, credentials, now);
  caches.push(cache);
  return cache;
}

/** Ids of the server's connections authenticated as the user. */
async function connectionsOf(user: string, server: Valkey = valkey): Promise<string[]> {
  const list = await server.client.call('CLIENT', 'LIST') as string;
  return list.split('\n').filter((line) => line.includes(` user=${user} `)).map((line) => /^id=(\d+)/.exec(line)![1]);
}

beforeAll(async () => {
  valkey = await startValkey();
});

afterEach(async () => {
  await Promise.all(caches.splice(0).map((cache) => cache.close()));
});

afterAll(async () => {
  await valkey.stop();
});

describe('ValkeyCache', () => {
  test('round-trips profiles and "no item" markers as JSON with the TTL, and misses unknown keys', async () => {
    const cache = cacheFor({ keyPrefix: 'rt:' });

    await cache.setMany(new Map([['u1', PROFILE], ['u2', null]]));
    const found = await cache.getMany(['u1', 'u2', 'u3']);

    expect(found).toEqual(new Map([['u1', PROFILE], ['u2', null]]));
    expect(await valkey.client.get('rt:u1')).toBe(JSON.stringify(PROFILE));
    expect(await valkey.client.get('rt:u2')).toBe('null');
    for (const key of ['rt:u1', 'rt:u2']) {
      const ttl = await valkey.client.ttl(key);
      expect(ttl).toBeGreaterThan(110);
      expect(ttl).toBeLessThanOrEqual(120);
    }
  });

  test('an overwrite replaces the value and renews the TTL', async () => {
    const cache = cacheFor({ keyPrefix: 'ow:', ttlSeconds: 5 });
    await valkey.client.set('ow:u1', 'null', 'EX', 1);

    await cache.setMany(new Map([['u1', PROFILE]]));

    expect(await cache.getMany(['u1'])).toEqual(new Map([['u1', PROFILE]]));
    expect(await valkey.client.ttl('ow:u1')).toBeGreaterThan(1);
  });

  test('treats values it did not write as misses', async () => {
    const cache = cacheFor({ keyPrefix: 'bad:' });
    await valkey.client.mset('bad:u1', 'not json', 'bad:u2', '[1,2]', 'bad:u3', '"text"', 'bad:u4', '{"tier":"gold"}');

    expect(await cache.getMany(['u1', 'u2', 'u3', 'u4'])).toEqual(new Map([['u4', { tier: 'gold' }]]));
  });

  test('nothing to get or set needs no connection', async () => {
    const cache = cacheFor({ port: await closedPort() });

    expect(await cache.getMany([])).toEqual(new Map());
    await expect(cache.setMany(new Map())).resolves.toBeUndefined();
  });

  test('authenticates as the user with the IAM token, and keeps one connection across calls', async () => {
    const credentials = jest.fn(async () => CREDENTIALS);
    const iamAuth = { cacheName: 'profiles', serverless: false, region: 'eu-west-1' };
    const expectedToken = await iamAuthToken(iamAuth, 'iam-exact', CREDENTIALS, SIGNED_AT);
    // This user accepts exactly the token the cache must send, so anything else fails to authenticate.
    await valkey.client.call('ACL', 'SETUSER', 'iam-exact', 'on', 'resetpass', `>${expectedToken}`, '~*', '+@all');
    const cache = cacheFor({ user: 'iam-exact', iamAuth }, credentials, () => SIGNED_AT);

    await cache.setMany(new Map([['u1', PROFILE]]));
    await cache.getMany(['u1']);
    await cache.getMany(['u2']);

    expect(await connectionsOf('iam-exact')).toHaveLength(1);
    expect(credentials).toHaveBeenCalledTimes(1);
  });

  test('a token the server does not accept makes calls reject with the reason', async () => {
    await valkey.client.call('ACL', 'SETUSER', 'iam-strict', 'on', 'resetpass', '>some-other-token', '~*', '+@all');
    const cache = cacheFor({ user: 'iam-strict', iamAuth: IAM }, async () => CREDENTIALS, () => SIGNED_AT);

    await expect(cache.getMany(['u1'])).rejects.toThrow(/WRONGPASS/);
    await expect(cache.setMany(new Map([['u1', null]]))).rejects.toThrow(/WRONGPASS/);
  });

  test('an IAM user needs a user name', () => {
    expect(() => new ValkeyCache({ ...loadSharedCacheConfig(IAM_ENV)!, user: undefined }, noCredentials))
      .toThrow('SharedCacheConfig.user is required with iamAuth: the IAM token authenticates that user');
  });

  test('reconnects with a fresh token once the token is due, and not before', async () => {
    const time = { now: SIGNED_AT.getTime() };
    const clock = () => new Date(time.now);
    const firstToken = await iamAuthToken(IAM, 'iam-rotating', CREDENTIALS, SIGNED_AT);
    const laterToken = await iamAuthToken(IAM, 'iam-rotating', CREDENTIALS, new Date(SIGNED_AT.getTime() + IAM_TOKEN_REFRESH_MS));
    await valkey.client.call('ACL', 'SETUSER', 'iam-rotating', 'on', 'resetpass', `>${firstToken}`, '~*', '+@all');
    const cache = cacheFor({ user: 'iam-rotating', iamAuth: IAM }, async () => CREDENTIALS, clock);
    await cache.getMany(['u1']);
    const [first] = await connectionsOf('iam-rotating');
    // From now on only the later token authenticates; the open connection stays authenticated.
    await valkey.client.call('ACL', 'SETUSER', 'iam-rotating', 'resetpass', `>${laterToken}`);

    time.now += IAM_TOKEN_REFRESH_MS - 1;
    await cache.getMany(['u1']);
    expect(await connectionsOf('iam-rotating')).toEqual([first]);

    time.now += 1;
    await cache.getMany(['u1']);
    const after = await connectionsOf('iam-rotating');
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(first);
  });

  test('a dropped connection is replaced by the next call', async () => {
    const cache = cacheFor({ user: VALKEY_USER, iamAuth: IAM, keyPrefix: 'drop:' }, async () => CREDENTIALS);
    await cache.setMany(new Map([['u1', PROFILE]]));
    const [first] = await connectionsOf(VALKEY_USER);

    await valkey.client.call('CLIENT', 'KILL', 'ID', first);
    // The call racing the close may fail or reconnect; the one after it must find the cache again.
    await cache.getMany(['u1']).catch(() => undefined);

    expect(await cache.getMany(['u1'])).toEqual(new Map([['u1', PROFILE]]));
    expect(await connectionsOf(VALKEY_USER)).not.toContain(first);
  });

  test('with TLS on, it waits for a TLS handshake, which a plaintext server never completes, only until the connect timeout', async () => {
    const cache = cacheFor({ tls: true });

    await expect(cache.getMany(['u1'])).rejects.toThrow('connect ETIMEDOUT');
  });

  test('a cache that refuses connections makes every call reject', async () => {
    const cache = cacheFor({ port: await closedPort() });

    await expect(cache.getMany(['u1'])).rejects.toThrow(/ECONNREFUSED/);
    await expect(cache.setMany(new Map([['u1', null]]))).rejects.toThrow(/ECONNREFUSED/);
  });

  test('a server that accepts connections but never answers makes calls reject after the timeout', async () => {
    const silent = await silentServer();
    try {
      const cache = cacheFor({ port: silent.port });

      await expect(cache.getMany(['u1'])).rejects.toThrow(/timed out/i);
      await expect(cache.setMany(new Map([['u1', null]]))).rejects.toThrow(/timed out/i);
    } finally {
      await silent.close();
    }
  });

  test('a server that stops while connected makes calls reject', async () => {
    const doomed = await startValkey();
    const cache = cacheFor({ host: doomed.host, port: doomed.port, keyPrefix: 'doomed:' });
    await cache.setMany(new Map([['u1', PROFILE]]));
    expect(await cache.getMany(['u1'])).toEqual(new Map([['u1', PROFILE]]));

    await doomed.stop();

    await expect(cache.getMany(['u1'])).rejects.toThrow();
    await expect(cache.setMany(new Map([['u1', PROFILE]]))).rejects.toThrow();
    await expect(cache.getMany(['u1'])).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('ValkeyCache in cluster mode', () => {
  let cluster: Valkey;

  beforeAll(async () => {
    cluster = await startValkey({ cluster: true });
  });

  afterAll(async () => {
    await cluster.stop();
  });

  const KEYS = Array.from({ length: 40 }, (_, i) => `user-${i}`);
  const slotsOf = (keys: readonly string[], prefix: string) =>
    Promise.all(keys.map((key) => cluster.client.call('CLUSTER', 'KEYSLOT', prefix + key) as Promise<number>));

  test('the keys span many slots, across which the server refuses a multi-key MGET', async () => {
    expect(new Set(await slotsOf(KEYS, 'profile:')).size).toBeGreaterThan(30);
    await expect(cluster.client.mget(KEYS.map((key) => `profile:${key}`))).rejects.toThrow(/CROSSSLOT/);
  });

  test('gets and sets keys in many slots', async () => {
    const cache = cacheFor({ host: cluster.host, port: cluster.port, clusterMode: true, keyPrefix: 'profile:' });
    const entries = new Map(KEYS.map((key, i) => [key, i % 4 === 0 ? null : { user_id: key, n: i }]));

    await cache.setMany(entries);

    expect(await cache.getMany([...KEYS, 'user-unknown'])).toEqual(entries);
    expect(await cluster.client.ttl('profile:user-7')).toBeGreaterThan(110);
  });

  test('without cluster mode the same lookups are refused', async () => {
    const cache = cacheFor({ host: cluster.host, port: cluster.port, keyPrefix: 'profile:' });

    await expect(cache.getMany(KEYS)).rejects.toThrow(/CROSSSLOT/);
  });
});

describe('startValkey', () => {
  test('says how to install the server when neither binary is on PATH', async () => {
    const path = process.env.PATH;
    process.env.PATH = '';
    try {
      await expect(startValkey()).rejects.toThrow(
        'Neither valkey-server nor redis-server is on PATH; run test/support/install-emulators.sh (the test command does)');
    } finally {
      process.env.PATH = path;
    }
  });
});

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A loopback server that accepts connections and never says a word, like a cache that hangs. */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      sockets.forEach((socket) => socket.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
