import * as http from 'node:http';
import * as https from 'node:https';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { JsonObject } from '../enrichment-processor/json';

export interface ApiRequest {
  readonly method: 'GET' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly body?: JsonObject;
  /** Answers 404 instead of failing, for reads of what may not exist yet and deletes of what may be gone. */
  readonly notFoundOk?: boolean;
}

export interface ApiResponse {
  readonly status: number;
  /** The parsed JSON body, or the text when it is not JSON. */
  readonly body: unknown;
}

export interface SecurityApi {
  /** Resolves on 200 and 201 (and 404 when `notFoundOk`); rejects with an error naming the request otherwise. */
  send(request: ApiRequest): Promise<ApiResponse>;
}

export interface SecurityApiOptions {
  /** The domain endpoint's host name, without scheme. */
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: AwsCredentialIdentityProvider;
  /** http and a port are for tests against a local fake; domains answer https only. */
  readonly protocol?: 'https' | 'http';
  readonly port?: number;
  /** No attempt starts later than this after the client was created, so that the function answers before its timeout. */
  readonly deadlineMs?: number;
  readonly requestTimeoutMs?: number;
  /** For this long after the client was created, 401 and 403 are retried: a new domain takes a while to trust its master role. */
  readonly authRetryWindowMs?: number;
  /** Told of each failed attempt before the wait for the next, so that a long wait is not silent. */
  readonly onRetry?: (reason: string, delayMs: number) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly random?: () => number;
}

/** The function's timeout is 5 minutes; this leaves a minute to answer CloudFormation even after a slow last request. */
export const DEFAULT_DEADLINE_MS = 240_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const BASE_DELAY_MS = 250;
export const MAX_DELAY_MS = 10_000;
/** Longer bodies (OpenSearch's stack traces) are cut in error messages, which end up in CloudFormation events. */
export const MAX_BODY_IN_MESSAGE = 500;

const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH',
]);

type Attempt = { readonly response: ApiResponse } | { readonly failure: Error; readonly transient: boolean };

/** A client of the OpenSearch Security REST API that signs each request with SigV4 and retries transient failures. */
export function createSecurityApi(options: SecurityApiOptions): SecurityApi {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => sleepFor(ms));
  const random = options.random ?? Math.random;
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const protocol = options.protocol ?? 'https';
  const signer = new SignatureV4({ service: 'es', region: options.region, credentials: options.credentials, sha256: Sha256 });
  const createdAt = now();
  const deadline = createdAt + deadlineMs;

  function transientStatus(status: number): boolean {
    const authPending = (status === 401 || status === 403) && now() - createdAt < (options.authRetryWindowMs ?? 0);
    return status === 429 || status >= 500 || authPending;
  }

  async function attempt(request: ApiRequest, timeoutMs: number): Promise<Attempt> {
    const { method, path } = request;
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const host = options.port === undefined ? options.endpoint : `${options.endpoint}:${options.port}`;
    // Signed before each attempt, as SigV4 signatures expire and credentials rotate.
    const signed = await signer.sign(new HttpRequest({
      method,
      protocol: `${protocol}:`,
      hostname: options.endpoint,
      port: options.port,
      path,
      headers: { 'host': host, 'content-type': 'application/json' },
      body,
    }));
    let answer: { readonly status: number; readonly text: string };
    try {
      answer = await exchange(protocol, { method, hostname: options.endpoint, port: options.port, path, headers: signed.headers }, body, timeoutMs);
    } catch (err) {
      const { code } = err as NodeJS.ErrnoException;
      const failure = new Error(`${method} ${path} failed: ${(err as Error).message}${code === undefined ? '' : ` (${code})`}`);
      return { failure, transient: code !== undefined && TRANSIENT_NETWORK_CODES.has(code) };
    }
    const { status, text } = answer;
    if (status === 200 || status === 201 || (status === 404 && request.notFoundOk === true)) {
      return { response: { status, body: parseBody(text) } };
    }
    const shown = text.length > MAX_BODY_IN_MESSAGE ? `${text.slice(0, MAX_BODY_IN_MESSAGE)}…` : text;
    return { failure: new Error(`${method} ${path} answered ${status}: ${shown}`), transient: transientStatus(status) };
  }

  return {
    async send(request) {
      for (let attempts = 1; ; attempts++) {
        const remaining = deadline - now();
        if (remaining <= 0) {
          throw new Error(`${request.method} ${request.path} not sent: the deadline of ${deadlineMs} ms has passed`);
        }
        const outcome = await attempt(request, Math.min(requestTimeoutMs, remaining));
        if ('response' in outcome) {
          return outcome.response;
        }
        if (!outcome.transient) {
          throw outcome.failure;
        }
        // Equal jitter: never retries at once, yet spreads out handlers that failed together.
        const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempts - 1));
        const delayMs = Math.floor(ceiling / 2 + random() * (ceiling / 2));
        if (now() + delayMs >= deadline) {
          throw new Error(`${outcome.failure.message} (gave up after ${attempts} attempts: the next would start after the deadline of ${deadlineMs} ms)`);
        }
        options.onRetry?.(outcome.failure.message, delayMs);
        await sleep(delayMs);
      }
    },
  };
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** One request and its whole response, failing with a transient ETIMEDOUT when both together take over `timeoutMs`. */
function exchange(
  protocol: 'https' | 'http',
  options: http.RequestOptions,
  body: string | undefined,
  timeoutMs: number,
): Promise<{ readonly status: number; readonly text: string }> {
  const headers = body === undefined ? options.headers : { ...options.headers, 'content-length': Buffer.byteLength(body) };
  return new Promise((resolve, reject) => {
    const request = (protocol === 'http' ? http : https).request({ ...options, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
      });
      response.on('error', fail);
    });
    const timer = setTimeout(() => request.destroy(Object.assign(new Error(`no response within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs);
    function fail(err: Error) {
      clearTimeout(timer);
      reject(err);
    }
    request.on('error', fail);
    request.end(body);
  });
}
