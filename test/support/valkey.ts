import { ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Redis from 'iovalkey';

/** An ACL user that accepts any password, so a client's AUTH with an IAM token really runs and succeeds. */
export const VALKEY_USER = 'processor';

export interface Valkey {
  readonly host: string;
  readonly port: number;
  /** Connected as the default user, for seeding and inspecting; closed by stop(). */
  readonly client: Redis;
  stop(): Promise<void>;
}

export interface ValkeyOptions {
  /**
   * A one-node cluster that owns every hash slot: it refuses multi-key commands across slots (CROSSSLOT) just as a
   * sharded ElastiCache cluster does.
   */
  readonly cluster?: boolean;
}

/** Installed by test/support/install-emulators.sh, which the test command runs first. */
const SERVER_NAMES = ['valkey-server', 'redis-server'];

const START_TIMEOUT_MS = 10_000;

/**
 * Starts valkey-server (or redis-server) on a free loopback port, in memory only, and waits until it answers PING
 * (and, as a cluster, until every slot is served).
 */
export async function startValkey(options: ValkeyOptions = {}): Promise<Valkey> {
  const binary = findServer();
  const host = '127.0.0.1';
  const port = await freePort(host);
  const dir = mkdtempSync(path.join(tmpdir(), 'valkey-'));
  const args = ['--port', String(port), '--bind', host, '--save', '', '--appendonly', 'no', '--dir', dir];
  if (options.cluster) {
    // A lone node does not know its address until it meets another, and would list its slots under an empty host.
    args.push('--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-announce-ip', host);
  }
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const spawnFailed = new Promise<never>((_, reject) => child.once('error', (err) => reject(new Error(`${binary} did not start: ${err.message}`))));
  const died = exited.then((code) => { throw new Error(`${binary} exited with ${code} before answering PING:\n${output}`); });

  // Commands wait in the offline queue while connections are refused, until the server listens.
  const client = new Redis({ host, port, retryStrategy: () => 20, maxRetriesPerRequest: null });
  client.on('error', () => { /* refused until the server listens; the retry strategy keeps trying */ });
  const stop = async (): Promise<void> => {
    client.disconnect();
    await kill(child, exited);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await withTimeout(Promise.race([ready(client, options), died, spawnFailed]), () => `${binary} did not answer PING within ${START_TIMEOUT_MS} ms:\n${output}`);
  } catch (err) {
    await stop();
    throw err;
  }
  return { host, port, client, stop };
}

async function ready(client: Redis, options: ValkeyOptions): Promise<void> {
  await client.ping();
  await client.call('ACL', 'SETUSER', VALKEY_USER, 'on', 'nopass', '~*', '+@all');
  if (options.cluster) {
    await client.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    while (!(await client.call('CLUSTER', 'INFO') as string).includes('cluster_state:ok')) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

function findServer(): string {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter((d) => d !== '');
  for (const name of SERVER_NAMES) {
    for (const dir of dirs) {
      const candidate = path.join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // Not in this directory; try the next.
      }
    }
  }
  throw new Error(`Neither ${SERVER_NAMES.join(' nor ')} is on PATH; run test/support/install-emulators.sh (the test command does)`);
}

/** A port nothing listens on now; the server binds it moments later, so a clash is possible but unlikely. */
async function freePort(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function kill(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill();
    await exited;
  }
}

async function withTimeout<T>(promise: Promise<T>, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(message())), START_TIMEOUT_MS); });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
