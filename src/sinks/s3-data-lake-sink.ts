import { CfnMapping, Duration, Names, Size, Stack, Validations } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DataLakeColumn, dataLakeColumns, TIME_PARTITION_COLUMNS } from './data-lake-columns';
import { DataLakeLifecycle } from './data-lake-lifecycle';
import { FirehoseDestinationMetrics, FirehoseSink, FirehoseSinkProps } from './firehose-sink';
import { catalogTableArns } from '../internal/catalog-table';
import { pathInStack } from '../internal/describe';
import { loggedBucket } from '../internal/logged-bucket';
import { ManagedPolicyRole } from '../internal/managed-policy-role';
import { nagResourceName } from '../internal/nag-finding';
import { validateDurationInRange, validateIntegerInRange } from '../internal/validation';
import { DEFAULTS } from '../presets/defaults';
import { DataLakeQuality, DataLakeQualityOptions } from '../quality/data-lake-quality';
import { FieldType, RecordSchema } from '../schema/record-schema';

/** The end of the id of aws-cdk-lib's stack-level mapping of Firehose CIDR blocks, which every L2 delivery stream adds. */
const FIREHOSE_CIDR_MAPPING_ID = 'aws-kinesisfirehose.CidrBlocks';

/**
 * Compression of the Parquet files in the data lake.
 */
export enum DataLakeCompression {
  /** Smaller files, slower to decompress: the pattern's choice. */
  GZIP = 'GZIP',
  /** Larger files, faster to decompress and query. */
  SNAPPY = 'SNAPPY',
  /** No compression. */
  UNCOMPRESSED = 'UNCOMPRESSED',
}

/**
 * Where the data lake replicates to, for disaster recovery and the compliance packs' replication rules.
 */
export interface DataLakeReplication {
  /** The destination bucket, normally in another region. It must have versioning enabled. */
  readonly bucket: s3.IBucket;
  /**
   * The KMS key, in the destination's region, that encrypts the replicas. S3 replicates KMS-encrypted objects
   * only to a named KMS key.
   */
  readonly encryptionKey: kms.IKey;
}

/** Types whose values make readable, bounded partition paths; objects and timestamps do not. */
const PARTITION_FIELD_TYPES = [FieldType.STRING, FieldType.INTEGER, FieldType.BOOLEAN];

/** How the records of a data lake are laid out: the table's columns and partitions, and the prefix Firehose writes. */
interface DataLakeLayout {
  readonly columns: DataLakeColumn[];
  readonly jsonKeyMappings: Record<string, string>;
  /** Partition columns, outermost first. */
  readonly partitionColumns: string[];
  readonly prefix: string;
  /** The field partition, when there is one: its column and the JSON key Firehose reads it from. */
  readonly fieldPartition?: { readonly column: string; readonly jsonKey: string };
}

/**
 * Tuning of the S3 data lake sink, shared by `S3DataLakeSinkProps` and the pipeline's props.
 */
export interface S3DataLakeSinkOptions {
  /**
   * How much data Firehose gathers before writing an object, from 64 MiB (the least Firehose allows when it
   * converts to Parquet) to 128 MiB.
   *
   * @default Size.mebibytes(128)
   */
  readonly bufferingSize?: Size;
  /**
   * How long Firehose gathers data before writing an object, from 0 to 900 seconds (from 60 with a `partitionField`).
   *
   * @default Duration.seconds(300)
   */
  readonly bufferingInterval?: Duration;
  /**
   * Replicates the data lake bucket (`data/`, `errors/`) and its server access logs (`access-logs/`) to another
   * bucket.
   *
   * @default - no replication
   */
  readonly replication?: DataLakeReplication;
  /**
   * How long Firehose error logs are kept.
   *
   * @default RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Compression of the Parquet files.
   *
   * @default DataLakeCompression.GZIP
   */
  readonly compression?: DataLakeCompression;
  /**
   * Name of the Glue database of the data lake table: lower-case letters, digits and underscores, unique in the
   * account and region.
   *
   * @default - derived from the construct path
   */
  readonly databaseName?: string;
  /**
   * Name of the Glue table of the enriched records.
   *
   * @default "enriched_events"
   */
  readonly tableName?: string;
  /**
   * Column names for record fields, by field name. Glue keeps column names in lower case; a field named after a
   * Hive reserved word (`timestamp`, `date`, `user`, ...) gets the `event_` prefix unless named here.
   *
   * @default - the field name in lower case
   */
  readonly columnNames?: { [field: string]: string };
  /**
   * A record field (string, integer or boolean) whose value becomes an outer partition of the data lake, e.g.
   * `event_type`: `data/event_type=click/year=.../`, through Firehose dynamic partitioning. The field's column then
   * is a partition of the table (projected as `injected`: queries must filter it with `=`), not a column of the
   * Parquet files. A record without the field fails partitioning and is kept under `errors/`.
   *
   * @default - partitioned by arrival time only
   */
  readonly partitionField?: string;
  /**
   * How long the data lake keeps objects and in which storage class. Applies to the access-log bucket's expiry too.
   *
   * @default - the pipeline's preset; for a sink on its own, DataLakeLifecycle.retainForever()
   */
  readonly lifecycle?: DataLakeLifecycle;
  /**
   * An existing bucket to deliver to instead of a new one. Its encryption, logging, lifecycle and replication stay
   * yours: `lifecycle` and `replication` cannot be combined with it. When it is encrypted with a customer-managed
   * key, import it with that key (`Bucket.fromBucketAttributes({ encryptionKey })`): objects are written with it.
   * Without one, objects are written with the sink's `encryptionKey` when given, else with the bucket's default.
   *
   * @default - a new bucket, with a server access log bucket
   */
  readonly bucket?: s3.IBucket;
  /**
   * Glue Data Quality checks of the data lake table, evaluated every day on the previous day's partitions: the id field
   * complete and unique, the timestamp after a date, every required field complete. `enabled: false` turns them off.
   *
   * @default - on, with the `DataLakeQualityOptions` defaults
   */
  readonly dataQuality?: DataLakeSinkQualityOptions;
}

