/**
 * Test-only producer of the end-to-end test (integ.streaming-pipeline.ts): sends one PUT to the pipeline's HTTP
 * ingestion API, signed with SigV4 by the function's own role (or unsigned, to check that the API refuses it),
 * and answers the status and body. integ-tests-alpha's `httpApiCall` cannot sign requests, and API Gateway's
 * TestInvokeMethod skips authorization, so neither would exercise the endpoint as an IAM producer calls it.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface HttpProducerEvent {
  /** The full URL, e.g. `https://abc.execute-api.eu-west-1.amazonaws.com/prod/records`. */
  readonly url: string;
  /** Sent as JSON. */
  readonly body: unknown;
  /** Sign with SigV4 (default); false sends the request without credentials. */
  readonly sign?: boolean;
}

export interface HttpProducerResult {
  readonly status: number;
  /** The parsed JSON body, or the text when it is not JSON. */
  readonly body: unknown;
}

export async function handler(event: HttpProducerEvent): Promise<HttpProducerResult> {
  const url = new URL(event.url);
  const body = JSON.stringify(event.body);
  const request = new HttpRequest({
    method: 'PUT',
    protocol: url.protocol,
    hostname: url.hostname,
    path: url.pathname,
    headers: { 'host': url.host, 'content-type': 'application/json' },
    body,
  });
  const headers = event.sign === false ? request.headers : (await signer().sign(request)).headers;
  const response = await fetch(url, { method: 'PUT', headers, body });
  const text = await response.text();
  return { status: response.status, body: parseJson(text) };
}

function signer(): SignatureV4 {
  return new SignatureV4({
    service: 'execute-api',
    region: requiredEnv('AWS_REGION'),
    sha256: Sha256,
    // Lambda hands the function's role credentials to the handler in these variables.
    credentials: {
      accessKeyId: requiredEnv('AWS_ACCESS_KEY_ID'),
      secretAccessKey: requiredEnv('AWS_SECRET_ACCESS_KEY'),
      sessionToken: process.env.AWS_SESSION_TOKEN,
    },
  });
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`${name} is not set`);
  }
  return value;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
