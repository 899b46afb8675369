import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { encryptedTable } from '../internal/encrypted-table';
import { validateDurationInRange } from '../internal/validation';
import { DEFAULTS } from '../presets/defaults';
import { FieldType, RecordSchema } from '../schema/record-schema';

/**
 * Sessionization: each record gets a `session_id`. A user's session continues while their events come less than
 * `inactivityGap` apart, and the state (each user's recent sessions) lives in the processor's state table, read
 * and written once per user per batch. Records of one user must reach the processor in order, which holds when
 * producers use the user as partition key (the default). Records without a user or timestamp get `null`.
 */
export interface SessionizationOptions {
  /**
   * The string field of the record schema that identifies the user.
   *
   * @default 'user_id'
   */
  readonly keyField?: string;
  /**
   * The timestamp field of the record schema that orders a user's events.
   *
   * @default 'timestamp'
   */
  readonly timestampField?: string;
  /**
   * Inactivity after which the next event starts a new session, from 1 minute to 24 hours.
   *
   * @default Duration.minutes(30)
   */
  readonly inactivityGap?: Duration;
}

/**
 * Deduplication: a record whose event id was already delivered within `window` is dropped (and counted), so that
 * producer retries and batch retries do not create duplicates downstream. Each record costs a conditional write
 * to the state table and a write confirming its delivery.
 */
export interface DeduplicationOptions {
  /**
   * Whether deduplication is on; false turns off what a preset turned on.
   *
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * The string field of the record schema that identifies an event.
   *
   * @default 'event_id'
   */
  readonly idField?: string;
  /**
   * How long an event id is remembered, from 1 minute to 7 days.
   *
   * @default Duration.hours(24)
   */
  readonly window?: Duration;
}

/** The state table layout the handler uses (lambda-src/enrichment-processor/state-table.ts). */
const STATE_TABLE_LAYOUT = { partitionKey: 'pk', timeToLiveAttribute: 'expires_at' } as const;

export interface ProcessorStateProps {
  readonly sessionization?: SessionizationOptions;
  readonly deduplication?: DeduplicationOptions;
  readonly table?: dynamodb.ITable;
  readonly schema: RecordSchema;
  readonly encryptionKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
  readonly grantee: iam.IGrantable;
  /** The function's timeout: how long an undelivered claim on an event id holds off repeats. */
  readonly invocationTimeout: Duration;
}

/**
 * The state table for sessionization and deduplication (created unless given), the grantee's access to it, and
 * the handler's variables; nothing when both are off.
 */
export function processorState(scope: Construct, props: ProcessorStateProps): { table?: dynamodb.ITable; environment: Record<string, string> } {
  const prop = (name: string) => `EnrichmentProcessorProps.${name}`;
  const deduplication = props.deduplication?.enabled === false ? undefined : props.deduplication;
  if (props.sessionization === undefined && deduplication === undefined) {
    if (props.table !== undefined) {
      throw new Error(`Invalid ${prop('stateTable')}: given without sessionization or deduplication. Allowed: only together with either.`);
    }
    return { environment: {} };
  }
  const defaults = DEFAULTS.state;
  const environment: Record<string, string> = {};
  const schemaField = (name: string, field: string, type: FieldType) => {
    const candidates = props.schema.fields.filter(f => f.type === type).map(f => f.name);
    if (!candidates.includes(field)) {
      throw new Error(`Invalid ${prop(name)}: "${field}". Allowed: a ${type} field of the record schema (${candidates.join(', ')}).`);
    }
    return field;
  };
  if (props.sessionization !== undefined) {
    const gap = props.sessionization.inactivityGap ?? defaults.sessionGap;
    validateDurationInRange(prop('sessionization.inactivityGap'), gap, defaults.sessionGapSecondsRange.min, defaults.sessionGapSecondsRange.max, 'seconds');
    environment.SESSION_KEY_FIELD = schemaField('sessionization.keyField', props.sessionization.keyField ?? defaults.sessionKeyField, FieldType.STRING);
    environment.SESSION_TIMESTAMP_FIELD = schemaField('sessionization.timestampField',
      props.sessionization.timestampField ?? defaults.sessionTimestampField, FieldType.TIMESTAMP);
    environment.SESSION_GAP_SECONDS = String(gap.toSeconds());
  }
  if (deduplication !== undefined) {
    const window = deduplication.window ?? defaults.dedupWindow;
    validateDurationInRange(prop('deduplication.window'), window, defaults.dedupWindowSecondsRange.min, defaults.dedupWindowSecondsRange.max, 'seconds');
    environment.DEDUP_ID_FIELD = schemaField('deduplication.idField', deduplication.idField ?? defaults.dedupIdField, FieldType.STRING);
    environment.DEDUP_WINDOW_SECONDS = String(window.toSeconds());
    environment.DEDUP_LEASE_SECONDS = String(props.invocationTimeout.toSeconds());
  }

  const table = props.table ?? encryptedTable(scope, 'StateTable', {
    partitionKey: STATE_TABLE_LAYOUT.partitionKey,
    timeToLiveAttribute: STATE_TABLE_LAYOUT.timeToLiveAttribute,
    encryptionKey: props.encryptionKey,
    removalPolicy: props.removalPolicy,
    backupPlanReason: 'The table holds short-lived processing state (session boundaries, recently seen event ids) that '
      + 'expires by TTL within days and is rebuilt from the stream; point-in-time recovery and deletion protection '
      + 'are on, and long-term vault copies of it would have nothing to restore that is still valid.',
  });
  // Exactly what the handler calls: consistent BatchGetItem of session state, conditional PutItem of state and
  // claims, BatchWriteItem of delivery confirmations.
  iam.Grant.addToPrincipal({
    grantee: props.grantee,
    actions: ['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:BatchWriteItem'],
    resourceArns: [table.tableArn],
  });
  table.encryptionKey?.grant(props.grantee, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey');
  return { table, environment: { STATE_TABLE_NAME: table.tableName, ...environment } };
}
