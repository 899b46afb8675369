import { isJsonObject, JsonObject } from './json';

export type DecodeFailureReason = 'not valid base64' | 'not valid UTF-8' | 'not valid JSON' | 'not a JSON object';

export class DecodeError extends Error {
  constructor(readonly reason: DecodeFailureReason) {
    super(`record data is ${reason}`);
    this.name = 'DecodeError';
  }
}

// Buffer.from(..., 'base64') silently skips bad characters, which would turn corruption into a misleading JSON error.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

// fatal: replacement characters would otherwise be forwarded as if they were the producer's data.
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeRecordData(base64: string): JsonObject {
  if (!BASE64.test(base64)) {
    throw new DecodeError('not valid base64');
  }
  let text: string;
  try {
    text = utf8.decode(Buffer.from(base64, 'base64'));
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
