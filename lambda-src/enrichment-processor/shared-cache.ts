import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import Redis, { Cluster } from 'iovalkey';
import { ConfigError, Env, optionalVar, parseBoolean, parseInteger, rejectWithout } from './env';
import { isJsonObject } from './json';
import type { Profile } from './reference';

/** How to sign IAM authentication tokens for an ElastiCache cache. */
export interface IamAuthConfig {
  /** The replication group id, or the serverless cache name. */
  readonly cacheName: string;
  readonly serverless: boolean;
  readonly region: string;
}

/** Where the shared cache is and how to use it; loadSharedCacheConfig reads it from the environment. */
export interface SharedCacheConfig {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  /** Talk the cluster protocol: keys live on the shard that owns their hash slot. */
  readonly clusterMode: boolean;
  /** The user to authenticate as, with an IAM token for its password; required with iamAuth. */
  readonly user?: string;
  /** IAM authentication; the connection is unauthenticated when absent. */
  readonly iamAuth?: IamAuthConfig;
  readonly ttlSeconds: number;
  /** Put before every lookup key, so profiles cannot collide with other data in the cache. */
  readonly keyPrefix: string;
}

/** What loadSharedCacheConfig assumes for a variable that is not set. */
export const SHARED_CACHE_DEFAULTS = {
  tls: true,
  clusterMode: false,
  ttlSeconds: 900,
  keyPrefix: 'profile:',
} as const;

/** Ranges loadSharedCacheConfig enforces: a TTL of 0 would make Valkey refuse every SET. */
export const SHARED_CACHE_RANGES = {
  ttlSeconds: { min: 1, max: 86_400 },
} as const;

const SHARED_CACHE_VARIABLES = [
  'REFERENCE_CACHE_TLS',
  'REFERENCE_CACHE_CLUSTER_MODE',
  'REFERENCE_CACHE_USER',
  'REFERENCE_CACHE_IAM_AUTH_NAME',
  'REFERENCE_CACHE_SERVERLESS',
  'REFERENCE_SHARED_CACHE_TTL_SECONDS',
  'REFERENCE_CACHE_KEY_PREFIX',
] as const;

/**
 * The shared cache tier's settings, or undefined when REFERENCE_CACHE_ENDPOINT is not set. Every bad value is a
 * ConfigError naming its variable, so a misconfigured function fails at start instead of silently skipping the cache.
 */
export function loadSharedCacheConfig(env: Env): SharedCacheConfig | undefined {
  const endpoint = optionalVar(env, 'REFERENCE_CACHE_ENDPOINT');
  if (endpoint === undefined) {
    rejectWithout(env, 'REFERENCE_CACHE_ENDPOINT', SHARED_CACHE_VARIABLES, 'set both, or neither to turn the shared cache off');
    return undefined;
  }
  const { host, port } = parseEndpoint(endpoint);
  const tls = parseBoolean(env, 'REFERENCE_CACHE_TLS', SHARED_CACHE_DEFAULTS.tls);
  const clusterMode = parseBoolean(env, 'REFERENCE_CACHE_CLUSTER_MODE', SHARED_CACHE_DEFAULTS.clusterMode);
  const keyPrefix = optionalVar(env, 'REFERENCE_CACHE_KEY_PREFIX') ?? SHARED_CACHE_DEFAULTS.keyPrefix;
  if (clusterMode && keyPrefix.includes('{')) {
    throw new ConfigError('REFERENCE_CACHE_KEY_PREFIX', `must not contain "{" in cluster mode: a hash tag would put every profile on one shard, got "${keyPrefix}"`);
  }
  const user = optionalVar(env, 'REFERENCE_CACHE_USER');
  const iamAuth = loadIamAuth(env, user, tls);
  return {
    host,
    port,
    tls,
    clusterMode,
    ...(user === undefined ? {} : { user }),
    ...(iamAuth === undefined ? {} : { iamAuth }),
    ttlSeconds: parseInteger(env, 'REFERENCE_SHARED_CACHE_TTL_SECONDS', SHARED_CACHE_DEFAULTS.ttlSeconds, SHARED_CACHE_RANGES.ttlSeconds),
    keyPrefix,
  };
}

