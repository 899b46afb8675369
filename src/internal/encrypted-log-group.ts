import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Properties of a log group of ours. */
export interface EncryptedLogGroupProps {
  readonly encryptionKey: kms.IKey;
  readonly retention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * A log group encrypted with a customer-managed key. CloudWatch Logs encrypts as its regional service
 * principal, so the key policy lets that principal use the key for this account's log groups only. An
 * imported key's policy cannot be changed here: its owner grants the same (see the README).
 */
export function encryptedLogGroup(scope: Construct, id: string, props: EncryptedLogGroupProps): logs.LogGroup {
  const stack = Stack.of(scope);
  props.encryptionKey.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: {
      ArnLike: {
        'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
          service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    },
  }));
  return new logs.LogGroup(scope, id, {
    encryptionKey: props.encryptionKey,
    retention: props.retention,
    removalPolicy: props.removalPolicy,
  });
}

/**
 * Lets a function's role write its logs to its own log group, in place of the AWS-managed
 * `AWSLambdaBasicExecutionRole`, which allows writing to any log group: a role we create gets no such policy from
 * aws-cdk-lib, so without this the function logs nothing.
 */
export function grantFunctionLogging(role: iam.IGrantable, logGroup: logs.ILogGroup): void {
  role.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: [logGroup.logGroupArn],
  }));
}
