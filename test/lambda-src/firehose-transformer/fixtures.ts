import type { FirehoseTransformationEvent, FirehoseTransformationEventRecord } from 'aws-lambda';
import { ConfigError } from '../../../lambda-src/enrichment-processor/env';
import { FIXED_NOW, seedEvent } from '../enrichment-processor/fixtures';

export const b64 = (data: string | Uint8Array) => Buffer.from(data).toString('base64');

export const jsonData = (value: unknown) => b64(JSON.stringify(value));

export const utf8Of = (data: string) => Buffer.from(data, 'base64').toString('utf8');

/** What the enrichment processor publishes for the seed event, which is what the delivery streams carry. */
export function enrichedSeedEvent(i: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...seedEvent(i, { metadata: { browser: 'firefox', device: i % 2 === 0 ? 'desktop' : 'mobile' } }),
    processed_at: FIXED_NOW.toISOString(),
    session_id: `5f1c0a7e9b2d4c6e8a0f1b3d5e7c9a${String(i % 100).padStart(2, '0')}`,
    ...overrides,
  };
}

export const DELIVERY_STREAM_ARN = 'arn:aws:firehose:us-east-1:123456789012:deliverystream/enriched-to-opensearch';

/** Record ids shaped like Firehose's: its sequence number followed by a counter. */
export const recordId = (i: number) => `49546986683135544286507457936321625675700192471156785154${String(i).padStart(6, '0')}`;

export function firehoseRecord(data: string, i: number): FirehoseTransformationEventRecord {
  return { recordId: recordId(i), approximateArrivalTimestamp: 1_718_000_000_000 + i, data };
}

export function firehoseEvent(data: readonly string[]): FirehoseTransformationEvent {
  return {
    invocationId: 'a6b4e1f2-3c5d-4e7f-8a9b-0c1d2e3f4a5b',
    deliveryStreamArn: DELIVERY_STREAM_ARN,
    region: 'us-east-1',
    records: data.map(firehoseRecord),
  };
}

/** Matches the ConfigError a misconfigured function fails its cold start with, down to the exact message. */
export const configError = (variable: string, message: string) => expect.objectContaining({
  constructor: ConfigError,
  variable,
  message: `${variable} ${message}`,
});