function loadIamAuth(env: Env, user: string | undefined, tls: boolean): IamAuthConfig | undefined {
  const cacheName = optionalVar(env, 'REFERENCE_CACHE_IAM_AUTH_NAME');
  if (cacheName === undefined) {
    // No password is ever configured, so a user or a serverless flag means nothing without IAM authentication.
    const stray = (['REFERENCE_CACHE_USER', 'REFERENCE_CACHE_SERVERLESS'] as const).find((name) => optionalVar(env, name) !== undefined);
    if (stray !== undefined) {
      throw new ConfigError(stray, 'is set but REFERENCE_CACHE_IAM_AUTH_NAME is not; it only applies to IAM authentication');
    }
    return undefined;
  }
  if (user === undefined) {
    throw new ConfigError('REFERENCE_CACHE_USER', 'is missing or empty; IAM authentication (REFERENCE_CACHE_IAM_AUTH_NAME) needs the user id to connect as');
  }
  if (!tls) {
    throw new ConfigError('REFERENCE_CACHE_TLS', 'must be true with IAM authentication (REFERENCE_CACHE_IAM_AUTH_NAME): ElastiCache accepts IAM tokens only over TLS');
  }
  const region = optionalVar(env, 'AWS_REGION');
  if (region === undefined) {
    throw new ConfigError('AWS_REGION', 'is missing or empty; IAM authentication signs its tokens for the region');
  }
  return { cacheName, serverless: parseBoolean(env, 'REFERENCE_CACHE_SERVERLESS', false), region };
}

function parseEndpoint(value: string): { host: string; port: number } {
  const match = /^([^\s:]+):(\d{1,5})$/.exec(value.trim());
  const port = match === null ? NaN : Number(match[2]);
  if (match === null || port < 1 || port > 65_535) {
    throw new ConfigError('REFERENCE_CACHE_ENDPOINT', `must be "host:port" with a port from 1 to 65535, got "${value}"`);
  }
  return { host: match[1], port };
}


/** A cache of profiles shared by every instance of the function, between the in-process LRU and the table. */
export interface SharedCache {
  /** The cached outcome of each key that has one, including null for "the table has no item". */
  getMany(keys: readonly string[]): Promise<Map<string, Profile>>;
  /** Caches each outcome for the configured TTL. */
  setMany(entries: ReadonlyMap<string, Profile>): Promise<void>;
}

/** AWS credentials as the SDK's credential providers resolve them. */
export interface CacheCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Resolves current credentials, refreshing them as needed; the SDK's providers (fromNodeProviderChain) fit. */
export type CredentialsProvider = () => Promise<CacheCredentials>;

/** How long an IAM token is valid: ElastiCache accepts at most 15 minutes. */
export const IAM_TOKEN_EXPIRES_SECONDS = 900;

/**
 * An ElastiCache IAM authentication token, the password for AUTH as `user`: a SigV4-presigned
 * `GET http://<cacheName>/?Action=connect&User=<user>` for the service "elasticache", without its `http://`.
 */
export async function iamAuthToken(iam: IamAuthConfig, user: string, credentials: CacheCredentials, now: Date): Promise<string> {
  const signer = new SignatureV4({ service: 'elasticache', region: iam.region, credentials, sha256: Sha256 });
  const request = new HttpRequest({
    method: 'GET',
    protocol: 'http:',
    hostname: iam.cacheName,
    path: '/',
    query: { Action: 'connect', User: user, ...(iam.serverless ? { ResourceType: 'ServerlessCache' } : {}) },
    headers: { host: iam.cacheName },
  });
  const signed = await signer.presign(request, { expiresIn: IAM_TOKEN_EXPIRES_SECONDS, signingDate: now });
  // presign always returns a query: it carries the signature. Every value in it is a single string.
  const query = Object.entries(signed.query!).map(([name, value]) => `${uriEscape(name)}=${uriEscape(String(value))}`).join('&');
  return `${signed.hostname}${signed.path}?${query}`;
}

