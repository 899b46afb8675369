export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A placeholder of a template string: `{{name}}` or `{{name:arguments}}`. */
export type Placeholder =
  | { readonly kind: 'uuid' }
  | { readonly kind: 'timestamp' }
  | { readonly kind: 'epoch_ms' }
  | { readonly kind: 'user' }
  | { readonly kind: 'sequence' }
  | { readonly kind: 'random_int'; readonly min: number; readonly max: number }
  | { readonly kind: 'choice'; readonly options: readonly string[] };

/** What the README and --help list: every placeholder a template may use. */
export const PLACEHOLDER_SYNTAX = [
  '{{uuid}}', '{{timestamp}}', '{{epoch_ms}}', '{{user}}', '{{sequence}}', '{{random_int:MIN:MAX}}', '{{choice:A|B|C}}',
] as const;

/** A template with its placeholders parsed once, so that rendering a record does no parsing. */
export type CompiledValue =
  | { readonly kind: 'literal'; readonly value: JsonValue }
  | { readonly kind: 'text'; readonly pieces: ReadonlyArray<string | Placeholder> }
  | { readonly kind: 'number'; readonly placeholder: Placeholder }
  | { readonly kind: 'object'; readonly entries: ReadonlyArray<readonly [string, CompiledValue]> }
  | { readonly kind: 'array'; readonly items: readonly CompiledValue[] };

/** Thrown for a template that cannot be used; the message says where and what is allowed. */
export class TemplateError extends Error {}

const PLACEHOLDER_PATTERN = /\{\{([^{}]*)\}\}/g;
const INTEGER = /^-?\d+$/;
const NUMERIC_KINDS: ReadonlySet<Placeholder['kind']> = new Set(['epoch_ms', 'sequence', 'random_int']);

/**
 * The seed's sample event as a template: what `load` sends unless given --template. A fresh event_id per record,
 * the time of sending, the user that is also the partition key, and the sample's other fields with plausible values.
 */
export const SEED_EVENT_TEMPLATE: JsonValue = {
  event_id: '{{uuid}}',
  event_type: '{{choice:page_view|click|add_to_cart|purchase}}',
  timestamp: '{{timestamp}}',
  user_id: '{{user}}',
  page: '/products/{{random_int:1:1000}}',
  metadata: {
    browser: '{{choice:Chrome|Firefox|Safari|Edge}}',
    device: '{{choice:mobile|desktop|tablet}}',
  },
};

/** Parses every placeholder of a template record, which must be a JSON object. */
export function compileTemplate(template: JsonValue): CompiledValue {
  if (template === null || typeof template !== 'object' || Array.isArray(template)) {
    throw new TemplateError('the record must be a JSON object, like the seed event');
  }
  return compileValue(template, '$');
}

function compileValue(value: JsonValue, path: string): CompiledValue {
  if (Array.isArray(value)) {
    return { kind: 'array', items: value.map((item, i) => compileValue(item, `${path}[${i}]`)) };
  }
  if (value !== null && typeof value === 'object') {
    return { kind: 'object', entries: Object.entries(value).map(([key, item]) => [key, compileValue(item, `${path}.${key}`)] as const) };
  }
  if (typeof value !== 'string') {
    return { kind: 'literal', value };
  }
  const pieces = splitPlaceholders(value, path);
  if (pieces.length === 1 && typeof pieces[0] !== 'string') {
    const placeholder = pieces[0];
    // A value that is exactly one numeric placeholder becomes a JSON number, so templates can carry numeric fields.
    if (NUMERIC_KINDS.has(placeholder.kind)) {
      return { kind: 'number', placeholder };
    }
  }
  return pieces.every((piece) => typeof piece === 'string') ? { kind: 'literal', value } : { kind: 'text', pieces };
}

function splitPlaceholders(text: string, path: string): Array<string | Placeholder> {
  const pieces: Array<string | Placeholder> = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER_PATTERN)) {
    if (match.index > last) {
      pieces.push(text.slice(last, match.index));
    }
    pieces.push(parsePlaceholder(match[1].trim(), path));
    last = match.index + match[0].length;
  }
  if (last < text.length) {
    pieces.push(text.slice(last));
  }
  return pieces;
}

