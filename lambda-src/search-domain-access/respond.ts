import * as http from 'node:http';
import * as https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceEvent,
  CloudFormationCustomResourceResponse,
} from 'aws-lambda';

export type Outcome =
  | {
    readonly status: 'SUCCESS';
    /** Defaults as `CdkCustomResourceResponse` documents: to the request's id on Create, to the current id otherwise. */
    readonly physicalResourceId?: string;
    readonly data?: Readonly<Record<string, unknown>>;
  }
  | { readonly status: 'FAILED'; readonly error: unknown };

/** CloudFormation's limit on the size of a response document, which documents are kept below. */
export const MAX_RESPONSE_BYTES = 4_096;

/**
 * Kept back from the function's timeout for answering CloudFormation: without an answer, CloudFormation waits an hour
 * for the custom resource. It outlasts `sendResponse` with its defaults, every attempt timing out.
 */
export const RESPONSE_SAFETY_MARGIN_MS = 10_000;
export const DEFAULT_ATTEMPT_TIMEOUT_MS = 2_000;
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [200, 400, 800];
/** Longer response bodies (S3's XML errors) are cut in error messages. */
export const MAX_BODY_IN_MESSAGE = 500;

const TRUNCATION_MARK = '…';

/** The response document for `event`; a failure's reason is its error message, cut so that the document fits CloudFormation's size limit. */
export function responseBody(
  event: CloudFormationCustomResourceEvent,
  outcome: Outcome,
  logStreamName?: string,
): CloudFormationCustomResourceResponse {
  const common = {
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    NoEcho: false,
  };
  if (outcome.status === 'SUCCESS') {
    return {
      Status: 'SUCCESS',
      ...(logStreamName === undefined ? {} : { Reason: `See CloudWatch log stream ${logStreamName}` }),
      PhysicalResourceId: outcome.physicalResourceId ?? (event.RequestType === 'Create' ? event.RequestId : event.PhysicalResourceId),
      ...common,
      ...(outcome.data === undefined ? {} : { Data: outcome.data }),
    };
  }
  const body: CloudFormationCustomResourceResponse = { Status: 'FAILED', Reason: '', PhysicalResourceId: failedPhysicalResourceId(event), ...common };
  const reasonBytes = MAX_RESPONSE_BYTES - 1 - Buffer.byteLength(JSON.stringify(body));
  return { ...body, Reason: truncateForJson(errorMessage(outcome.error), reasonBytes) };
}

// Logical ids are alphanumeric, so no id of a created resource starts with this.
const failedCreatePrefix = (event: CloudFormationCustomResourceEvent) => `${event.LogicalResourceId}-failed-`;

/**
 * CloudFormation requires an id even for a failed Create, and sends a Delete with it when rolling back; that Delete
 * recognises it by `isDeleteOfFailedCreate`.
 */
function failedPhysicalResourceId(event: CloudFormationCustomResourceEvent): string {
  return event.RequestType === 'Create' ? `${failedCreatePrefix(event)}${event.RequestId}` : event.PhysicalResourceId;
}

/** Whether `event` rolls back a Create that failed, whose physical id `responseBody` made up. */
export function isDeleteOfFailedCreate(event: CloudFormationCustomResourceEvent): event is CloudFormationCustomResourceDeleteEvent {
  return event.RequestType === 'Delete' && event.PhysicalResourceId.startsWith(failedCreatePrefix(event));
}

/** The longest start of `text` whose JSON string escape takes at most `maxBytes` of UTF-8, marked when cut. */
function truncateForJson(text: string, maxBytes: number): string {
  const escapedBytes = (s: string) => Buffer.byteLength(JSON.stringify(s)) - 2;
  if (escapedBytes(text) <= maxBytes) {
    return text;
  }
  const budget = maxBytes - escapedBytes(TRUNCATION_MARK);
  let used = 0;
  let kept = '';
  // By code point, so that a cut never splits a surrogate pair.
  for (const char of text) {
    used += escapedBytes(char);
    if (used > budget) {
      break;
    }
    kept += char;
  }
  return `${kept}${TRUNCATION_MARK}`;
}

export interface SendOptions {
  /** The waits before each retry: one attempt more than there are delays. */
  readonly retryDelaysMs?: readonly number[];
  readonly attemptTimeoutMs?: number;
  /** Told of each failed attempt before the wait for the next. */
  readonly onRetry?: (reason: string, delayMs: number) => void;
}

type Attempt = { readonly delivered: true } | { readonly failure: string; readonly transient: boolean };

/**
 * PUTs `body` to the pre-signed `responseUrl` as the `cfn-response` module does, retrying network errors and 5xx.
 * Error messages name the URL's host only, as the rest of it is a credential.
 */
export async function sendResponse(responseUrl: string, body: CloudFormationCustomResourceResponse, options: SendOptions = {}): Promise<void> {
  const url = new URL(responseUrl);
  const client = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
  if (client === undefined) {
    throw new Error(`Response URL has protocol ${url.protocol}; only https: and http: are supported`);
  }
  const retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
  const json = JSON.stringify(body);
  for (let attempts = 1; ; attempts++) {
    const outcome = await put(client, url, json, attemptTimeoutMs);
    if ('delivered' in outcome) {
      return;
    }
    const prefix = `Response to CloudFormation not delivered: PUT to ${url.host} ${outcome.failure}`;
    if (!outcome.transient) {
      throw new Error(prefix);
    }
    const delayMs = retryDelaysMs[attempts - 1];
    if (delayMs === undefined) {
      throw new Error(`${prefix} (gave up after ${attempts} attempts)`);
    }
    options.onRetry?.(outcome.failure, delayMs);
    await sleep(delayMs);
  }
}

function put(client: typeof http | typeof https, url: URL, json: string, timeoutMs: number): Promise<Attempt> {
  // S3 signed the URL without a content type, so sending one would break the signature.
  const headers = { 'content-type': '', 'content-length': Buffer.byteLength(json) };
  return new Promise((resolve) => {
    const request = client.request(url, { method: 'PUT', headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        clearTimeout(timer);
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          resolve({ delivered: true });
          return;
        }
        const text = Buffer.concat(chunks).toString('utf8');
        const shown = text.length > MAX_BODY_IN_MESSAGE ? `${text.slice(0, MAX_BODY_IN_MESSAGE)}${TRUNCATION_MARK}` : text;
        resolve({ failure: `answered ${status}${shown === '' ? '' : `: ${shown}`}`, transient: status >= 500 });
      });
      response.on('error', fail);
    });
    const timer = setTimeout(() => request.destroy(new Error(`no response within ${timeoutMs} ms`)), timeoutMs);
    function fail(err: Error) {
      clearTimeout(timer);
      resolve({ failure: `failed: ${err.message}`, transient: true });
    }
    request.on('error', fail);
    request.end(json);
  });
}

/**
 * Settles as `work` does, or rejects once `msUntilDeadline` has passed, whichever comes first. The work itself goes on
 * (nothing can stop it) but is no longer awaited, so the caller can still answer CloudFormation in time.
 */
export async function withDeadline<T>(work: Promise<T>, msUntilDeadline: number): Promise<T> {
  const delayMs = Math.max(0, msUntilDeadline);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out before the function's deadline: not done after ${delayMs} ms`)), delayMs);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));
