import { isJsonObject, JsonObject } from '../enrichment-processor/json';

/** A record's top-level fields in order. A Map rather than an object, so that a field named `__proto__` stays a field. */
export type Fields = Map<string, unknown>;

export type FlattenResult =
  | { readonly ok: true; readonly fields: Fields }
  /** Two paths joined into the same key; which value to keep is not ours to guess. */
  | { readonly ok: false; readonly duplicateKey: string };

/**
 * Lifts the fields of nested objects to the top level, their names joined by `separator`. Arrays become their JSON
 * text, because neither OpenSearch nor Redshift COPY JSON 'auto' maps arrays to columns reliably. An empty object
 * is kept as it is: it has no fields to lift, and dropping it would lose the field's presence.
 */
export function flattenRecord(record: JsonObject, separator: string): FlattenResult {
  const fields: Fields = new Map();
  // An explicit stack rather than recursion: JSON.parse accepts nesting deeper than the call stack allows.
  const stack: Array<{ readonly prefix: string; readonly entries: Iterator<[string, unknown]> }> = [
    { prefix: '', entries: Object.entries(record).values() },
  ];
  while (stack.length > 0) {
    const level = stack[stack.length - 1];
    const next = level.entries.next();
    if (next.done) {
      stack.pop();
      continue;
    }
    const [name, value] = next.value;
    const key = level.prefix + name;
    if (isJsonObject(value) && Object.keys(value).length > 0) {
      stack.push({ prefix: key + separator, entries: Object.entries(value).values() });
    } else if (fields.has(key)) {
      return { ok: false, duplicateKey: key };
    } else {
      fields.set(key, Array.isArray(value) ? JSON.stringify(value) : value);
    }
  }
  return { ok: true, fields };
}
