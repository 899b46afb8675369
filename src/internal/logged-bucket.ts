import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DEFAULTS } from '../presets/defaults';

/**
 * The rule every versioned bucket of ours has: old versions go after a recovery window, abandoned multipart uploads
 * after a week.
 */
export const VERSIONS_AND_UPLOADS_RULE: s3.LifecycleRule = {
  id: 'versions-and-uploads',
  noncurrentVersionExpiration: DEFAULTS.dataLakeLifecycle.noncurrentVersionRetention,
  abortIncompleteMultipartUploadAfter: DEFAULTS.dataLakeLifecycle.abortIncompleteUploadsAfter,
};

/** Properties of a bucket of ours and its server access log bucket. */
export interface LoggedBucketProps {
  readonly encryptionKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
  /** What the bucket holds, for the log bucket's acknowledgements, e.g. `the data lake`. */
  readonly holds: string;
  readonly lifecycleRules: s3.LifecycleRule[];
  /** The log bucket's rules: logs are read rarely, so they expire with the data but are never tiered. */
  readonly accessLogsLifecycleRules: s3.LifecycleRule[];
  readonly intelligentTieringConfigurations?: s3.IntelligentTieringConfiguration[];
  /** Replication of both buckets: the role, and the rule for a bucket by rule id. */
  readonly replication?: { readonly role: iam.IRole; readonly rules: (ruleId: string) => s3.ReplicationRule[] };
  /** Why the buckets need no replication, for buckets that hold only transient copies; acknowledged on both. */
  readonly noReplicationReason?: string;
}

/**
 * A KMS-encrypted, versioned, TLS-only bucket without ACLs or public access, with server access logs under
 * `access-logs/` in a second bucket (created as `Bucket` and `AccessLogsBucket` in the scope).
 */
export function loggedBucket(scope: Construct, props: LoggedBucketProps): { bucket: s3.Bucket; accessLogsBucket: s3.Bucket } {
  const common = {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    versioned: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    replicationRole: props.replication?.role,
    removalPolicy: props.removalPolicy,
  };
  const accessLogsBucket = new s3.Bucket(scope, 'AccessLogsBucket', {
    ...common,
    // S3 server access logging delivers only to buckets encrypted with S3-managed keys.
    encryption: s3.BucketEncryption.S3_MANAGED,
    lifecycleRules: props.accessLogsLifecycleRules,
    replicationRules: props.replication?.rules('access-logs'),
  });
  Validations.of(accessLogsBucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason: `This bucket is the server access log target of ${props.holds} bucket; logging it too would need another log bucket without end.`,
  });
  for (const rule of ['NIST.800.53.R5-S3DefaultEncryptionKMS', 'HIPAA.Security-S3DefaultEncryptionKMS', 'PCI.DSS.321-S3DefaultEncryptionKMS']) {
    Validations.of(accessLogsBucket).acknowledge({
      id: rule,
      reason: `S3 server access logging delivers only to target buckets encrypted with S3-managed keys (SSE-S3); SSE-KMS is not supported for the log target. The data itself is in the KMS-encrypted ${props.holds} bucket.`,
    });
  }
  const bucket = new s3.Bucket(scope, 'Bucket', {
    ...common,
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: props.encryptionKey,
    bucketKeyEnabled: true,
    serverAccessLogsBucket: accessLogsBucket,
    serverAccessLogsPrefix: 'access-logs/',
    lifecycleRules: props.lifecycleRules,
    intelligentTieringConfigurations: props.intelligentTieringConfigurations,
    replicationRules: props.replication?.rules('data-lake'),
  });
  if (props.noReplicationReason !== undefined) {
    for (const target of [bucket, accessLogsBucket]) {
      for (const rule of ['NIST.800.53.R5-S3BucketReplicationEnabled', 'HIPAA.Security-S3BucketReplicationEnabled', 'PCI.DSS.321-S3BucketReplicationEnabled']) {
        Validations.of(target).acknowledge({ id: rule, reason: props.noReplicationReason });
      }
    }
  }
  return { bucket, accessLogsBucket };
}
