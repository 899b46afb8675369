import { FieldType, RecordSchema } from '../schema/record-schema';
import { dataLakeColumns } from '../sinks/data-lake-columns';

/**
 * One check on one column of the data lake table. The scheduled Glue ruleset is these rules in DQDL, and the CLI's
 * `quality` command evaluates the same rules on Parquet files, so both hold the data to one standard.
 */
export type DataQualityRule =
  /** Every row has a value (no nulls). */
  | { readonly kind: 'complete'; readonly column: string }
  /** No two rows share a value. */
  | { readonly kind: 'unique'; readonly column: string }
  /** Every row has a timestamp strictly after midnight UTC of `date` (`YYYY-MM-DD`); a null fails. */
  | { readonly kind: 'after'; readonly column: string; readonly date: string };

/** The columns the checks apply to. */
export interface DataQualityColumns {
  /** Complete and unique. */
  readonly idColumn: string;
  /** After `notBefore`. */
  readonly timestampColumn: string;
  /** Complete; the id column need not be repeated. */
  readonly requiredColumns: string[];
}

/** The day every timestamp must come after. */
export interface DataQualityRuleOptions extends DataQualityColumns {
  /** `YYYY-MM-DD`, a real calendar day. */
  readonly notBefore: string;
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Validates a `YYYY-MM-DD` day, naming `option` and what is allowed when it is not one.
 */
export function validateNotBefore(option: string, date: string): string {
  const match = DATE_PATTERN.exec(date);
  const day = match && new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  if (!match || !day || day.toISOString().slice(0, 10) !== date) {
    throw new Error(`Invalid ${option}: "${date}". Allowed: a calendar date as YYYY-MM-DD, e.g. 2024-01-01.`);
  }
  return date;
}

/**
 * The seed's checks: the id column complete and unique, the timestamp column after `notBefore`, and every required
 * column complete. Each rule appears once, in that order.
 */
export function dataQualityRules(options: DataQualityRuleOptions): DataQualityRule[] {
  const rules: DataQualityRule[] = [
    { kind: 'complete', column: options.idColumn },
    { kind: 'unique', column: options.idColumn },
    { kind: 'after', column: options.timestampColumn, date: options.notBefore },
  ];
  for (const column of options.requiredColumns) {
    if (!rules.some(rule => rule.kind === 'complete' && rule.column === column)) {
      rules.push({ kind: 'complete', column });
    }
  }
  return rules;
}

/**
 * The data lake columns of a schema's id field, timestamp field and required fields, named as the data lake table
 * names them (lower case, reserved words prefixed, `columnNames` applied).
 *
 * @param prop the prop the fields came from, for error messages
 */
export function schemaQualityColumns(spec: {
  readonly schema: RecordSchema;
  readonly columnNames?: Record<string, string>;
  readonly idField: string;
  readonly timestampField: string;
  readonly prop: string;
}): DataQualityColumns {
  const { schema, prop } = spec;
  const { columns } = dataLakeColumns(schema, spec.columnNames);
  const columnOf = (option: string, name: string, types: FieldType[]): string => {
    const index = schema.fields.findIndex(field => field.name === name);
    const field = schema.fields[index];
    if (!field || !types.includes(field.type)) {
      const allowed = schema.fields.filter(candidate => types.includes(candidate.type)).map(candidate => candidate.name);
      throw new Error(`Invalid ${prop}.${option}: "${name}". Allowed: a field of type ${types.join(' or ')} of the record schema `
        + `(${allowed.join(', ') || 'none'}).`);
    }
    return columns[index].name;
  };
  return {
    idColumn: columnOf('idField', spec.idField, [FieldType.STRING, FieldType.INTEGER]),
    timestampColumn: columnOf('timestampField', spec.timestampField, [FieldType.TIMESTAMP]),
    requiredColumns: schema.fields.flatMap((field, index) => field.required ? [columns[index].name] : []),
  };
}

/** One rule in DQDL, e.g. `IsUnique "event_id"`. Column names are the table's, which need no escaping. */
export function dqdlRule(rule: DataQualityRule): string {
  switch (rule.kind) {
    case 'complete': return `IsComplete "${rule.column}"`;
    case 'unique': return `IsUnique "${rule.column}"`;
    case 'after': return `ColumnValues "${rule.column}" > "${rule.date}"`;
  }
}

/** The rules as a DQDL ruleset document. */
export function dqdlRuleset(rules: DataQualityRule[]): string {
  return `Rules = [\n${rules.map(rule => `  ${dqdlRule(rule)}`).join(',\n')}\n]`;
}
