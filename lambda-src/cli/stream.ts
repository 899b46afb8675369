/** The stream records go to, as named on the command line. */
export interface StreamTarget {
  readonly name: string;
  /** Set when the stream was given by ARN. */
  readonly arn?: string;
  /** The ARN's region, when given by ARN. */
  readonly region?: string;
}

const STREAM_NAME = /^[a-zA-Z0-9_.-]{1,128}$/;
const STREAM_ARN = /^arn:aws[a-z-]*:kinesis:([a-z0-9-]+):(\d{12}):stream\/([a-zA-Z0-9_.-]{1,128})$/;

/** The stream named by a stream name or ARN, or undefined when the text is neither. */
export function parseStreamTarget(text: string): StreamTarget | undefined {
  if (STREAM_NAME.test(text)) {
    return { name: text };
  }
  const arn = STREAM_ARN.exec(text);
  return arn === null ? undefined : { name: arn[3], arn: text, region: arn[1] };
}

/**
 * The request parameters that identify the stream. Kinesis accepts a name and an ARN together (they must agree); the
 * ARN tells the SDK which account's endpoint to use, and the name keeps emulators that predate StreamARN working.
 */
export function streamParameters(target: StreamTarget): { StreamName: string; StreamARN?: string } {
  return target.arn === undefined ? { StreamName: target.name } : { StreamName: target.name, StreamARN: target.arn };
}

/** How the stream is shown in messages: its name, or its ARN when given one. */
export function describeTarget(target: StreamTarget): string {
  return target.arn ?? target.name;
}
