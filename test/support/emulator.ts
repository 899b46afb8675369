import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Credentials and region that make the SDK sign requests without looking anything up on the machine. */
export const TEST_REGION = 'us-east-1';
export const TEST_CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' };

/** Starts an emulator on an ephemeral loopback port, so tests can run in parallel without clashing; returns its URL. */
export async function listenOnLoopback(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** SDK client settings for an emulator: its endpoint, test credentials, and HTTP/1.1 (the emulators speak no HTTP/2). */
export function emulatorClientConfig(endpoint: string) {
  return { endpoint, region: TEST_REGION, credentials: TEST_CREDENTIALS, requestHandler: new NodeHttpHandler() };
}

/** Stops an emulator, closing keep-alive sockets of clients we do not own (e.g. a handler's module-level client). */
export async function closeEmulator(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((err?: Error) => (err ? reject(err) : resolve())));
}
