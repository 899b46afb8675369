import {
  AttributeValue,
  BatchWriteItemCommand,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { closeEmulator, emulatorClientConfig, listenOnLoopback } from './emulator';

export interface Dynalite {
  /** Base URL, usable as AWS_ENDPOINT_URL_DYNAMODB. */
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  /** Creates an on-demand table with a string partition key and waits until it is ACTIVE; returns its ARN. */
  createTable(name: string, partitionKey: string): Promise<string>;
  /** Writes items in typed attribute-value form, 25 per request as BatchWriteItem allows. */
  putItems(tableName: string, items: ReadonlyArray<Record<string, AttributeValue>>): Promise<void>;
  stop(): Promise<void>;
}

/** Starts an in-memory dynalite on an ephemeral port, so tests can run in parallel without clashing. */
export async function startDynalite(): Promise<Dynalite> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const endpoint = await listenOnLoopback(server);
  const client = new DynamoDBClient(emulatorClientConfig(endpoint));

  async function createTable(name: string, partitionKey: string): Promise<string> {
    await client.send(new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: partitionKey, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: partitionKey, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }));
    // dynalite activates tables on a timer even with createTableMs 0.
    for (;;) {
      const { Table: table } = await client.send(new DescribeTableCommand({ TableName: name }));
      if (table?.TableStatus === 'ACTIVE') {
        return table.TableArn!;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async function putItems(tableName: string, items: ReadonlyArray<Record<string, AttributeValue>>): Promise<void> {
    for (let start = 0; start < items.length; start += 25) {
      let pending = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
      while (pending.length > 0) {
        const { UnprocessedItems: unprocessed } = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
        pending = (unprocessed?.[tableName] ?? []).map((request) => ({ PutRequest: { Item: request.PutRequest!.Item! } }));
      }
    }
  }

  async function stop(): Promise<void> {
    client.destroy();
    await closeEmulator(server);
  }

  return { endpoint, client, createTable, putItems, stop };
}

/** A dynalite with one table for a whole test file: started before its tests, stopped after them. */
export function dynaliteTableForTests(tableName: string, partitionKey: string): () => Dynalite {
  let dynamo: Dynalite;
  beforeAll(async () => {
    dynamo = await startDynalite();
    await dynamo.createTable(tableName, partitionKey);
  });
  afterAll(async () => {
    await dynamo.stop();
  });
  return () => dynamo;
}
