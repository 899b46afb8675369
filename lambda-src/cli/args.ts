import { parseArgs } from 'node:util';
import { parseDuration } from './duration';
import { S3Location, parseS3Uri } from './s3';
import { StreamTarget, parseStreamTarget } from './stream';
import { DATA_QUALITY_DEFAULTS } from '../../src/presets/data-quality-defaults';
import { schemaQualityColumns, validateNotBefore } from '../../src/quality/data-quality-rules';
import { RecordSchema } from '../../src/schema/record-schema';

export const PROGRAM = 'cdk-streaming-pipeline';

/** The commands, in the order help lists them. */
export const COMMANDS = ['load', 'quality'] as const;
export type CommandName = (typeof COMMANDS)[number];

/** A command line that cannot be run; the message names the option, the value and what is allowed. */
export class UsageError extends Error {
  constructor(message: string, public readonly command?: CommandName) {
    super(message);
  }

  /** Where to read about the command line that failed. */
  public get helpHint(): string {
    return this.command === undefined ? `${PROGRAM} --help` : `${PROGRAM} ${this.command} --help`;
  }
}

export interface LoadOptions {
  readonly stream: StreamTarget;
  readonly ratePerSecond: number;
  readonly durationMs: number;
  /** The duration as given, for messages. */
  readonly durationText: string;
  readonly templatePath?: string;
  readonly partitionKeys: number;
  readonly maxRetries: number;
  /** Unset: the stream ARN's region, else the SDK's (AWS_REGION, the profile). */
  readonly region?: string;
  /** Unset: the SDK's endpoint for the region. */
  readonly endpointUrl?: string;
}

/** Where the quality command reads Parquet files: a local file or folder, or an S3 prefix. */
export type DataPath = { readonly kind: 'local'; readonly path: string } | ({ readonly kind: 's3' } & S3Location);

export interface QualityOptions {
  readonly path: DataPath;
  /** `YYYY-MM-DD`: every timestamp must come after midnight UTC of this day. */
  readonly notBefore: string;
  readonly idColumn: string;
  readonly timestampColumn: string;
  readonly requiredColumns: string[];
  /** For an S3 path. Unset: the SDK's (AWS_REGION, the profile). */
  readonly region?: string;
  /** For an S3 path. Unset: the SDK's endpoint for the region. */
  readonly endpointUrl?: string;
}

export type Command =
  | { readonly kind: 'help'; readonly command?: CommandName }
  | { readonly kind: 'version' }
  | { readonly kind: 'load'; readonly options: LoadOptions }
  | { readonly kind: 'quality'; readonly options: QualityOptions };

export const DEFAULT_PARTITION_KEYS = 1_000;
export const DEFAULT_MAX_RETRIES = 5;
export const MAX_MAX_RETRIES = 100;
export const ENDPOINT_ENV = 'AWS_ENDPOINT_URL_KINESIS';
export const S3_ENDPOINT_ENV = 'AWS_ENDPOINT_URL_S3';

/**
 * The quality command's defaults: the columns of the seed schema's checks as the data lake table names them (the
 * `timestamp` field is the `event_timestamp` column), and the day timestamps must come after.
 */
export const QUALITY_DEFAULTS = {
  ...schemaQualityColumns({
    schema: RecordSchema.seedEvent(),
    idField: DATA_QUALITY_DEFAULTS.idField,
    timestampField: DATA_QUALITY_DEFAULTS.timestampField,
    prop: 'quality',
  }),
  notBefore: DATA_QUALITY_DEFAULTS.notBefore,
};

const PROGRAM_FLAGS = { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'V' } } as const;
const AWS_VALUES = {
  'region': { type: 'string' },
  'endpoint-url': { type: 'string' },
} as const;
const COMMAND_VALUES = {
  load: {
    'stream': { type: 'string' },
    'rate': { type: 'string' },
    'duration': { type: 'string' },
    'template': { type: 'string' },
    'partition-keys': { type: 'string' },
    'max-retries': { type: 'string' },
    ...AWS_VALUES,
  },
  quality: {
    'path': { type: 'string' },
    'not-before': { type: 'string' },
    'id-column': { type: 'string' },
    'timestamp-column': { type: 'string' },
    'required-columns': { type: 'string' },
    ...AWS_VALUES,
  },
} as const;
type ValueName = keyof typeof COMMAND_VALUES.load | keyof typeof COMMAND_VALUES.quality;

const COLUMN = 'a column name (lower-case letters, digits and underscores, not starting with a digit, as Glue names columns)';

