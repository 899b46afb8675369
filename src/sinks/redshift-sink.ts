import { Duration, Size, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { FirehoseDestinationMetrics, FirehoseSink, FirehoseSinkProps } from './firehose-sink';
import { FirehoseTransformer, sinkTransformer, TransformerPlacementOptions } from './firehose-transformer';
import { deliveryTuning } from '../internal/delivery-tuning';
import { loggedBucket, VERSIONS_AND_UPLOADS_RULE } from '../internal/logged-bucket';
import { nagResourceName } from '../internal/nag-finding';
import { validateIntegerInRange } from '../internal/validation';
import { DEFAULTS } from '../presets/defaults';

/**
 * Where a Redshift target is reached.
 */
export interface RedshiftEndpointProps {
  /** The endpoint address, e.g. `my-cluster.abc123.us-east-1.redshift.amazonaws.com` or a workgroup's endpoint. */
  readonly endpointAddress: string;
  /**
   * The port.
   *
   * @default 5439
   */
  readonly port?: number;
  /** The database that holds the target table. */
  readonly databaseName: string;
}

/**
 * An existing Redshift provisioned cluster or Redshift Serverless workgroup that Firehose loads with COPY. Firehose
 * reaches it over its public endpoint: the cluster or workgroup must be publicly accessible and allow Firehose's
 * address range for the region on its port.
 */
export class RedshiftTarget {
  /** A provisioned cluster. */
  public static provisionedCluster(props: RedshiftEndpointProps): RedshiftTarget {
    return new RedshiftTarget('provisioned cluster', props);
  }

  /** A Redshift Serverless workgroup. */
  public static serverlessWorkgroup(props: RedshiftEndpointProps): RedshiftTarget {
    return new RedshiftTarget('serverless workgroup', props);
  }

  /** The JDBC URL Firehose connects to. */
  public readonly jdbcUrl: string;
  /** What the target is, for descriptions. */
  public readonly kind: string;

  private constructor(kind: string, props: RedshiftEndpointProps) {
    const port = props.port ?? DEFAULTS.redshift.port;
    validateIntegerInRange('RedshiftEndpointProps.port', port, 1150, 65535);
    this.kind = kind;
    this.jdbcUrl = `jdbc:redshift://${props.endpointAddress}:${port}/${props.databaseName}`;
  }
}

/**
 * What a Redshift sink loads and how, shared by `RedshiftSinkProps` and the pipeline's props.
 */
export interface RedshiftSinkOptions extends TransformerPlacementOptions {
  /** The cluster or workgroup to load. */
  readonly target: RedshiftTarget;
  /**
   * The table COPY loads, optionally with its schema (`analytics.events`). It must exist: Firehose does not create it.
   */
  readonly tableName: string;
  /**
   * The columns COPY fills, in order.
   *
   * @default - every column, matched by name, ignoring case
   */
  readonly columns?: string[];
  /**
   * COPY options. The intermediate files are GZIP-compressed JSON, one record per line.
   *
   * @default "JSON 'auto ignorecase' GZIP TIMEFORMAT 'auto'"
   */
  readonly copyOptions?: string;
  /**
   * The Secrets Manager secret with the database user's `username` and `password` that Firehose connects with. When it
   * is encrypted with a customer-managed key, import it with that key (`Secret.fromSecretAttributes`) so that
   * Firehose may decrypt it.
   */
  readonly credentials: secretsmanager.ISecret;
  /**
   * How long Firehose retries a failed COPY, from 0 to 7,200 seconds; afterwards the batch is skipped and its
   * manifest written to the intermediate bucket, from which it can be loaded again.
   *
   * @default Duration.seconds(3600)
   */
  readonly retryDuration?: Duration;
  /**
   * How much data Firehose gathers in the intermediate bucket per COPY, from 1 to 128 MiB.
   *
   * @default Size.mebibytes(64)
   */
  readonly bufferingSize?: Size;
  /**
   * How long Firehose gathers data per COPY, from 0 to 900 seconds.
   *
   * @default Duration.seconds(300)
   */
  readonly bufferingInterval?: Duration;
  /**
   * Transforms records before they are loaded, e.g. flattening nested fields into columns. Firehose writes records it
   * cannot transform to the intermediate bucket with a `processing-failed/` prefix; every source record is also kept
   * under `backup/`.
   *
   * @default - a new `FirehoseTransformer` with its defaults (flattening, newline-delimited)
   */
  readonly transformer?: FirehoseTransformer;
}

/**
 * Properties of a `RedshiftSink`.
 */
export interface RedshiftSinkProps extends RedshiftSinkOptions, FirehoseSinkProps {}

/**
 * A Firehose delivery stream from a Kinesis stream into a Redshift table (L1 `CfnDeliveryStream`): records are
 * transformed (flattened, newline-delimited), staged GZIP-compressed in a KMS-encrypted intermediate bucket, and loaded
 * with COPY using credentials from Secrets Manager. Every source record is also backed up under `backup/`.
 */
export class RedshiftSink extends FirehoseSink {
  /** The Firehose delivery stream. */
  public readonly deliveryStream: firehose.CfnDeliveryStream;
  public readonly deliveryStreamName: string;
  /** The bucket COPY loads from, which also holds the backup of every record and the manifests of failed loads. */
  public readonly intermediateBucket: s3.IBucket;
  /** The transformer that prepares records for COPY. */
  public readonly transformer: FirehoseTransformer;

  protected readonly destinationMetrics: FirehoseDestinationMetrics = {
    success: 'DeliveryToRedshift.Success',
    // Up to the table, not only to the intermediate bucket: a stalled COPY shows here.
    dataFreshness: 'DeliveryToRedshift.DataFreshness',
  };

  constructor(scope: Construct, id: string, props: RedshiftSinkProps) {
    super(scope, id, props, 'the Redshift intermediate bucket and the delivery error logs');
    const defaults = DEFAULTS.redshift;
    const prop = (name: string) => `RedshiftSinkProps.${name}`;
    if (!/^([A-Za-z_][A-Za-z0-9_$]{0,126}\.)?[A-Za-z_][A-Za-z0-9_$]{0,126}$/.test(props.tableName)) {
      throw new Error(`Invalid ${prop('tableName')}: "${props.tableName}". Allowed: a table name, optionally after a schema name and a dot, `
        + 'each a letter or underscore followed by letters, digits, underscores or dollar signs (at most 127).');
    }
    const badColumn = props.columns?.find(column => !/^[A-Za-z_][A-Za-z0-9_$]{0,126}$/.test(column));
    if (props.columns !== undefined && (props.columns.length === 0 || badColumn !== undefined)) {
      throw new Error(`Invalid ${prop('columns')}: ${JSON.stringify(props.columns)}. Allowed: at least one column name, each a letter or `
        + 'underscore followed by letters, digits, underscores or dollar signs.');
    }
    const tuning = deliveryTuning('RedshiftSinkProps', props, defaults);

    const { bucket } = loggedBucket(this, {
      encryptionKey: this.encryptionKey,
      removalPolicy: this.removalPolicy,
      holds: 'the Redshift intermediate',
      lifecycleRules: [{
        id: 'intermediate-files',
        prefix: defaults.intermediatePrefix,
        expiration: defaults.intermediateRetention,
      }, VERSIONS_AND_UPLOADS_RULE],
      accessLogsLifecycleRules: [{ id: 'access-logs', expiration: defaults.intermediateRetention }],
      noReplicationReason: 'This bucket stages files for COPY (expired after a week) and backs up the records that Redshift and the data lake also hold; the data lake is the copy to replicate for disaster recovery.',
    });
    this.intermediateBucket = bucket;
    this.transformer = sinkTransformer(this, props.transformer, props, {
      encryptionKey: this.encryptionKey,
      removalPolicy: this.removalPolicy,
      logRetention: props.logRetention,
    }, 'RedshiftSinkProps');
    this.grantDelivery(bucket, props.credentials);

    const logStreams = ['RedshiftDelivery', 'S3Delivery', 'S3Backup'].map(name =>
      new logs.LogStream(this, `${name}LogStream`, { logGroup: this.logGroup, removalPolicy: this.removalPolicy }));
    const logging = (stream: logs.LogStream) => ({ enabled: true, logGroupName: this.logGroup.logGroupName, logStreamName: stream.logStreamName });
    const s3Destination = (prefix: string, stream: logs.LogStream): firehose.CfnDeliveryStream.S3DestinationConfigurationProperty => ({
      bucketArn: bucket.bucketArn,
      roleArn: this.role.roleArn,
      prefix,
      // Firehose rejects an error prefix and expressions in the prefix for Redshift's S3 configurations.
      bufferingHints: tuning.bufferingHints,
      compressionFormat: 'GZIP',
      encryptionConfiguration: { kmsEncryptionConfig: { awskmsKeyArn: this.encryptionKey.keyArn } },
      cloudWatchLoggingOptions: logging(stream),
    });
    const deliveryStream = new firehose.CfnDeliveryStream(this, 'DeliveryStream', {
      deliveryStreamType: 'KinesisStreamAsSource',
      kinesisStreamSourceConfiguration: { kinesisStreamArn: props.sourceStream.streamArn, roleArn: this.role.roleArn },
      redshiftDestinationConfiguration: {
        clusterJdbcurl: props.target.jdbcUrl,
        roleArn: this.role.roleArn,
        copyCommand: {
          dataTableName: props.tableName,
          dataTableColumns: props.columns?.join(','),
          copyOptions: props.copyOptions ?? defaults.copyOptions,
        },
        secretsManagerConfiguration: { enabled: true, secretArn: props.credentials.secretArn, roleArn: this.role.roleArn },
        retryOptions: tuning.retryOptions,
        s3Configuration: s3Destination(defaults.intermediatePrefix, logStreams[1]),
        s3BackupMode: 'Enabled',
        s3BackupConfiguration: s3Destination(defaults.backupPrefix, logStreams[2]),
        processingConfiguration: this.processingConfiguration(this.transformer),
        cloudWatchLoggingOptions: logging(logStreams[0]),
      },
    });
    deliveryStream.node.addDependency(this.deliveryPolicy);
    Validations.of(deliveryStream).acknowledge({
      id: 'AwsSolutions-KDF1',
      reason: 'Firehose server-side encryption applies to Direct PUT only and CloudFormation rejects it for a Kinesis stream source. Records stay encrypted with the pipeline key in the source stream and in the intermediate bucket, and TLS in between.',
    });
    this.deliveryStream = deliveryStream;
    this.deliveryStreamName = deliveryStream.ref;
  }

  /** Staging and backup writes, reads for COPY (which runs with Firehose's credentials), and the database secret. */
  private grantDelivery(bucket: s3.IBucket, credentials: secretsmanager.ISecret): void {
    const defaults = DEFAULTS.redshift;
    const prefixes = [defaults.intermediatePrefix, defaults.backupPrefix];
    this.addToDeliveryPolicy(new iam.PolicyStatement({
      actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
      resources: [bucket.bucketArn],
    }));
    this.addToDeliveryPolicy(new iam.PolicyStatement({
      actions: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
      resources: prefixes.map(prefix => bucket.arnForObjects(`${prefix}*`)),
    }));
    this.addToDeliveryPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [this.encryptionKey.keyArn] }));
    // grantRead, not a statement of our own: a secret imported by name lacks the ARN's random suffix, which the grant
    // matches.
    credentials.grantRead(this.role);
    if (credentials.encryptionKey) {
      // grantRead grants an imported key through the key's policy, which this stack cannot change.
      this.addToDeliveryPolicy(new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [credentials.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` } },
      }));
    }
    for (const prefix of prefixes) {
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagResourceName(this, bucket.arnForObjects(`${prefix}*`))}]`,
        reason: `Firehose names the files it stages and backs up under ${prefix} itself, and COPY reads them with Firehose's credentials; keys are unknown in advance, so access is scoped to the prefix.`,
      });
    }
  }
}

