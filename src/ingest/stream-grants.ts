import * as iam from 'aws-cdk-lib/aws-iam';
import { IStream } from 'aws-cdk-lib/aws-kinesis';

/**
 * Write access to a stream, least privilege: aws-cdk-lib's `Stream.grantWrite` also grants
 * `kms:ReEncrypt*` and `kms:GenerateDataKey*`, which a producer never needs and which compliance
 * scanners flag as wildcards.
 */
export function grantStreamWrite(stream: IStream, grantee: iam.IGrantable): iam.Grant {
  const grant = iam.Grant.addToPrincipal({
    grantee,
    actions: ['kinesis:PutRecord', 'kinesis:PutRecords', 'kinesis:ListShards', 'kinesis:DescribeStreamSummary'],
    resourceArns: [stream.streamArn],
  });
  // Kinesis asks KMS for a data key per put; Decrypt is not needed to write.
  stream.encryptionKey?.grant(grantee, 'kms:GenerateDataKey');
  return grant;
}
