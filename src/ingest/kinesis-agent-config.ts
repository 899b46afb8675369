import { Token } from 'aws-cdk-lib';
import { DEFAULTS } from '../presets/defaults';

/**
 * How the Kinesis Agent chooses the partition key of each record.
 */
export enum PartitionKeyOption {
  /** A random key: records spread evenly over the shards, without order between them. */
  RANDOM = 'RANDOM',
  /** A hash of the record: identical records land on the same shard. */
  DETERMINISTIC = 'DETERMINISTIC',
}

/**
 * Where the Kinesis Agent starts reading a file it has no checkpoint for.
 */
export enum InitialPosition {
  /** From the beginning: lines written before the agent started are sent too. */
  START_OF_FILE = 'START_OF_FILE',
  /** From the end: only lines written after the agent started are sent. */
  END_OF_FILE = 'END_OF_FILE',
}

/**
 * A log format the Kinesis Agent's `LOGTOJSON` option parses.
 */
export enum LogFormat {
  /** Apache common log: host, ident, authuser, datetime, request, response, bytes. */
  COMMONAPACHELOG = 'COMMONAPACHELOG',
  /** Apache combined log: the common log fields, then referer and agent. */
  COMBINEDAPACHELOG = 'COMBINEDAPACHELOG',
  /** Apache error log: timestamp, module, severity, processid, threadid, client, message. */
  APACHEERRORLOG = 'APACHEERRORLOG',
  /** RFC 3164 syslog: timestamp, hostname, program, processid, message. */
  SYSLOG = 'SYSLOG',
  /** Syslog with RFC 3339 timestamps: the same fields as SYSLOG. */
  RFC3339SYSLOG = 'RFC3339SYSLOG',
}

/** Field names the agent gives each format; custom names without a matchPattern must match them one to one. */
const LOG_FORMAT_FIELDS: Record<LogFormat, readonly string[]> = {
  [LogFormat.COMMONAPACHELOG]: ['host', 'ident', 'authuser', 'datetime', 'request', 'response', 'bytes'],
  [LogFormat.COMBINEDAPACHELOG]: ['host', 'ident', 'authuser', 'datetime', 'request', 'response', 'bytes', 'referer', 'agent'],
  [LogFormat.APACHEERRORLOG]: ['timestamp', 'module', 'severity', 'processid', 'threadid', 'client', 'message'],
  [LogFormat.SYSLOG]: ['timestamp', 'hostname', 'program', 'processid', 'message'],
  [LogFormat.RFC3339SYSLOG]: ['timestamp', 'hostname', 'program', 'processid', 'message'],
};

/**
 * Options of `DataProcessingOption.logToJson`.
 */
export interface LogToJsonOptions {
  /**
   * A Java regular expression whose capture groups are the fields, for lines that the format's built-in pattern
   * does not match. Needs `customFieldNames`, one per capture group.
   *
   * @default - the format's built-in pattern
   */
  readonly matchPattern?: string;
  /**
   * The JSON keys of the fields, in order. Without a `matchPattern`, exactly as many as the format has fields.
   *
   * @default - the format's field names, e.g. host, ident, authuser, ... for COMMONAPACHELOG
   */
  readonly customFieldNames?: string[];
}

/**
 * One step of a flow's record processing, done by the agent on the host before it sends the record. Steps run
 * in the order given.
 */
export class DataProcessingOption {
  /**
   * Joins a multi-line record into one line, removing line breaks and leading and trailing spaces.
   */
  public static singleLine(): DataProcessingOption {
    return new DataProcessingOption({ optionName: 'SINGLELINE' });
  }

  /**
   * Converts a delimiter-separated record into a JSON object.
   *
   * @param customFieldNames the JSON keys of the columns, in order; at least one
   * @param delimiter the column delimiter, a Java regular expression; the agent's default is a comma
   */
  public static csvToJson(customFieldNames: string[], delimiter?: string): DataProcessingOption {
    if (customFieldNames.length === 0) {
      throw new Error('Invalid DataProcessingOption.csvToJson customFieldNames: []. Allowed: at least one field name.');
    }
    if (delimiter !== undefined && delimiter.length === 0) {
      throw new Error('Invalid DataProcessingOption.csvToJson delimiter: "". Allowed: a non-empty string, or omit it for a comma.');
    }
    return new DataProcessingOption({ optionName: 'CSVTOJSON', customFieldNames: [...customFieldNames], delimiter });
  }

  /**
   * Parses a log line of a known format into a JSON object. Lines that do not match are dropped by the agent.
   *
   * @param logFormat the format of the lines
   */
  public static logToJson(logFormat: LogFormat, options: LogToJsonOptions = {}): DataProcessingOption {
    const { matchPattern, customFieldNames } = options;
    if (matchPattern !== undefined && customFieldNames === undefined) {
      throw new Error(`Invalid DataProcessingOption.logToJson matchPattern: "${matchPattern}" without customFieldNames. `
        + 'Allowed: a matchPattern together with customFieldNames, one per capture group.');
    }
    const formatFields = LOG_FORMAT_FIELDS[logFormat];
    if (matchPattern === undefined && customFieldNames !== undefined && customFieldNames.length !== formatFields.length) {
      throw new Error(`Invalid DataProcessingOption.logToJson customFieldNames: ${customFieldNames.length} names for ${logFormat}. `
        + `Allowed: exactly ${formatFields.length} names, one for each of ${formatFields.join(', ')}; or a matchPattern.`);
    }
    return new DataProcessingOption({
      optionName: 'LOGTOJSON',
      logFormat,
      matchPattern,
      customFieldNames: customFieldNames && [...customFieldNames],
    });
  }

