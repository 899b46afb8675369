import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** The catalog, the database and the table, as Glue authorizes a table's reads and partition changes on all three. */
export function catalogTableArns(scope: IConstruct, databaseName: string, tableName: string): string[] {
  const stack = Stack.of(scope);
  return [
    stack.formatArn({ service: 'glue', resource: 'catalog' }),
    stack.formatArn({ service: 'glue', resource: 'database', resourceName: databaseName }),
    stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${databaseName}/${tableName}` }),
  ];
}