// What each option takes, for the messages about a missing or wrong value.
const ALLOWED: Record<ValueName, string> = {
  'stream': 'a stream name (1 to 128 of A-Z a-z 0-9 _ . -) or a stream ARN (arn:aws:kinesis:<region>:<account>:stream/<name>)',
  'rate': 'a positive integer (records per second)',
  'duration': 'a positive duration such as 30s, 10m, 1h or 1h30m (units h, m, s, ms; a bare number is seconds)',
  'template': 'a path to a JSON file',
  'partition-keys': 'a positive integer (how many distinct users, and so partition keys)',
  'max-retries': `an integer from 0 to ${MAX_MAX_RETRIES}`,
  'path': 'a local folder or Parquet file, or s3://<bucket>/<prefix>',
  'not-before': 'a calendar date as YYYY-MM-DD, e.g. 2024-01-01',
  'id-column': COLUMN,
  'timestamp-column': COLUMN,
  'required-columns': `a comma-separated list, each ${COLUMN}`,
  'region': 'an AWS region code such as us-east-1',
  'endpoint-url': 'an http:// or https:// URL',
};

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const DIGITS = /^\d+$/;
const COLUMN_NAME = /^[a-z_][a-z0-9_]{0,254}$/;
// A following argument that looks like an option (--rate, -h) is not taken as the value of the one before it.
const OPTION_LIKE = /^-[A-Za-z-]/;