  /**
   * Adds the host's EC2 metadata (instance id and type, private IP, availability zone, account, AMI, region) and
   * its tags to each record. The record must be a JSON object by then: put this after `logToJson` or `csvToJson`
   * unless the file already holds JSON lines. Reading the tags needs `ec2:DescribeTags`, which
   * `KinesisAgentProducer` grants only when a flow uses this option.
   */
  public static addEc2Metadata(): DataProcessingOption {
    // Some agent versions build a log parser for this option and fail to start without a logFormat; the others
    // ignore it. RFC3339SYSLOG is the value the agent's own documentation uses.
    return new DataProcessingOption({ optionName: 'ADDEC2METADATA', logFormat: LogFormat.RFC3339SYSLOG });
  }

  /** The agent's name of this option, e.g. `LOGTOJSON`. */
  public readonly optionName: string;
  private readonly settings: { [key: string]: unknown };

  private constructor(settings: { optionName: string; [key: string]: unknown }) {
    this.optionName = settings.optionName;
    this.settings = Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
  }

  /**
   * The option as it appears in a flow's `dataProcessingOptions` in agent.json.
   */
  public toJson(): { [key: string]: any } {
    // A copy, so that a caller editing the result cannot change the option for everyone else.
    return JSON.parse(JSON.stringify(this.settings));
  }
}

/**
 * One file flow of the agent: the files it tails, and how it turns their lines into records.
 */
export interface KinesisAgentFlow {
  /**
   * Absolute path of the files to tail; the file name may contain `*` wildcards, e.g. `/var/log/app/*.log`.
   * The agent runs as `aws-kinesis-agent-user`, which needs read access to the files and read and execute
   * access to their directory.
   */
  readonly filePattern: string;
  /**
   * How the partition key of each record is chosen.
   *
   * @default PartitionKeyOption.RANDOM
   */
  readonly partitionKeyOption?: PartitionKeyOption;
  /**
   * Where the agent starts reading a file it has no checkpoint for.
   *
   * @default InitialPosition.END_OF_FILE
   */
  readonly initialPosition?: InitialPosition;
  /**
   * Processing steps applied to each record on the host, in order.
   *
   * @default - records are sent as read, one line each
   */
  readonly dataProcessingOptions?: DataProcessingOption[];
}

/**
 * Everything agent.json is made of, resolved: no defaults are applied to these fields.
 */
export interface AgentConfigInput {
  /** The stream every flow writes to; may be a token. */
  readonly streamName: string;
  /** The regional Kinesis endpoint the agent sends records to. */
  readonly kinesisEndpoint: string;
  /** The regional CloudWatch endpoint the agent sends its metrics to. */
  readonly cloudwatchEndpoint: string;
  /** Whether the agent publishes its metrics to CloudWatch. */
  readonly emitMetrics: boolean;
  readonly flows: KinesisAgentFlow[];
}

/**
 * The agent configuration (agent.json) as a JSON object. Flow settings the agent would default are written out,
 * so that the file on a host says what the agent does.
 */
export function renderAgentConfig(input: AgentConfigInput): { [key: string]: any } {
  return {
    'cloudwatch.emitMetrics': input.emitMetrics,
    'cloudwatch.endpoint': input.cloudwatchEndpoint,
    'kinesis.endpoint': input.kinesisEndpoint,
    'flows': input.flows.map(flow => ({
      filePattern: flow.filePattern,
      kinesisStream: input.streamName,
      partitionKeyOption: flow.partitionKeyOption ?? DEFAULTS.agent.partitionKeyOption,
      initialPosition: flow.initialPosition ?? DEFAULTS.agent.initialPosition,
      ...(flow.dataProcessingOptions?.length ? { dataProcessingOptions: flow.dataProcessingOptions.map(option => option.toJson()) } : {}),
    })),
  };
}

/**
 * Throws when the flows would make the agent fail to start or send records twice.
 *
 * @param prop the flows prop's full name, e.g. `KinesisAgentProducerProps.flows`
 */
export function validateFlows(prop: string, flows: KinesisAgentFlow[]): void {
  if (flows.length === 0) {
    throw new Error(`Invalid ${prop}: []. Allowed: at least one flow.`);
  }
  const seen = new Set<string>();
  flows.forEach((flow, index) => {
    const pattern = flow.filePattern;
    if (Token.isUnresolved(pattern)) {
      return;
    }
    if (!pattern.startsWith('/') || pattern.trim() !== pattern) {
      throw new Error(`Invalid ${prop}[${index}].filePattern: "${pattern}". `
        + 'Allowed: an absolute path without surrounding spaces, e.g. "/var/log/app/*.log".');
    }
    if (pattern.endsWith('/')) {
      throw new Error(`Invalid ${prop}[${index}].filePattern: "${pattern}" names a directory. `
        + 'Allowed: a file name or a file name pattern, e.g. "/var/log/app/*.log".');
    }
    if (seen.has(pattern)) {
      throw new Error(`Invalid ${prop}[${index}].filePattern: "${pattern}" appears twice. `
        + 'Allowed: each file pattern once; two flows for one file would send every line twice.');
    }
    seen.add(pattern);
  });
}
