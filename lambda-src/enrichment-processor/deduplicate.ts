import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { chunk } from './groups';
import { attemptInGroups, ItemFailure, RetryDeps, retryUndone } from './retry';
import { epochSeconds, isConditionFailure, PutItemClient, STATE_TABLE } from './state-table';

export interface DedupConfig {
  readonly tableName: string;
  /** The record field that identifies an event, e.g. event_id. */
  readonly idField: string;
  readonly windowSeconds: number;
}

/** A valid record's claim on its event id; the position tells a retry of the same record from a repeat. */
export interface EventClaim {
  readonly index: number;
  readonly eventId: string;
  /** The record's shard and sequence number (its Lambda eventID). */
  readonly position: string;
}

export interface DedupDeps extends RetryDeps {
  readonly config: DedupConfig;
  readonly client: PutItemClient;
  readonly now: Date;
}

export interface ClaimResult {
  /** Records whose event id another record already claimed within the window. */
  readonly duplicates: ReadonlySet<number>;
  /** Records whose claim could not be written after retries, with the last error. */
  readonly unavailable: ReadonlyMap<number, ItemFailure>;
}

/** Conditional writes in flight at once: enough to hide latency, few enough to stay clear of throttling. */
const CLAIM_CONCURRENCY = 25;

/**
 * Claims each event id with a conditional write that succeeds when the id is new, its claim has expired, or the
 * claim is this very record's (a retry of a batch that failed after claiming). A repeat from another position
 * within the window fails the condition and is a duplicate. Claims outlive a failed delivery on purpose: the
 * claiming record is retried from its own position and takes its claim over.
 */
export async function claimEvents(claims: readonly EventClaim[], deps: DedupDeps): Promise<ClaimResult> {
  const duplicates = new Set<number>();
  const lastError = new Map<EventClaim, ItemFailure>();
  const nowSeconds = epochSeconds(deps.now);
  const claimOne = async ([claim]: readonly EventClaim[]): Promise<EventClaim[]> => {
    try {
      await deps.client.send(new PutItemCommand({
        TableName: deps.config.tableName,
        Item: {
          [STATE_TABLE.keyAttribute]: { S: STATE_TABLE.eventPrefix + claim.eventId },
          position: { S: claim.position },
          [STATE_TABLE.ttlAttribute]: { N: String(nowSeconds + deps.config.windowSeconds) },
        },
        ConditionExpression: 'attribute_not_exists(#pk) OR #expires < :now OR #position = :position',
        ExpressionAttributeNames: { '#pk': STATE_TABLE.keyAttribute, '#expires': STATE_TABLE.ttlAttribute, '#position': 'position' },
        ExpressionAttributeValues: { ':now': { N: String(nowSeconds) }, ':position': { S: claim.position } },
      }));
    } catch (err) {
      if (!isConditionFailure(err)) {
        throw err;
      }
      duplicates.add(claim.index);
    }
    return [];
  };
  const { remaining } = await retryUndone(
    claims,
    (pending) => attemptInGroups(chunk(pending, 1), claimOne, lastError, CLAIM_CONCURRENCY),
    deps,
  );
  return { duplicates, unavailable: new Map(remaining.map((claim) => [claim.index, lastError.get(claim)!])) };
}
