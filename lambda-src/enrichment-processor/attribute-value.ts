import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { JsonObject } from './json';

/**
 * DynamoDB's typed attribute values as plain JSON, for records that leave as JSON. Numbers become JSON numbers
 * unless that would change them (integers beyond 2^53, more digits than a double holds): those stay strings, so
 * an account number is never silently rounded. Binary values become base64 strings; sets become arrays.
 */
export function unmarshallItem(item: Record<string, AttributeValue>): JsonObject {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, unmarshallValue(value)]));
}

export function unmarshallValue(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return toNumber(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.M !== undefined) return unmarshallItem(value.M);
  if (value.L !== undefined) return value.L.map(unmarshallValue);
  if (value.SS !== undefined) return [...value.SS];
  if (value.NS !== undefined) return value.NS.map(toNumber);
  if (value.B !== undefined) return Buffer.from(value.B).toString('base64');
  if (value.BS !== undefined) return value.BS.map((b) => Buffer.from(b).toString('base64'));
  throw new TypeError(`unsupported DynamoDB attribute value with members ${Object.keys(value).join(', ')}`);
}

function toNumber(text: string): number | string {
  const number = Number(text);
  return Number.isFinite(number) && sameDecimal(text, number) ? number : text;
}

/** Whether the double still denotes the decimal DynamoDB stored (up to 38 digits), compared in canonical form. */
function sameDecimal(text: string, number: number): boolean {
  return canonical(text) === canonical(String(number));
}

function canonical(decimal: string): string {
  const match = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(decimal.trim());
  if (match === null) {
    return decimal;
  }
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  const digits = `${whole}${fraction}`;
  const firstNonZero = digits.search(/[1-9]/);
  if (firstNonZero === -1) {
    return '0';
  }
  const significant = digits.slice(firstNonZero).replace(/0+$/, '');
  const pointAfter = whole.length - firstNonZero + Number(exponent);
  return `${sign}${significant}e${pointAfter}`;
}
