import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface EncryptedTableProps {
  /** The string partition key; the tables of this library have no sort key. */
  readonly partitionKey: string;
  readonly encryptionKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
  readonly timeToLiveAttribute?: string;
  /** Why long-term AWS Backup copies are left to the data owner, for the NIST and HIPAA backup-plan rules. */
  readonly backupPlanReason: string;
}

/** An on-demand table with point-in-time recovery, a customer-managed key and deletion protection. */
export function encryptedTable(scope: Construct, id: string, props: EncryptedTableProps): dynamodb.Table {
  const table = new dynamodb.Table(scope, id, {
    partitionKey: { name: props.partitionKey, type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: props.encryptionKey,
    timeToLiveAttribute: props.timeToLiveAttribute,
    // RETAIN only covers CloudFormation; deletion protection also stops a console or API delete.
    deletionProtection: props.removalPolicy !== RemovalPolicy.DESTROY,
    removalPolicy: props.removalPolicy,
  });
  for (const rule of ['NIST.800.53.R5-DynamoDBInBackupPlan', 'HIPAA.Security-DynamoDBInBackupPlan']) {
    Validations.of(table).acknowledge({ id: rule, reason: props.backupPlanReason });
  }
  return table;
}