/** The command a command line asks for. --help anywhere asks for help with the command it names. */
export function parseCommandLine(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Command {
  const { tokens } = parseArgs({
    args: [...argv],
    options: { ...PROGRAM_FLAGS, ...COMMAND_VALUES.load, ...COMMAND_VALUES.quality },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const positionals = tokens.flatMap((token) => (token.kind === 'positional' ? [token.value] : []));
  const optionNames = new Set(tokens.flatMap((token) => (token.kind === 'option' ? [token.name] : [])));
  const [commandText, ...extra] = positionals;
  if (commandText !== undefined && !isCommand(commandText)) {
    throw new UsageError(`unknown command "${commandText}": allowed are ${COMMANDS.join(', ')}`);
  }
  const command = commandText;
  if (optionNames.has('help')) {
    return { kind: 'help', command };
  }
  if (optionNames.has('version')) {
    return { kind: 'version' };
  }
  if (command === undefined) {
    const unknown = tokens.find((token) => token.kind === 'option' && !Object.hasOwn(PROGRAM_FLAGS, token.name));
    if (unknown?.kind === 'option') {
      throw new UsageError(`unknown option ${unknown.rawName} without a command: allowed are the commands ${COMMANDS.join(' and ')}, --help, --version`);
    }
    throw new UsageError(`missing command: allowed are ${COMMANDS.join(', ')}`);
  }
  const allowedValues: Readonly<Record<string, unknown>> = COMMAND_VALUES[command];
  const values = new Map<ValueName, string>();
  for (const token of tokens) {
    if (token.kind !== 'option') {
      continue;
    }
    if (!Object.hasOwn(allowedValues, token.name)) {
      throw new UsageError(`unknown option ${token.rawName}: allowed are ${Object.keys(allowedValues).map((name) => `--${name}`).join(', ')}, --help`, command);
    }
    const name = token.name as ValueName;
    if (token.value === undefined || (!token.inlineValue && OPTION_LIKE.test(token.value))) {
      throw new UsageError(`--${name} needs a value: allowed is ${ALLOWED[name]}`, command);
    }
    if (values.has(name)) {
      throw new UsageError(`--${name} given twice ("${values.get(name)}", "${token.value}"): allowed is once`, command);
    }
    values.set(name, token.value);
  }
  if (extra.length > 0) {
    throw new UsageError(`unexpected argument "${extra[0]}": ${command} takes options only`, command);
  }
  const given = new OptionValues(command, values);
  return command === 'load' ? { kind: 'load', options: loadOptions(given, env) } : { kind: 'quality', options: qualityOptions(given, env) };
}

function isCommand(text: string): text is CommandName {
  return (COMMANDS as readonly string[]).includes(text);
}

/** The values a command line gives a command's options, read with errors that name the option. */
class OptionValues {
  constructor(public readonly command: CommandName, private readonly values: ReadonlyMap<ValueName, string>) {}

  public has(name: ValueName): boolean {
    return this.values.has(name);
  }

  /** The value as given; refused when missing. */
  public text(name: ValueName): string {
    const value = this.values.get(name);
    if (value === undefined) {
      throw this.error(`missing --${name}: allowed is ${ALLOWED[name]}`);
    }
    return value;
  }

  /** The value as given, parsed; refused when `parse` finds nothing in it. */
  public parsed<T>(name: ValueName, parse: (text: string) => T | undefined): T {
    return this.check(`--${name}`, this.text(name), parse, ALLOWED[name]);
  }

  /** The value parsed, or `fallback` when the option is not given. */
  public optional<T>(name: ValueName, parse: (text: string) => T | undefined, fallback: T): T {
    return this.values.has(name) ? this.parsed(name, parse) : fallback;
  }

  /** `value` parsed; refused as the value of `label` (an option, an environment variable) when `parse` finds nothing in it. */
  public check<T>(label: string, value: string, parse: (text: string) => T | undefined, allowed: string): T {
    const parsed = parse(value);
    if (parsed === undefined) {
      throw this.error(`invalid ${label} "${value}": allowed is ${allowed}`);
    }
    return parsed;
  }

  public error(message: string): UsageError {
    return new UsageError(message, this.command);
  }
}

function loadOptions(values: OptionValues, env: Readonly<Record<string, string | undefined>>): LoadOptions {
  const stream = values.parsed('stream', parseStreamTarget);
  const ratePerSecond = values.parsed('rate', positiveInteger);
  const durationText = values.text('duration');
  const durationMs = values.parsed('duration', parseDuration);
  if (ratePerSecond * durationMs < 1_000) {
    throw values.error(`invalid --duration "${durationText}": at --rate ${ratePerSecond} it makes no record; allowed is at least ${Math.ceil(1_000 / ratePerSecond)}ms`);
  }
  const partitionKeys = values.optional('partition-keys', positiveInteger, DEFAULT_PARTITION_KEYS);
  const maxRetries = values.optional('max-retries', (text) => integerUpTo(text, MAX_MAX_RETRIES), DEFAULT_MAX_RETRIES);
  const region = values.optional('region', awsRegion, stream.region);
  if (stream.region !== undefined && region !== stream.region) {
    throw values.error(`invalid --region "${region}": the --stream ARN is in ${stream.region}; allowed is that region or none`);
  }
  return {
    stream,
    ratePerSecond,
    durationMs,
    durationText,
    templatePath: values.has('template') ? values.text('template') : undefined,
    partitionKeys,
    maxRetries,
    region,
    endpointUrl: values.optional('endpoint-url', httpUrl, endpointFromEnv(values, env, ENDPOINT_ENV)),
  };
}

function qualityOptions(values: OptionValues, env: Readonly<Record<string, string | undefined>>): QualityOptions {
  const path = values.parsed('path', dataPath);
  for (const name of ['region', 'endpoint-url'] as const) {
    if (path.kind === 'local' && values.has(name)) {
      throw values.error(`invalid --${name} "${values.text(name)}": --path "${path.path}" is local; allowed is an s3:// --path or no --${name}`);
    }
  }
  return {
    path,
    notBefore: values.optional('not-before', calendarDay, QUALITY_DEFAULTS.notBefore),
    idColumn: values.optional('id-column', columnName, QUALITY_DEFAULTS.idColumn),
    timestampColumn: values.optional('timestamp-column', columnName, QUALITY_DEFAULTS.timestampColumn),
    requiredColumns: values.optional('required-columns', columnList, QUALITY_DEFAULTS.requiredColumns),
    region: values.optional('region', awsRegion, undefined),
    endpointUrl: path.kind === 's3' ? values.optional('endpoint-url', httpUrl, endpointFromEnv(values, env, S3_ENDPOINT_ENV)) : undefined,
  };
}

/** The endpoint in the environment variable `name`, if set: the SDK reads it too, but would not say it is malformed. */
function endpointFromEnv(values: OptionValues, env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : values.check(name, value, httpUrl, ALLOWED['endpoint-url']);
}

function dataPath(text: string): DataPath | undefined {
  if (text.startsWith('s3:')) {
    const location = parseS3Uri(text);
    return location === undefined ? undefined : { kind: 's3', ...location };
  }
  return text === '' ? undefined : { kind: 'local', path: text };
}

function calendarDay(text: string): string | undefined {
  try {
    return validateNotBefore('--not-before', text);
  } catch {
    return undefined;
  }
}

function columnName(text: string): string | undefined {
  return COLUMN_NAME.test(text) ? text : undefined;
}

function columnList(text: string): string[] | undefined {
  const names = text.split(',');
  return names.every((name) => COLUMN_NAME.test(name)) ? names : undefined;
}

function awsRegion(text: string): string | undefined {
  return REGION.test(text) ? text : undefined;
}

function positiveInteger(text: string): number | undefined {
  const value = Number(text);
  return DIGITS.test(text) && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

function integerUpTo(text: string, max: number): number | undefined {
  const value = Number(text);
  return DIGITS.test(text) && value <= max ? value : undefined;
}

function httpUrl(text: string): string | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? text : undefined;
  } catch {
    return undefined;
  }
}
