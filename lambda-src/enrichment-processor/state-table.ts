import { PutItemCommand, PutItemCommandOutput } from '@aws-sdk/client-dynamodb';

/**
 * The processor's own state table (sessions and seen event ids) shares one layout with the construct:
 * a string partition key `pk` whose value starts with the kind of item, and a TTL attribute.
 */
export const STATE_TABLE = {
  keyAttribute: 'pk',
  ttlAttribute: 'expires_at',
  sessionPrefix: 'session#',
  eventPrefix: 'event#',
} as const;

/** The narrow slice of DynamoDBClient used for conditional writes, so tests can inject faults dynalite cannot produce. */
export interface PutItemClient {
  send(command: PutItemCommand): Promise<PutItemCommandOutput>;
}

export function isConditionFailure(err: unknown): boolean {
  return err instanceof Error && err.name === 'ConditionalCheckFailedException';
}

export function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