/**
 * The data lake's data-quality checks, and whether they run.
 */
export interface DataLakeSinkQualityOptions extends DataLakeQualityOptions {
  /**
   * Whether the sink checks the quality of its table.
   *
   * @default true
   */
  readonly enabled?: boolean;
}

/**
 * Properties of an `S3DataLakeSink`.
 */
export interface S3DataLakeSinkProps extends S3DataLakeSinkOptions, FirehoseSinkProps {
  /**
   * The shape of the records on the source stream, from which the data lake table's columns are generated; for a
   * pipeline, the processor's `outputSchema`.
   *
   * @default RecordSchema.seedEvent()
   */
  readonly recordSchema?: RecordSchema;
}

/**
 * A Firehose delivery stream from a Kinesis stream to an encrypted S3 data lake bucket: records converted to
 * Parquet through a generated Glue table, partitioned by `data/year=/month=/day=/hour=/` with partition projection
 * (Athena needs no crawler), failed records under `errors/<error type>/`.
 */
export class S3DataLakeSink extends FirehoseSink {
  /** The data lake bucket. */
  public readonly bucket: s3.IBucket;
  /**
   * The bucket that receives the data lake bucket's server access logs.
   *
   * @default - none when the sink delivers to an existing bucket
   */
  public readonly accessLogsBucket?: s3.IBucket;
  /**
   * The Firehose delivery stream. Its `connections` (Firehose's CIDR block, for destinations in a VPC) do not apply:
   * it delivers to S3, and the stack has no mapping of those blocks.
   */
  public readonly deliveryStream: firehose.IDeliveryStream;
  /** The name of the Firehose delivery stream. */
  public readonly deliveryStreamName: string;
  /** The Glue database of the data lake table. */
  public readonly database: glue.CfnDatabase;
  /** The Glue table of the enriched records, which Firehose converts by and Athena queries. */
  public readonly table: glue.CfnTable;
  /** The Glue database's name. */
  public readonly databaseName: string;
  /** The Glue table's name. */
  public readonly tableName: string;
  /**
   * The data-quality checks of the table.
   *
   * @default - none when `dataQuality.enabled` is false
   */
  public readonly dataQuality?: DataLakeQuality;

  protected readonly destinationMetrics: FirehoseDestinationMetrics = {
    success: 'DeliveryToS3.Success',
    dataFreshness: 'DeliveryToS3.DataFreshness',
  };

