import { isJsonObject, JsonObject } from './json';

export type DecodeFailureReason = 'not valid base64' | 'not valid UTF-8' | 'not valid JSON' | 'not a JSON object';

export class DecodeError extends Error {
  constructor(readonly reason: DecodeFailureReason) {
    super(`record data is ${reason}`);
    this.name = 'DecodeError';
  }
}


// fatal: replacement characters would otherwise be forwarded as if they were the producer's data.
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeRecordData(base64: string): JsonObject {
  const bytes = Buffer.from(base64, 'base64');
  if (!isCanonicalBase64(base64, bytes)) {
    throw new DecodeError('not valid base64');
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new DecodeError('not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DecodeError('not valid JSON');
  }
  if (!isJsonObject(value)) {
    throw new DecodeError('not a JSON object');
  }
  return value;
}

const PAD = '='.charCodeAt(0);

/**
 * Whether `bytes`, decoded from `base64`, encode back to exactly that text. Buffer.from skips characters that are
 * not base64, which would turn corruption into a misleading JSON error; Lambda delivers canonical base64, so
 * anything else is corruption. Equivalent to encoding all the bytes again and comparing, at a third of the cost:
 * a skipped character or misplaced padding shortens the decoded bytes, the URL-safe alphabet (which Buffer also
 * accepts) is searched for, and only the last group can carry non-zero spare bits.
 */
export function isCanonicalBase64(base64: string, bytes: Buffer): boolean {
  const length = base64.length;
  if (length % 4 !== 0) {
    return false;
  }
  if (length === 0) {
    return bytes.length === 0;
  }
  const padding = base64.charCodeAt(length - 1) !== PAD ? 0 : base64.charCodeAt(length - 2) !== PAD ? 1 : 2;
  if (bytes.length !== (length / 4) * 3 - padding || base64.includes('-') || base64.includes('_')) {
    return false;
  }
  return bytes.toString('base64', bytes.length - (3 - padding)) === base64.slice(length - 4);
}