/** RFC 3986 escaping, as SigV4 canonicalizes: encodeURIComponent leaves !'()* alone. */
function uriEscape(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Connecting and every command give up after this long: the table answers in milliseconds, so a cache slower than this saves nothing. */
export const VALKEY_TIMEOUT_MS = 1000;

/**
 * A client is replaced once its token is this old, so every connection it opens, including those a cluster client
 * opens to new nodes long after it started, authenticates with a token that has not expired.
 */
export const IAM_TOKEN_REFRESH_MS = 10 * 60 * 1000;

type ValkeyClient = Redis | Cluster;

interface Connection {
  readonly client: ValkeyClient;
  /** When its IAM token was made, in ms since the epoch; undefined without IAM authentication. */
  readonly tokenMadeAt?: number;
}

/**
 * ElastiCache for Valkey (or Redis OSS) as the shared cache, read-through, values JSON-encoded with a TTL.
 *
 * Connections are made on demand and reused across warm invocations. The client never reconnects or queues commands
 * by itself: a connection that dropped, or any command that failed, makes the next call open a fresh one (with a fresh
 * IAM token), so a cache that is down costs each call at most one connect timeout and never a reconnect storm.
 *
 * In cluster mode keys hash to slots on different shards, and a multi-key MGET across slots is refused (CROSSSLOT)
 * even on one node, so getMany sends one GET per key instead, which the cluster client's auto-pipelining batches
 * into one pipeline per node: one round trip per shard, load spread like the keys.
 */
export class ValkeyCache implements SharedCache {
  private readonly iam?: { readonly config: IamAuthConfig; readonly user: string };
  private current?: Connection;
  private connecting?: Promise<Connection>;

  /**
   * @param credentials signs IAM tokens; not called without IAM authentication
   * @param now the clock IAM tokens are signed with, injected so tests can fix it
   */
  constructor(
    private readonly config: SharedCacheConfig,
    private readonly credentials: CredentialsProvider,
    private readonly now: () => Date = () => new Date(),
  ) {
    if (config.iamAuth !== undefined) {
      if (config.user === undefined) {
        throw new TypeError('SharedCacheConfig.user is required with iamAuth: the IAM token authenticates that user');
      }
      this.iam = { config: config.iamAuth, user: config.user };
    }
  }

  async getMany(keys: readonly string[]): Promise<Map<string, Profile>> {
    const profiles = new Map<string, Profile>();
    if (keys.length === 0) {
      return profiles;
    }
    const values = await this.run((client) => {
      const names = keys.map((key) => this.config.keyPrefix + key);
      return this.config.clusterMode ? Promise.all(names.map((name) => client.get(name))) : client.mget(names);
    });
    values.forEach((value, i) => {
      const profile = value === null ? undefined : decodeProfile(value);
      if (profile !== undefined) {
        profiles.set(keys[i], profile);
      }
    });
    return profiles;
  }

  async setMany(entries: ReadonlyMap<string, Profile>): Promise<void> {
    if (entries.size === 0) {
      return;
    }
    // Auto-pipelining sends these in one pipeline (per node in cluster mode), where a MSET could not carry a TTL.
    await this.run((client) => Promise.all([...entries].map(([key, profile]) =>
      client.set(this.config.keyPrefix + key, JSON.stringify(profile), 'EX', this.config.ttlSeconds))));
  }

  /** Closes the connection, if any, letting replies in flight arrive; a later call opens a new one. */
  async close(): Promise<void> {
    const connection = this.current;
    this.current = undefined;
    if (connection !== undefined) {
      await quit(connection.client);
    }
  }

  private async run<T>(command: (client: ValkeyClient) => Promise<T>): Promise<T> {
    const connection = await this.connection();
    try {
      return await command(connection.client);
    } catch (err) {
      // A timed-out command may mean a dead socket that the client would go on using: drop it at once, and the
      // next call connects afresh.
      if (this.current === connection) {
        this.current = undefined;
      }
      drop(connection.client);
      throw err;
    }
  }

  private async connection(): Promise<Connection> {
    const current = this.current;
    if (current !== undefined && current.client.status === 'ready' && !this.tokenDue(current)) {
      return current;
    }
    // Concurrent calls share one attempt rather than each opening a connection.
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private tokenDue(connection: Connection): boolean {
    return connection.tokenMadeAt !== undefined && this.now().getTime() - connection.tokenMadeAt >= IAM_TOKEN_REFRESH_MS;
  }

  private async connect(): Promise<Connection> {
    // Not awaited: the old connection, if still up, finishes its replies while the new one is being opened.
    void this.close();
    let auth: { username?: string; password?: string } = {};
    let tokenMadeAt: number | undefined;
    if (this.iam !== undefined) {
      const madeAt = this.now();
      auth = { username: this.iam.user, password: await iamAuthToken(this.iam.config, this.iam.user, await this.credentials(), madeAt) };
      tokenMadeAt = madeAt.getTime();
    }
    const client = this.createClient(auth);
    // The client tells why a connection failed (refused, WRONGPASS, a timed-out ready check) only in an event, and
    // settles its connect promise only once the socket has closed, which a hung server can delay by seconds; a
    // rejected AUTH may even end in "ready", as the default user. So the first error fails the attempt at once.
    // Listening also stops the client printing every error to the console.
    let onError: (err: Error) => void = () => undefined;
    const failed = new Promise<never>((_, reject) => {
      onError = reject;
    });
    client.on('error', (err: Error) => onError(err));
    try {
      await Promise.race([client.connect(), failed]);
    } catch (err) {
      drop(client);
      throw err;
    } finally {
      onError = () => undefined;
    }
    this.current = { client, ...(tokenMadeAt === undefined ? {} : { tokenMadeAt }) };
    return this.current;
  }

  private createClient(auth: { username?: string; password?: string }): ValkeyClient {
    const { host, port, tls, clusterMode } = this.config;
    const connectionOptions = {
      ...auth,
      ...(tls ? { tls: {} } : {}),
      connectTimeout: VALKEY_TIMEOUT_MS,
      commandTimeout: VALKEY_TIMEOUT_MS,
    };
    // Commands fail at once instead of waiting in a queue for a connection, and the client never reconnects by
    // itself (with a token that may have expired): the next call does.
    const failFast = { lazyConnect: true, enableOfflineQueue: false, enableAutoPipelining: true };
    if (clusterMode) {
      return new Cluster([{ host, port }], {
        ...failFast,
        clusterRetryStrategy: () => null,
        slotsRefreshTimeout: VALKEY_TIMEOUT_MS,
        // Connect to nodes by the names the cluster gives them: TLS certificates name hosts, not addresses.
        dnsLookup: (address, callback) => callback(null, address),
        redisOptions: connectionOptions,
      });
    }
    return new Redis({ host, port, ...connectionOptions, ...failFast, retryStrategy: () => null });
  }
}

/** A cached value as a profile, or undefined for one this code did not write (treated as a miss and overwritten). */
function decodeProfile(value: string): Profile | undefined {
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed === null || isJsonObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** QUIT lets replies still in flight arrive; a connection that cannot even do that is dropped. */
async function quit(client: ValkeyClient): Promise<void> {
  try {
    await client.quit();
  } catch {
    drop(client);
  }
}

/** Closes the connection now. One that has ended is left alone: disconnecting it would start a timer that waits in vain for it to close. */
function drop(client: ValkeyClient): void {
  if (client.status !== 'end') {
    client.disconnect();
  }
}