  constructor(scope: Construct, id: string, props: S3DataLakeSinkProps) {
    super(scope, id, props, props.bucket ? 'the delivery error logs' : 'the data lake bucket and its delivery error logs');
    const defaults = DEFAULTS.dataLake;
    const bufferingSize = props.bufferingSize ?? defaults.bufferingSize;
    const bufferingInterval = props.bufferingInterval ?? defaults.bufferingInterval;
    validateIntegerInRange('S3DataLakeSinkProps.bufferingSize (MiB)', bufferingSize.toMebibytes(),
      defaults.bufferingSizeMiBRange.min, defaults.bufferingSizeMiBRange.max,
      `Firehose needs at least ${defaults.bufferingSizeMiBRange.min} MiB to write Parquet files`);
    validateDurationInRange('S3DataLakeSinkProps.bufferingInterval', bufferingInterval,
      props.partitionField === undefined ? defaults.bufferingIntervalSecondsRange.min : defaults.partitionedBufferingIntervalMinSeconds,
      defaults.bufferingIntervalSecondsRange.max, 'seconds');
    let bucketKey: kms.IKey | undefined;
    if (props.bucket !== undefined) {
      for (const [prop, value] of [['lifecycle', props.lifecycle], ['replication', props.replication]] as const) {
        if (value !== undefined) {
          throw new Error(`Invalid S3DataLakeSinkProps.${prop}: given with an existing bucket. `
            + `Allowed: only for a bucket the sink creates; configure ${prop} on your bucket itself.`);
        }
      }
      this.bucket = props.bucket;
      // The bucket's own key wins, so objects are written as its policies and readers expect; the sink's key encrypts
      // only its logs here, as the policy of a key that came with an imported bucket may not let CloudWatch Logs use it.
      bucketKey = props.bucket.encryptionKey ?? props.encryptionKey;
    } else {
      bucketKey = this.encryptionKey;
      const buckets = this.createBuckets(props, this.encryptionKey, props.lifecycle ?? DataLakeLifecycle.retainForever());
      this.bucket = buckets.bucket;
      this.accessLogsBucket = buckets.accessLogsBucket;
    }
    const bucket = this.bucket;

    this.databaseName = props.databaseName ?? Names.uniqueResourceName(this, { maxLength: 255, separator: '_' }).toLowerCase();
    this.tableName = props.tableName ?? defaults.tableName;
    for (const [prop, name] of [['databaseName', this.databaseName], ['tableName', this.tableName]]) {
      if (!/^[a-z0-9_]{1,255}$/.test(name)) {
        throw new Error(`Invalid S3DataLakeSinkProps.${prop}: "${name}". Allowed: 1 to 255 lower-case letters, digits and underscores.`);
      }
    }
    const compression = props.compression ?? DataLakeCompression[defaults.compression];
    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: Stack.of(this).account,
      databaseInput: { name: this.databaseName, description: `Data lake of the streaming pipeline ${pathInStack(this)}` },
    });
    const layout = this.dataLakeLayout(props.recordSchema ?? RecordSchema.seedEvent(), props.columnNames, props.partitionField);
    this.table = this.dataLakeTable(bucket, layout, compression);

    this.grantDelivery(bucket, bucketKey);
    // The Firehose L2 grants itself broader access (s3:GetObject*, s3:List*, s3:DeleteObject*, kms:ReEncrypt*)
    // to the role it is given; handing it an immutable view keeps the role at the statements above.
    const deliveryRole = this.immutableRole();
    const stack = Stack.of(this);
    const firehoseCidrMapping = () => stack.node.children
      .find(child => child instanceof CfnMapping && child.node.id.endsWith(FIREHOSE_CIDR_MAPPING_ID));
    const mappingOfOthers = firehoseCidrMapping();
    const deliveryStream = new firehose.DeliveryStream(this, 'DeliveryStream', {
      source: new firehose.KinesisStreamSource(props.sourceStream),
      role: deliveryRole,
      destination: new firehose.S3Bucket(bucket, {
        role: deliveryRole,
        dataOutputPrefix: layout.prefix,
        errorOutputPrefix: defaults.errorOutputPrefix,
        bufferingSize,
        bufferingInterval,
        ...(layout.fieldPartition === undefined ? {} : {
          dynamicPartitioning: { enabled: true },
          processors: [firehose.MetadataExtractionProcessor.jq16({ [layout.fieldPartition.column]: `.${layout.fieldPartition.jsonKey}` })],
        }),
        dataFormatConversion: {
          schemaConfiguration: firehose.SchemaConfiguration.fromCfnTable(this.table),
          // Keys are lower-cased, as Glue's column names are.
          inputFormat: new firehose.OpenXJsonInputFormat({ columnToJsonKeyMappings: layout.jsonKeyMappings }),
          outputFormat: new firehose.ParquetOutputFormat({ compression: firehose.ParquetCompression.of(compression) }),
        },
        encryptionKey: bucketKey,
        loggingConfig: new firehose.EnableLogging(this.logGroup),
      }),
    });
    // The role exists before the stream through RoleARN; the policy has to be attached before the first read.
    deliveryStream.node.addDependency(this.deliveryPolicy);
    // aws-cdk-lib maps every region to Firehose's CIDR block for the stream's `connections`, which only destinations
    // that Firehose reaches over the network (Redshift, HTTP) use; an S3 destination leaves the mapping unused (cfn-lint
    // W7001). Only a mapping this stream added goes: one that was there before may serve another delivery stream, and
    // a delivery stream created later adds it again.
    const ownMapping = mappingOfOthers === undefined ? firehoseCidrMapping() : undefined;
    if (ownMapping !== undefined) {
      stack.node.tryRemoveChild(ownMapping.node.id);
    }
    Validations.of(deliveryStream).acknowledge({
      id: 'AwsSolutions-KDF1',
      reason: 'Firehose server-side encryption applies to Direct PUT only and CloudFormation rejects it for a Kinesis stream source. Records stay encrypted with the pipeline key in the source stream and in the bucket, and TLS in between.',
    });
    this.deliveryStream = deliveryStream;
    this.deliveryStreamName = deliveryStream.deliveryStreamName;

    const { enabled: qualityEnabled = true, ...qualityOptions } = props.dataQuality ?? {};
    if (qualityEnabled) {
      this.dataQuality = new DataLakeQuality(this, 'DataQuality', {
        ...qualityOptions,
        bucket,
        objectEncryptionKey: bucketKey,
        encryptionKey: this.encryptionKey,
        databaseName: this.databaseName,
        tableName: this.tableName,
        recordSchema: props.recordSchema,
        columnNames: props.columnNames,
      });
      this.dataQuality.node.addDependency(this.table);
    }
  }

  /** The data lake bucket and its server access log bucket, with the lifecycle and replication asked for. */
  private createBuckets(props: S3DataLakeSinkProps, encryptionKey: kms.IKey, lifecycle: DataLakeLifecycle) {
    const replicationRole = props.replication && new ManagedPolicyRole(this, 'ReplicationRole', {
      assumedBy: new iam.ServicePrincipal('s3.amazonaws.com'),
      description: `Lets S3 replicate the data lake of ${pathInStack(this)}`,
    });
    const buckets = loggedBucket(this, {
      encryptionKey,
      removalPolicy: this.removalPolicy,
      holds: 'the data lake',
      lifecycleRules: lifecycle._lifecycleRules({ tiering: true }),
      accessLogsLifecycleRules: lifecycle._lifecycleRules({ tiering: false }),
      intelligentTieringConfigurations: lifecycle._intelligentTieringConfigurations(),
      replication: replicationRole && props.replication && {
        role: replicationRole,
        rules: (ruleId: string) => [{
          id: ruleId,
          destination: props.replication!.bucket,
          kmsKey: props.replication!.encryptionKey,
          sseKmsEncryptedObjects: true,
        }],
      },
    });
    if (replicationRole && props.replication) {
      this.grantReplication(replicationRole, [buckets.bucket, buckets.accessLogsBucket], props.replication, encryptionKey);
    }
    return buckets;
  }

  /**
   * The table's columns and partitions and the prefix Firehose writes them by: an optional field partition outside
   * the time partitions.
   */
  private dataLakeLayout(schema: RecordSchema, columnNames: Record<string, string> | undefined, partitionField: string | undefined): DataLakeLayout {
    const defaults = DEFAULTS.dataLake;
    const { columns, jsonKeyMappings } = dataLakeColumns(schema, columnNames, 'S3DataLakeSinkProps.recordSchema');
    const timePrefix = defaults.dataOutputPrefix.slice(defaults.dataOutputPrefix.indexOf('/') + 1);
    const dataPrefix = defaults.dataOutputPrefix.split('/')[0];
    if (partitionField === undefined) {
      return { columns, jsonKeyMappings, partitionColumns: [...TIME_PARTITION_COLUMNS], prefix: defaults.dataOutputPrefix };
    }
    const index = schema.fields.findIndex(field => field.name === partitionField);
    const field = schema.fields[index];
    if (field === undefined || !PARTITION_FIELD_TYPES.includes(field.type)) {
      const candidates = schema.fields.filter(f => PARTITION_FIELD_TYPES.includes(f.type)).map(f => f.name);
      throw new Error(`Invalid S3DataLakeSinkProps.partitionField: "${partitionField}". `
        + `Allowed: a string, integer or boolean field of the record schema (${candidates.join(', ')}).`);
    }
    const column = columns[index].name;
    // The field is a partition, not a column of the files: the deserializer has nothing to map it to.
    const { [column]: _partition, ...fileKeyMappings } = jsonKeyMappings;
    return {
      columns: columns.filter((_, i) => i !== index),
      jsonKeyMappings: fileKeyMappings,
      partitionColumns: [column, ...TIME_PARTITION_COLUMNS],
      prefix: `${dataPrefix}/${column}=!{partitionKeyFromQuery:${column}}/${timePrefix}`,
      // jq reads the record as written, before the deserializer lower-cases keys.
      fieldPartition: { column, jsonKey: field.name },
    };
  }

  /**
   * The external Parquet table over `data/`, with the partitions projected from the prefix Firehose writes.
   */
  private dataLakeTable(bucket: s3.IBucket, layout: DataLakeLayout, compression: DataLakeCompression): glue.CfnTable {
    const defaults = DEFAULTS.dataLake;
    const dataPrefix = defaults.dataOutputPrefix.split('/')[0];
    const { first, last } = defaults.projectionYears;
    const location = `s3://${bucket.bucketName}/${dataPrefix}/`;
    const table = new glue.CfnTable(this, 'Table', {
      catalogId: this.database.catalogId,
      databaseName: this.databaseName,
      tableInput: {
        name: this.tableName,
        description: `Enriched records delivered by ${pathInStack(this)}, as Parquet`,
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: layout.partitionColumns.map(name => ({ name, type: 'string' })),
        parameters: {
          'classification': 'parquet',
          'parquet.compression': compression,
          'projection.enabled': 'true',
          // Values of a field are not known in advance: Athena takes them from each query's filter.
          ...(layout.fieldPartition ? { [`projection.${layout.fieldPartition.column}.type`]: 'injected' } : {}),
          'projection.year.type': 'integer',
          'projection.year.range': `${first},${last}`,
          'projection.month.type': 'integer',
          'projection.month.range': '1,12',
          'projection.month.digits': '2',
          'projection.day.type': 'integer',
          'projection.day.range': '1,31',
          'projection.day.digits': '2',
          'projection.hour.type': 'integer',
          'projection.hour.range': '0,23',
          'projection.hour.digits': '2',
          'storage.location.template': `${location}${layout.partitionColumns.map(name => `${name}=\${${name}}`).join('/')}/`,
        },
        storageDescriptor: {
          columns: layout.columns,
          location,
          inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
          compressed: compression !== DataLakeCompression.UNCOMPRESSED,
        },
      },
    });
    table.addResourceDependency(this.database);
    return table;
  }

  /** Exactly what Firehose needs to write the two prefixes and read the table it converts by. */
  private grantDelivery(bucket: s3.IBucket, bucketKey: kms.IKey | undefined): void {
    const objectPrefixes = [DEFAULTS.dataLake.dataOutputPrefix, DEFAULTS.dataLake.errorOutputPrefix]
      .map(prefix => prefix.split('/')[0]);
    const statements = [
      new iam.PolicyStatement({
        actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
        resources: [bucket.bucketArn],
      }),
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        resources: objectPrefixes.map(prefix => bucket.arnForObjects(`${prefix}/*`)),
      }),
      // Multipart uploads of large objects need Decrypt as well as a data key.
      ...(bucketKey ? [new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [bucketKey.keyArn] })] : []),
      // The table Parquet conversion reads its schema from. Unlike the Firehose L2's grant, no glue:GetSchemaVersion
      // on "*": that serves tables linked to a Schema Registry schema, which this table is not.
      new iam.PolicyStatement({
        actions: ['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'],
        resources: catalogTableArns(this, this.databaseName, this.tableName),
      }),
    ];
    statements.forEach(statement => this.addToDeliveryPolicy(statement));
    for (const prefix of objectPrefixes) {
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagResourceName(this, bucket.arnForObjects(`${prefix}/*`))}]`,
        reason: `Firehose names objects itself under the ${prefix}/ prefix (time-partitioned); keys are unknown in advance, so writes are scoped to the prefix.`,
      });
    }
  }


  /** What S3 needs to copy every object version of the two buckets into the destination, re-encrypted there. */
  private grantReplication(role: iam.Role, sources: s3.IBucket[], replication: DataLakeReplication, sourceKey: kms.IKey): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
      resources: sources.map(source => source.bucketArn),
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
      resources: sources.map(source => source.arnForObjects('*')),
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
      resources: [replication.bucket.arnForObjects('*')],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [sourceKey.keyArn] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Encrypt'], resources: [replication.encryptionKey.keyArn] }));
    for (const objects of [...sources, replication.bucket].map(bucket => bucket.arnForObjects('*'))) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagResourceName(this, objects)}]`,
        reason: 'Replication copies every object version of the data lake and access-log buckets under the same keys, so it reads and writes any key; the statements allow only the replication actions.',
      });
    }
  }
}
