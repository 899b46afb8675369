import { BatchWriteItemCommand, BatchWriteItemCommandOutput, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { chunk } from './groups';
import { attemptInGroups, ItemFailure, RetryDeps, retryUndone } from './retry';
import { epochSeconds, isConditionFailure, PutItemClient, STATE_TABLE } from './state-table';

export interface DedupConfig {
  readonly tableName: string;
  /** The record field that identifies an event, e.g. event_id. */
  readonly idField: string;
  readonly windowSeconds: number;
  /**
   * How long an undelivered claim holds off repeats from other positions: at least one invocation (the function
   * timeout). After it, a repeat may take the claim over, so that an event whose first record never reached the
   * stream (dead-lettered, or given up on by the event source) can be replayed within the window.
   */
  readonly leaseSeconds: number;
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

/** Marks a claim whose record reached the enriched stream; a retry of the same position is then a duplicate too. */
const DELIVERED = 'delivered';

function claimItem(claim: EventClaim, expires: number, leaseUntil?: number) {
  return {
    [STATE_TABLE.keyAttribute]: { S: STATE_TABLE.eventPrefix + claim.eventId },
    position: { S: claim.position },
    [STATE_TABLE.ttlAttribute]: { N: String(expires) },
    ...(leaseUntil === undefined ? { status: { S: DELIVERED } } : { lease_until: { N: String(leaseUntil) } }),
  };
}

/**
 * Claims each event id with a conditional write that succeeds when the id is new, its claim has expired, or its
 * delivery was not confirmed and the claim is this very record's (a retry after the batch stopped before it) or its
 * lease has run out (the claiming record never reached the stream). A repeat from another position while the claim
 * is delivered or leased, or a retry of a record already delivered, fails the condition: a duplicate.
 */
export async function claimEvents(claims: readonly EventClaim[], deps: DedupDeps): Promise<ClaimResult> {
  const duplicates = new Set<number>();
  const lastError = new Map<EventClaim, ItemFailure>();
  const nowSeconds = epochSeconds(deps.now);
  const claimOne = async ([claim]: readonly EventClaim[]): Promise<EventClaim[]> => {
    try {
      await deps.client.send(new PutItemCommand({
        TableName: deps.config.tableName,
        Item: claimItem(claim, nowSeconds + deps.config.windowSeconds, nowSeconds + deps.config.leaseSeconds),
        ConditionExpression: 'attribute_not_exists(#pk) OR #expires < :now '
          + 'OR (attribute_not_exists(#status) AND (#position = :position OR #lease < :now))',
        ExpressionAttributeNames: {
          '#pk': STATE_TABLE.keyAttribute, '#expires': STATE_TABLE.ttlAttribute, '#position': 'position', '#status': 'status', '#lease': 'lease_until',
        },
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

/** The narrow slice of DynamoDBClient for confirming deliveries. */
export interface BatchWriteItemClient {
  send(command: BatchWriteItemCommand): Promise<BatchWriteItemCommandOutput>;
}

/** BatchWriteItem's limit of items per request. */
const BATCH_WRITE_MAX_ITEMS = 25;

/**
 * Confirms the delivery of published records' claims, so that a retry of their batch drops them. Returns the
 * claims left unconfirmed after retries: those records may be published again by a retry (at least once).
 */
export async function confirmDelivered(
  claims: readonly EventClaim[],
  deps: Omit<DedupDeps, 'client'> & { readonly client: BatchWriteItemClient },
): Promise<readonly EventClaim[]> {
  const expires = epochSeconds(deps.now) + deps.config.windowSeconds;
  const lastError = new Map<EventClaim, ItemFailure>();
  const writeGroup = async (group: readonly EventClaim[]): Promise<EventClaim[]> => {
    const output = await deps.client.send(new BatchWriteItemCommand({
      RequestItems: { [deps.config.tableName]: group.map((claim) => ({ PutRequest: { Item: claimItem(claim, expires) } })) },
    }));
    const unprocessed = new Set((output.UnprocessedItems?.[deps.config.tableName] ?? [])
      .map((request) => request.PutRequest?.Item?.[STATE_TABLE.keyAttribute]?.S));
    return group.filter((claim) => unprocessed.has(STATE_TABLE.eventPrefix + claim.eventId));
  };
  const { remaining } = await retryUndone(
    claims,
    (pending) => attemptInGroups(chunk(pending, BATCH_WRITE_MAX_ITEMS), writeGroup, lastError),
    deps,
  );
  return remaining;
}
