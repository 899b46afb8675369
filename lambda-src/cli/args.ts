import { parseArgs } from 'node:util';
import { parseDuration } from './duration';
import { StreamTarget, parseStreamTarget } from './stream';

export const PROGRAM = 'cdk-streaming-pipeline';

/** A command line that cannot be run; the message names the option, the value and what is allowed. */
export class UsageError extends Error {
  constructor(message: string, public readonly command?: 'load') {
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

export type Command =
  | { readonly kind: 'help'; readonly command?: 'load' }
  | { readonly kind: 'version' }
  | { readonly kind: 'load'; readonly options: LoadOptions };

export const DEFAULT_PARTITION_KEYS = 1_000;
export const DEFAULT_MAX_RETRIES = 5;
export const MAX_MAX_RETRIES = 100;
export const ENDPOINT_ENV = 'AWS_ENDPOINT_URL_KINESIS';

const PROGRAM_FLAGS = { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'V' } } as const;
const LOAD_VALUES = {
  'stream': { type: 'string' },
  'rate': { type: 'string' },
  'duration': { type: 'string' },
  'template': { type: 'string' },
  'partition-keys': { type: 'string' },
  'max-retries': { type: 'string' },
  'region': { type: 'string' },
  'endpoint-url': { type: 'string' },
} as const;
type LoadValueName = keyof typeof LOAD_VALUES;

// What each option takes, for the messages about a missing or wrong value.
const ALLOWED: Record<LoadValueName, string> = {
  'stream': 'a stream name (1 to 128 of A-Z a-z 0-9 _ . -) or a stream ARN (arn:aws:kinesis:<region>:<account>:stream/<name>)',
  'rate': 'a positive integer (records per second)',
  'duration': 'a positive duration such as 30s, 10m, 1h or 1h30m (units h, m, s, ms; a bare number is seconds)',
  'template': 'a path to a JSON file',
  'partition-keys': 'a positive integer (how many distinct users, and so partition keys)',
  'max-retries': `an integer from 0 to ${MAX_MAX_RETRIES}`,
  'region': 'an AWS region code such as us-east-1',
  'endpoint-url': 'an http:// or https:// URL',
};

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const DIGITS = /^\d+$/;
// A following argument that looks like an option (--rate, -h) is not taken as the value of the one before it.
const OPTION_LIKE = /^-[A-Za-z-]/;

/** The command a command line asks for. --help anywhere asks for help with the command it names. */
export function parseCommandLine(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Command {
  const { tokens } = parseArgs({
    args: [...argv],
    options: { ...PROGRAM_FLAGS, ...LOAD_VALUES },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const positionals = tokens.flatMap((token) => (token.kind === 'positional' ? [token.value] : []));
  const optionNames = new Set(tokens.flatMap((token) => (token.kind === 'option' ? [token.name] : [])));
  const [command, ...extra] = positionals;
  if (command !== undefined && command !== 'load') {
    throw new UsageError(`unknown command "${command}": allowed is load`);
  }
  if (optionNames.has('help')) {
    return { kind: 'help', command };
  }
  if (optionNames.has('version')) {
    return { kind: 'version' };
  }
  if (command === undefined) {
    const unknown = tokens.find((token) => token.kind === 'option' && !Object.hasOwn(PROGRAM_FLAGS, token.name));
    if (unknown?.kind === 'option') {
      throw new UsageError(`unknown option ${unknown.rawName} without a command: allowed are the command load, --help, --version`);
    }
    throw new UsageError('missing command: allowed is load');
  }
  const values = new Map<LoadValueName, string>();
  for (const token of tokens) {
    if (token.kind !== 'option') {
      continue;
    }
    if (!Object.hasOwn(LOAD_VALUES, token.name)) {
      throw new UsageError(`unknown option ${token.rawName}: allowed are ${Object.keys(LOAD_VALUES).map((name) => `--${name}`).join(', ')}, --help`, 'load');
    }
    const name = token.name as LoadValueName;
    if (token.value === undefined || (!token.inlineValue && OPTION_LIKE.test(token.value))) {
      throw new UsageError(`--${name} needs a value: allowed is ${ALLOWED[name]}`, 'load');
    }
    if (values.has(name)) {
      throw new UsageError(`--${name} given twice ("${values.get(name)}", "${token.value}"): allowed is once`, 'load');
    }
    values.set(name, token.value);
  }
  if (extra.length > 0) {
    throw new UsageError(`unexpected argument "${extra[0]}": load takes options only`, 'load');
  }
  return { kind: 'load', options: loadOptions(values, env) };
}

function loadOptions(values: ReadonlyMap<LoadValueName, string>, env: Readonly<Record<string, string | undefined>>): LoadOptions {
  const required = (name: LoadValueName): string => {
    const value = values.get(name);
    if (value === undefined) {
      throw new UsageError(`missing --${name}: allowed is ${ALLOWED[name]}`, 'load');
    }
    return value;
  };
  const invalid = (name: LoadValueName, value: string) => new UsageError(`invalid --${name} "${value}": allowed is ${ALLOWED[name]}`, 'load');
  const check = <T>(name: LoadValueName, value: string, parsed: T | undefined): T => {
    if (parsed === undefined) {
      throw invalid(name, value);
    }
    return parsed;
  };
  const optional = <T>(name: LoadValueName, parse: (text: string) => T | undefined, fallback: T): T => {
    const value = values.get(name);
    return value === undefined ? fallback : check(name, value, parse(value));
  };

  const streamText = required('stream');
  const stream = check('stream', streamText, parseStreamTarget(streamText));
  const rateText = required('rate');
  const ratePerSecond = check('rate', rateText, positiveInteger(rateText));
  const durationText = required('duration');
  const durationMs = check('duration', durationText, parseDuration(durationText));
  if (ratePerSecond * durationMs < 1_000) {
    throw new UsageError(`invalid --duration "${durationText}": at --rate ${ratePerSecond} it makes no record; allowed is at least ${Math.ceil(1_000 / ratePerSecond)}ms`, 'load');
  }
  const partitionKeys = optional('partition-keys', positiveInteger, DEFAULT_PARTITION_KEYS);
  const maxRetries = optional('max-retries', (text) => integerUpTo(text, MAX_MAX_RETRIES), DEFAULT_MAX_RETRIES);
  const region = optional('region', (text) => (REGION.test(text) ? text : undefined), stream.region);
  if (stream.region !== undefined && region !== stream.region) {
    throw new UsageError(`invalid --region "${region}": the --stream ARN is in ${stream.region}; allowed is that region or none`, 'load');
  }
  const endpointUrl = optional('endpoint-url', httpUrl, endpointFromEnv(env));
  return {
    stream,
    ratePerSecond,
    durationMs,
    durationText,
    templatePath: values.get('template'),
    partitionKeys,
    maxRetries,
    region,
    endpointUrl,
  };
}

function endpointFromEnv(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const value = env[ENDPOINT_ENV];
  if (value === undefined || value === '') {
    return undefined;
  }
  const url = httpUrl(value);
  if (url === undefined) {
    throw new UsageError(`invalid ${ENDPOINT_ENV} "${value}": allowed is ${ALLOWED['endpoint-url']}`, 'load');
  }
  return url;
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
