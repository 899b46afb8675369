import type { TransformerConfig } from './config';
import { Fields, flattenRecord } from './flatten';
import { DecodeError, decodeRecordData } from '../enrichment-processor/decode';
import { JsonObject } from '../enrichment-processor/json';

export type RecordOutcome =
  | { readonly result: 'Ok'; readonly data: string }
  /** `data` is the record's original data, unchanged. */
  | { readonly result: 'ProcessingFailed'; readonly data: string; readonly reason: string };

/** Converts one record's base64 data; a record that cannot be converted fails on its own, never the batch. */
export function transformRecord(data: string, config: TransformerConfig): RecordOutcome {
  let record: JsonObject;
  try {
    // JSON.parse ignores whitespace around the value, so a trailing newline needs no stripping.
    record = decodeRecordData(data);
  } catch (err) {
    if (err instanceof DecodeError) {
      return { result: 'ProcessingFailed', data, reason: err.message };
    }
    throw err;
  }
  let converted: { readonly text: string } | { readonly reason: string };
  try {
    converted = convert(record, config);
  } catch (err) {
    // JSON.parse accepts nesting deeper than the call stack JSON.stringify needs to write it back.
    if (err instanceof RangeError) {
      return { result: 'ProcessingFailed', data, reason: 'record is nested too deeply to serialize' };
    }
    throw err;
  }
  if ('reason' in converted) {
    return { result: 'ProcessingFailed', data, reason: converted.reason };
  }
  // The input's own trailing newline went with parsing, so this is the only one.
  const text = config.newlineDelimited ? `${converted.text}\n` : converted.text;
  return { result: 'Ok', data: Buffer.from(text, 'utf8').toString('base64') };
}

function convert(record: JsonObject, config: TransformerConfig): { readonly text: string } | { readonly reason: string } {
  let fields: Fields;
  if (config.flattenSeparator === undefined) {
    fields = new Map(Object.entries(record));
  } else {
    const flattened = flattenRecord(record, config.flattenSeparator);
    if (!flattened.ok) {
      return { reason: `flattening gives more than one field the name "${flattened.duplicateKey}"` };
    }
    fields = flattened.fields;
  }
  // The configuration guarantees no new name is renamed again, so a clash needs both names in this record.
  const clashing = [...config.renames].find(([from, to]) => fields.has(from) && fields.has(to));
  if (clashing !== undefined) {
    return { reason: `renaming "${clashing[0]}" to "${clashing[1]}" would overwrite the record's own "${clashing[1]}"` };
  }
  const renamed = [...fields].map(([key, value]): [string, unknown] => [config.renames.get(key) ?? key, value]);
  // fromEntries defines own properties, so a "__proto__" key is written out rather than taken as a prototype. The
  // enrichment processor wrote these records with JSON.stringify, so writing them again changes no number.
  return { text: JSON.stringify(Object.fromEntries(renamed.filter(([key]) => !config.dropFields.has(key)))) };
}
