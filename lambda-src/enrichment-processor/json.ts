export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The record's own value of a field. Plain indexing would find inherited members for field names such as
 * `toString` or `constructor`, which are valid schema field names.
 */
export function ownField(record: JsonObject, name: string): unknown {
  return Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined;
}
