import * as iam from 'aws-cdk-lib/aws-iam';
import { IStream } from 'aws-cdk-lib/aws-kinesis';

/** What a service integration that only puts records calls. */
export const PUT_ACTIONS = ['kinesis:PutRecord', 'kinesis:PutRecords'];

/** What SDK producers call: puts, plus the shard discovery that the SDK's and KPL's batching relies on. */
export const PRODUCER_ACTIONS = [...PUT_ACTIONS, 'kinesis:ListShards', 'kinesis:DescribeStreamSummary'];

/**
 * Write access to a stream, least privilege: aws-cdk-lib's `Stream.grantWrite` also grants
 * `kms:ReEncrypt*` and `kms:GenerateDataKey*`, which a producer never needs and which compliance
 * scanners flag as wildcards.
 */
export function grantStreamWrite(stream: IStream, grantee: iam.IGrantable, actions: string[] = PRODUCER_ACTIONS): iam.Grant {
  const grant = iam.Grant.addToPrincipal({
    grantee,
    actions,
    resourceArns: [stream.streamArn],
  });
  // Kinesis asks KMS for a data key per put; Decrypt is not needed to write.
  stream.encryptionKey?.grant(grantee, 'kms:GenerateDataKey');
  return grant;
}
