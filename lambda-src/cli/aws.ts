import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Where the CLI's AWS clients send requests. */
export interface ClientOptions {
  readonly region?: string;
  readonly endpointUrl?: string;
  /** Sockets to keep open: one per request in flight. */
  readonly maxSockets: number;
}

/**
 * HTTP/1.1 keep-alive connections, which emulators and local S3s speak too (the SDK's default, HTTP/2, they do not);
 * a request that hangs fails rather than stalling the command.
 */
export function keepAliveHandler(maxSockets: number): NodeHttpHandler {
  const agent = { keepAlive: true, maxSockets };
  return new NodeHttpHandler({
    httpAgent: agent,
    httpsAgent: agent,
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
    throwOnRequestTimeout: true,
  });
}