function parsePlaceholder(body: string, path: string): Placeholder {
  const [name, ...args] = body.split(':');
  const fail = (allowed: string): never => {
    throw new TemplateError(`placeholder {{${body}}} at ${path}: ${allowed}`);
  };
  switch (name) {
    case 'uuid':
    case 'timestamp':
    case 'epoch_ms':
    case 'user':
    case 'sequence':
      return args.length === 0 ? { kind: name } : fail(`{{${name}}} takes no arguments`);
    case 'random_int': {
      const [min, max] = args.map(Number);
      const valid = args.length === 2 && args.every((arg) => INTEGER.test(arg)) && Number.isSafeInteger(min)
        && Number.isSafeInteger(max) && min <= max;
      return valid ? { kind: 'random_int', min, max } : fail('allowed is {{random_int:MIN:MAX}} with integers MIN <= MAX');
    }
    case 'choice': {
      // The options are everything after the first colon, so an option may itself contain colons (a time, a URL).
      const options = body.slice(body.indexOf(':') + 1).split('|');
      return args.length > 0 ? { kind: 'choice', options } : fail('allowed is {{choice:A|B|C}} with at least one option');
    }
    default:
      return fail(`unknown placeholder; allowed are ${PLACEHOLDER_SYNTAX.join(', ')}`);
  }
}

/** The value of each placeholder occurrence in one record. */
export type PlaceholderValues = (placeholder: Placeholder) => string | number;

/** A record from a compiled template, each placeholder replaced by its value. */
export function renderTemplate(template: CompiledValue, values: PlaceholderValues): JsonValue {
  switch (template.kind) {
    case 'literal':
      return template.value;
    case 'number':
      return values(template.placeholder);
    case 'text':
      return template.pieces.map((piece) => (typeof piece === 'string' ? piece : String(values(piece)))).join('');
    case 'object':
      return Object.fromEntries(template.entries.map(([key, value]) => [key, renderTemplate(value, values)]));
    case 'array':
      return template.items.map((item) => renderTemplate(item, values));
  }
}

/** The per-record facts that placeholders draw on. */
export interface RecordFacts {
  /** The partition key: one of the run's users. */
  readonly user: string;
  /** The record's position in the run, from 0. */
  readonly sequence: number;
  readonly nowMs: number;
}

export interface RandomSources {
  readonly uuid: () => string;
  /** Uniform in [0, 1). */
  readonly random: () => number;
}

/**
 * Placeholder values for one record: user, sequence and time are the same wherever they occur in it; each
 * {{uuid}}, {{random_int}} and {{choice}} occurrence draws afresh.
 */
export function recordValues(facts: RecordFacts, sources: RandomSources): PlaceholderValues {
  const timestamp = new Date(facts.nowMs).toISOString();
  return (placeholder) => {
    switch (placeholder.kind) {
      case 'uuid':
        return sources.uuid();
      case 'timestamp':
        return timestamp;
      case 'epoch_ms':
        return facts.nowMs;
      case 'user':
        return facts.user;
      case 'sequence':
        return facts.sequence;
      case 'random_int':
        return placeholder.min + Math.floor(sources.random() * (placeholder.max - placeholder.min + 1));
      case 'choice':
        return placeholder.options[Math.floor(sources.random() * placeholder.options.length)];
    }
  };
}

/** The bounds of a run that the longest possible rendering depends on. */
export interface RenderBounds {
  readonly longestUser: string;
  readonly lastSequence: number;
}

/**
 * For each placeholder, the value that encodes to the most bytes. JSON escaping is per character and the structure
 * around placeholders is fixed, so a record rendered with these is the largest the template can produce.
 */
export function longestValues(bounds: RenderBounds): PlaceholderValues {
  const byEncodedLength = (a: string, b: string) => encodedBytes(JSON.stringify(b)) - encodedBytes(JSON.stringify(a));
  return (placeholder) => {
    switch (placeholder.kind) {
      case 'uuid':
        return 'ffffffff-ffff-4fff-bfff-ffffffffffff';
      case 'timestamp':
        return '9999-12-31T23:59:59.999Z';
      case 'epoch_ms':
        return 9_999_999_999_999;
      case 'user':
        return bounds.longestUser;
      case 'sequence':
        return bounds.lastSequence;
      case 'random_int':
        return String(placeholder.min).length >= String(placeholder.max).length ? placeholder.min : placeholder.max;
      case 'choice':
        return [...placeholder.options].sort(byEncodedLength)[0];
    }
  };
}

function encodedBytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
