/**
 * AWS clients for the CPU benchmark that answer from memory at once, so that `processBatch` runs its whole code path
 * (orchestration, SDK command objects, state (de)serialization, promise fan-out) while the time spent waiting on a
 * network, and the SDK's serialization, signing and HTTP underneath `send`, are left out, as the floor leaves them out.
 * Each does the least work that keeps the handler on its ordinary path, so what is timed is the handler's.
 */
import {
  BatchGetItemCommand,
  BatchGetItemCommandOutput,
  BatchWriteItemCommand,
  BatchWriteItemCommandOutput,
  PutItemCommand,
  PutItemCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { PutRecordsCommand, PutRecordsCommandOutput, PutRecordsResultEntry } from '@aws-sdk/client-kinesis';
import { SendMessageBatchCommand, SendMessageBatchCommandOutput } from '@aws-sdk/client-sqs';
import type { BatchGetItemClient, Item } from '../../lambda-src/enrichment-processor/batch-get';
import type { SendMessageBatchClient } from '../../lambda-src/enrichment-processor/dead-letter';
import type { BatchWriteItemClient } from '../../lambda-src/enrichment-processor/deduplicate';
import type { PutRecordsClient } from '../../lambda-src/enrichment-processor/publish';
import type { PutItemClient } from '../../lambda-src/enrichment-processor/state-table';
import { STATE_TABLE } from '../../lambda-src/enrichment-processor/state-table';

const METADATA = { httpStatusCode: 200 };

/** Accepts every entry; counts them so a run can check that every record was published. */
export class InstantKinesis implements PutRecordsClient {
  entries = 0;
  // One shared result per entry; the handler only reads ErrorCode, so the same object can stand for all.
  private readonly accepted: PutRecordsResultEntry = { SequenceNumber: '1', ShardId: 'shardId-000000000000' };

  async send(command: PutRecordsCommand): Promise<PutRecordsCommandOutput> {
    const count = command.input.Records?.length ?? 0;
    this.entries += count;
    return { FailedRecordCount: 0, Records: new Array<PutRecordsResultEntry>(count).fill(this.accepted), $metadata: METADATA };
  }
}

/** The dead-letter queue: the benchmark's records are all valid, so any message is a broken benchmark. */
export class RefusingSqs implements SendMessageBatchClient {
  async send(command: SendMessageBatchCommand): Promise<SendMessageBatchCommandOutput> {
    throw new Error(`benchmark record dead-lettered: ${command.input.Entries?.[0]?.MessageBody?.slice(0, 300)}`);
  }
}

/** A reference table that must never be read: the in-process cache is warm. */
export class RefusingReferenceTable implements BatchGetItemClient {
  async send(_command: BatchGetItemCommand): Promise<BatchGetItemCommandOutput> {
    throw new Error('benchmark reference cache was not warm: the table was read');
  }
}

/**
 * The state table. Session items are kept, so every batch after the first finds each user's state (warm state:
 * one read, assignment against earlier sessions, one versioned write per user). Conditions are not evaluated:
 * every event claim succeeds, the common case of a new event. Evaluating them would make every repetition over the
 * same records a run of duplicates, which skip enrichment and encoding and would flatter the rate.
 */
export class InstantStateTable implements BatchGetItemClient, PutItemClient, BatchWriteItemClient {
  readonly claims = { written: 0, confirmed: 0 };
  private readonly sessions = new Map<string, Item>();

  send(command: BatchGetItemCommand): Promise<BatchGetItemCommandOutput>;
  send(command: PutItemCommand): Promise<PutItemCommandOutput>;
  send(command: BatchWriteItemCommand): Promise<BatchWriteItemCommandOutput>;
  async send(command: BatchGetItemCommand | PutItemCommand | BatchWriteItemCommand):
  Promise<BatchGetItemCommandOutput | PutItemCommandOutput | BatchWriteItemCommandOutput> {
    if (command instanceof PutItemCommand) {
      const key = command.input.Item![STATE_TABLE.keyAttribute].S!;
      if (key.startsWith(STATE_TABLE.sessionPrefix)) {
        this.sessions.set(key, command.input.Item!);
      } else {
        this.claims.written++;
      }
      return { $metadata: METADATA };
    }
    if (command instanceof BatchGetItemCommand) {
      const [[table, request]] = Object.entries(command.input.RequestItems!);
      const items: Item[] = [];
      for (const key of request.Keys!) {
        const item = this.sessions.get(key[STATE_TABLE.keyAttribute].S!);
        if (item !== undefined) items.push(item);
      }
      return { Responses: { [table]: items }, UnprocessedKeys: {}, $metadata: METADATA };
    }
    for (const requests of Object.values(command.input.RequestItems!)) this.claims.confirmed += requests.length;
    return { UnprocessedItems: {}, $metadata: METADATA };
  }
}
