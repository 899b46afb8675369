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
  // Buffer.from skips characters that are not base64, which would turn corruption into a misleading JSON error.
  // Lambda delivers canonical base64, so encoding the bytes again must give back exactly the same text; this check
  // costs a fraction of a validating regular expression.
  if (bytes.toString('base64') !== base64) {
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
