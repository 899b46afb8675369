import { Duration, Size, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DataLakeCompression, DataLakeLifecycle, FieldType, IngestStream, RecordSchema, S3DataLakeSink, S3DataLakeSinkOptions } from '../../src';
import { synthesizeWithNagPacks } from '../support/compliance';
import { iamStatementsIn, newStack, templateOf } from '../support/stack';

const REPLICA_KEY_ARN = 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function sinkTemplate(options: S3DataLakeSinkOptions = {}, recordSchema?: RecordSchema) {
  const stack = newStack();
  const source = new IngestStream(stack, 'Enriched');
  new S3DataLakeSink(stack, 'DataLake', { ...options, sourceStream: source.stream, recordSchema });
  return templateOf(stack);
}

function tableInput(template: ReturnType<typeof sinkTemplate>) {
  const [table] = Object.values(template.findResources('AWS::Glue::Table'));
  return table.Properties.TableInput;
}

describe('S3DataLakeSink', () => {
  test('Firehose reads the stream and writes the pattern\'s prefixes with 128 MiB / 300 s buffering, encrypted', () => {
    const template = sinkTemplate();
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'KinesisStreamAsSource',
      KinesisStreamSourceConfiguration: {
        KinesisStreamARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('EnrichedStream'), 'Arn'] },
        RoleARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('DataLakeRole'), 'Arn'] },
      },
      ExtendedS3DestinationConfiguration: Match.objectLike({
        Prefix: 'data/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/',
        ErrorOutputPrefix: 'errors/!{firehose:error-output-type}/',
        BufferingHints: { IntervalInSeconds: 300, SizeInMBs: 128 },
        // Compression is the Parquet serializer's; an S3-level format would compress the Parquet files again.
        CompressionFormat: Match.absent(),
        DataFormatConversionConfiguration: {
          Enabled: true,
          SchemaConfiguration: Match.objectLike({
            DatabaseName: Match.stringLikeRegexp('^teststack_datalake_[0-9a-f]{8}$'),
            // A reference, so that the stream waits for the table.
            TableName: { Ref: Match.stringLikeRegexp('^DataLakeTable') },
            RoleARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('DataLakeRole'), 'Arn'] },
          }),
          InputFormatConfiguration: { Deserializer: { OpenXJsonSerDe: { ColumnToJsonKeyMappings: { event_timestamp: 'timestamp' } } } },
          OutputFormatConfiguration: { Serializer: { ParquetSerDe: { Compression: 'GZIP' } } },
        },
        EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('DataLakeKey'), 'Arn'] } } },
        CloudWatchLoggingOptions: Match.objectLike({ Enabled: true }),
      }),
    });
  });

  test('data lake bucket: KMS, versioned, no public access, TLS only, access logs to the log bucket', () => {
    const template = sinkTemplate();
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) })] },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('AccessLogsBucket') }, LogFilePrefix: 'access-logs/' },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      },
      DeletionPolicy: 'Retain',
    });
    // Log delivery is granted by bucket policy, not by ACL, so ACLs stay disabled.
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'logging.s3.amazonaws.com' } })]) },
    });
    const policies = template.findResources('AWS::S3::BucketPolicy');
    for (const policy of Object.values(policies)) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining({
        Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }));
    }
  });

  test('delivery role: exactly the actions Firehose needs, object writes scoped to the two prefixes', () => {
    // The data-quality roles are tested with DataLakeQuality.
    const template = sinkTemplate({ dataQuality: { enabled: false } });
    template.resourceCountIs('AWS::IAM::Policy', 0);
    const statements = iamStatementsIn(template);
    expect(statements.map(statement => statement.Action)).toEqual([
      ['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetShardIterator', 'kinesis:GetRecords', 'kinesis:ListShards'],
      'kms:Decrypt',
      'logs:PutLogEvents',
      ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
      ['s3:PutObject', 's3:AbortMultipartUpload'],
      ['kms:GenerateDataKey', 'kms:Decrypt'],
      ['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'],
    ]);
    // The catalog, the database and this table, nothing else in Glue.
    expect(JSON.stringify(statements[6].Resource)).toMatch(/:catalog".*:database\/teststack_datalake_[0-9a-f]{8}".*:table\/teststack_datalake_[0-9a-f]{8}\/enriched_events"/);
    const objectResources = JSON.stringify(statements[4].Resource);
    expect(objectResources).toContain('/data/*');
    expect(objectResources).toContain('/errors/*');
  });

  test('the delivery stream waits for its role policy', () => {
    const template = sinkTemplate();
    const [deliveryStream] = Object.values(template.findResources('AWS::KinesisFirehose::DeliveryStream'));
    expect(deliveryStream.DependsOn).toEqual([expect.stringMatching(/^DataLakeRolePolicy/)]);
  });

  test('no unused mapping of Firehose CIDR blocks in the template (cfn-lint W7001); another delivery stream keeps the one it uses', () => {
    expect(sinkTemplate().toJSON().Mappings).toBeUndefined();
    const mappingsWith = (userStreamFirst: boolean) => {
      const stack = newStack();
      const userStream = () => {
        const stream = new firehose.DeliveryStream(stack, 'UserStream', { destination: new firehose.S3Bucket(new s3.Bucket(stack, 'UserBucket')) });
        // A network destination's use of the mapping: Firehose's CIDR block allowed into a group.
        new ec2.SecurityGroup(stack, 'Target', { vpc: new ec2.Vpc(stack, 'Vpc', { natGateways: 0 }) }).connections.allowFrom(stream, ec2.Port.tcp(5439));
      };
      if (userStreamFirst) {
        userStream();
      }
      new S3DataLakeSink(stack, 'DataLake', { sourceStream: new IngestStream(stack, 'Enriched').stream });
      if (!userStreamFirst) {
        userStream();
      }
      return Object.keys(templateOf(stack).toJSON().Mappings ?? {});
    };
    expect(mappingsWith(true)).toEqual(['awscdkawskinesisfirehoseCidrBlocks']);
    expect(mappingsWith(false)).toEqual(['awscdkawskinesisfirehoseCidrBlocks']);
  });

  test('buffering can be changed', () => {
    sinkTemplate({ bufferingSize: Size.mebibytes(64), bufferingInterval: Duration.seconds(60) })
      .hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
        ExtendedS3DestinationConfiguration: Match.objectLike({ BufferingHints: { IntervalInSeconds: 60, SizeInMBs: 64 } }),
      });
  });

  test.each([
    [{ bufferingSize: Size.mebibytes(129) }, 'Invalid S3DataLakeSinkProps.bufferingSize (MiB): 129. Allowed: an integer from 64 to 128 (Firehose needs at least 64 MiB to write Parquet files).'],
    [{ bufferingSize: Size.mebibytes(63) }, 'Invalid S3DataLakeSinkProps.bufferingSize (MiB): 63. Allowed: an integer from 64 to 128 (Firehose needs at least 64 MiB to write Parquet files).'],
    [{ databaseName: 'Data-Lake' }, 'Invalid S3DataLakeSinkProps.databaseName: "Data-Lake". Allowed: 1 to 255 lower-case letters, digits and underscores.'],
    [{ tableName: '' }, 'Invalid S3DataLakeSinkProps.tableName: "". Allowed: 1 to 255 lower-case letters, digits and underscores.'],
    [{ columnNames: { nope: 'x' } }, 'Invalid columnNames: "nope" is not a field of the S3DataLakeSinkProps.recordSchema'],
    [{ bufferingInterval: Duration.seconds(901) }, 'Invalid S3DataLakeSinkProps.bufferingInterval: 901 seconds. Allowed: a whole number of seconds from 0 to 900.'],
  ])('rejects %j', (options, message) => {
    expect(() => sinkTemplate(options)).toThrow(message);
  });

  describe('Glue table', () => {
    test('one column per field of the seed event, typed, with its description; reserved words prefixed', () => {
      expect(tableInput(sinkTemplate()).StorageDescriptor.Columns).toEqual([
        { Name: 'event_id', Type: 'string', Comment: 'Unique id of the event, used for deduplication' },
        { Name: 'event_type', Type: 'string', Comment: expect.any(String) },
        { Name: 'event_timestamp', Type: 'timestamp', Comment: expect.any(String) },
        { Name: 'user_id', Type: 'string', Comment: expect.any(String) },
        { Name: 'page', Type: 'string', Comment: expect.any(String) },
        { Name: 'metadata', Type: 'string', Comment: expect.any(String) },
      ]);
    });

    test('an external Parquet table over data/, partitioned by year, month, day and hour with projection', () => {
      const input = tableInput(sinkTemplate());
      expect(input).toMatchObject({
        Name: 'enriched_events',
        TableType: 'EXTERNAL_TABLE',
        PartitionKeys: ['year', 'month', 'day', 'hour'].map(name => ({ Name: name, Type: 'string' })),
        StorageDescriptor: {
          InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
          Compressed: true,
        },
      });
      expect(input.Parameters).toEqual({
        'classification': 'parquet',
        'parquet.compression': 'GZIP',
        'projection.enabled': 'true',
        'projection.year.type': 'integer',
        'projection.year.range': '2024,2099',
        'projection.month.type': 'integer',
        'projection.month.range': '1,12',
        'projection.month.digits': '2',
        'projection.day.type': 'integer',
        'projection.day.range': '1,31',
        'projection.day.digits': '2',
        'projection.hour.type': 'integer',
        'projection.hour.range': '0,23',
        'projection.hour.digits': '2',
        'storage.location.template': {
          'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(/^DataLakeBucket/) },
            '/data/year=${year}/month=${month}/day=${day}/hour=${hour}/']],
        },
      });
      expect(input.StorageDescriptor.Location).toEqual({ 'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(/^DataLakeBucket/) }, '/data/']] });
    });

    test('the projection template spells the partitions as the Firehose prefix writes them', () => {
      const input = tableInput(sinkTemplate());
      const template: string = input.Parameters['storage.location.template']['Fn::Join'][1][2];
      const prefix = 'data/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/';
      expect(template.slice(1).replace(/\$\{(\w+)\}/g, (_, name: string) => ({
        year: '!{timestamp:yyyy}', month: '!{timestamp:MM}', day: '!{timestamp:dd}', hour: '!{timestamp:HH}',
      } as Record<string, string>)[name])).toBe(prefix);
    });

    test('Snappy, names and column names can be chosen', () => {
      const schema = RecordSchema.fromFields([
        { name: 'Id', type: FieldType.STRING, required: true },
        { name: 'count', type: FieldType.INTEGER },
        { name: 'ratio', type: FieldType.NUMBER },
        { name: 'ok', type: FieldType.BOOLEAN },
        { name: 'date', type: FieldType.TIMESTAMP },
      ]);
      const template = sinkTemplate({
        compression: DataLakeCompression.SNAPPY,
        databaseName: 'analytics',
        tableName: 'clicks',
        columnNames: { date: 'happened_at' },
        dataQuality: { idField: 'Id', timestampField: 'date' },
      }, schema);
      const input = tableInput(template);
      expect(input.StorageDescriptor.Columns.map((c: { Name: string; Type: string }) => `${c.Name}:${c.Type}`))
        .toEqual(['id:string', 'count:bigint', 'ratio:double', 'ok:boolean', 'happened_at:timestamp']);
      expect(input.Parameters['parquet.compression']).toBe('SNAPPY');
      template.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: Match.objectLike({ Name: 'analytics' }) });
      expect(input.Name).toBe('clicks');
      // The checks name the table's columns: lower-cased and renamed.
      template.hasResourceProperties('AWS::Glue::DataQualityRuleset', {
        Ruleset: 'Rules = [\n  IsComplete "id",\n  IsUnique "id",\n  ColumnValues "happened_at" > "2024-01-01"\n]',
        TargetTable: { DatabaseName: 'analytics', TableName: 'clicks' },
      });
      template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
        ExtendedS3DestinationConfiguration: Match.objectLike({
          DataFormatConversionConfiguration: Match.objectLike({
            SchemaConfiguration: Match.objectLike({ DatabaseName: 'analytics', TableName: { Ref: Match.stringLikeRegexp('^DataLakeTable') } }),
            InputFormatConfiguration: { Deserializer: { OpenXJsonSerDe: { ColumnToJsonKeyMappings: { happened_at: 'date' } } } },
            OutputFormatConfiguration: { Serializer: { ParquetSerDe: { Compression: 'SNAPPY' } } },
          }),
        }),
      });
    });

    test('a field partition: dynamic partitioning by the field, outside the time partitions, projected as injected', () => {
      const template = sinkTemplate({ partitionField: 'event_type' });
      const input = tableInput(template);
      expect(input.PartitionKeys.map((k: { Name: string }) => k.Name)).toEqual(['event_type', 'year', 'month', 'day', 'hour']);
      expect(input.StorageDescriptor.Columns.map((c: { Name: string }) => c.Name)).not.toContain('event_type');
      expect(input.Parameters['projection.event_type.type']).toBe('injected');
      expect(input.Parameters['storage.location.template']['Fn::Join'][1][2])
        .toBe('/data/event_type=${event_type}/year=${year}/month=${month}/day=${day}/hour=${hour}/');
      template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
        ExtendedS3DestinationConfiguration: Match.objectLike({
          Prefix: 'data/event_type=!{partitionKeyFromQuery:event_type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/',
          ErrorOutputPrefix: 'errors/!{firehose:error-output-type}/',
          DynamicPartitioningConfiguration: Match.objectLike({ Enabled: true }),
          ProcessingConfiguration: {
            Enabled: true,
            Processors: [{
              Type: 'MetadataExtraction',
              Parameters: Match.arrayWith([
                { ParameterName: 'MetadataExtractionQuery', ParameterValue: '{"event_type":.event_type}' },
                { ParameterName: 'JsonParsingEngine', ParameterValue: 'JQ-1.6' },
              ]),
            }],
          },
        }),
      });
    });

    test('a field partition reads the field as written and names the partition by its column', () => {
      const schema = RecordSchema.fromFields([{ name: 'Region', type: FieldType.STRING }, { name: 'user', type: FieldType.STRING }]);
      for (const [partitionField, column, query] of [['Region', 'region', '{"region":.Region}'], ['user', 'event_user', '{"event_user":.user}']]) {
        const template = sinkTemplate({ partitionField, dataQuality: { enabled: false } }, schema);
        expect(tableInput(template).PartitionKeys[0].Name).toBe(column);
        template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
          ExtendedS3DestinationConfiguration: Match.objectLike({
            Prefix: Match.stringLikeRegexp(`^data/${column}=!\\{partitionKeyFromQuery:${column}\\}/year=`),
            ProcessingConfiguration: { Enabled: true, Processors: [Match.objectLike({ Parameters: Match.arrayWith([{ ParameterName: 'MetadataExtractionQuery', ParameterValue: query }]) })] },
          }),
        });
      }
    });

    test('a renamed partition column is not mapped for the files, which do not hold it', () => {
      const schema = RecordSchema.fromFields([{ name: 'user', type: FieldType.STRING }, { name: 'date', type: FieldType.TIMESTAMP }]);
      sinkTemplate({ partitionField: 'user', dataQuality: { enabled: false } }, schema).hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
        ExtendedS3DestinationConfiguration: Match.objectLike({
          DataFormatConversionConfiguration: Match.objectLike({
            InputFormatConfiguration: { Deserializer: { OpenXJsonSerDe: { ColumnToJsonKeyMappings: { event_date: 'date' } } } },
          }),
        }),
      });
    });

    test('a partition field needs a buffering interval of at least 60 seconds', () => {
      expect(() => sinkTemplate({ partitionField: 'event_type', bufferingInterval: Duration.seconds(59) }))
        .toThrow('Invalid S3DataLakeSinkProps.bufferingInterval: 59 seconds. Allowed: a whole number of seconds from 60 to 900.');
      expect(() => sinkTemplate({ bufferingInterval: Duration.seconds(0) })).not.toThrow();
    });

    test.each([
      ['metadata', 'Invalid S3DataLakeSinkProps.partitionField: "metadata". Allowed: a string, integer or boolean field of the record schema (event_id, event_type, user_id, page).'],
      ['country', 'Invalid S3DataLakeSinkProps.partitionField: "country"'],
    ])('rejects partitionField %p', (partitionField, message) => {
      expect(() => sinkTemplate({ partitionField })).toThrow(message);
    });

    test('uncompressed Parquet is marked as such', () => {
      const input = tableInput(sinkTemplate({ compression: DataLakeCompression.UNCOMPRESSED }));
      expect(input.StorageDescriptor.Compressed).toBe(false);
      expect(input.Parameters['parquet.compression']).toBe('UNCOMPRESSED');
    });
  });

  describe('lifecycle', () => {
    const rulesOf = (template: ReturnType<typeof sinkTemplate>, logicalIdPrefix: string) => {
      const [[, bucket]] = Object.entries(template.findResources('AWS::S3::Bucket')).filter(([id]) => id.startsWith(logicalIdPrefix));
      return { rules: bucket.Properties.LifecycleConfiguration.Rules, tiering: bucket.Properties.IntelligentTieringConfigurations };
    };

    test('on its own, the sink keeps data forever and only cleans up incomplete uploads and old versions', () => {
      const { rules, tiering } = rulesOf(sinkTemplate(), 'DataLakeBucket');
      expect(rules).toEqual([{
        Id: 'data-lake-lifecycle',
        Status: 'Enabled',
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
        NoncurrentVersionExpiration: { NoncurrentDays: 30 },
      }]);
      expect(tiering).toBeUndefined();
    });

    test('expiry applies to the data and its access logs', () => {
      const template = sinkTemplate({ lifecycle: DataLakeLifecycle.expireAfter(Duration.days(30)) });
      for (const prefix of ['DataLakeBucket', 'DataLakeAccessLogsBucket']) {
        expect(rulesOf(template, prefix).rules[0]).toMatchObject({ ExpirationInDays: 30 });
      }
    });

    test('Intelligent-Tiering: data moves at once and archives when unread; access logs only expire', () => {
      const template = sinkTemplate({ lifecycle: DataLakeLifecycle.intelligentTiering({ expireAfter: Duration.days(2_557) }) });
      const data = rulesOf(template, 'DataLakeBucket');
      expect(data.rules[0]).toMatchObject({ ExpirationInDays: 2_557, Transitions: [{ StorageClass: 'INTELLIGENT_TIERING', TransitionInDays: 0 }] });
      expect(data.tiering).toEqual([{
        Id: 'data-lake-archive',
        Status: 'Enabled',
        Tierings: [{ AccessTier: 'ARCHIVE_ACCESS', Days: 90 }, { AccessTier: 'DEEP_ARCHIVE_ACCESS', Days: 365 }],
      }]);
      const logs = rulesOf(template, 'DataLakeAccessLogsBucket');
      expect(logs.rules[0].ExpirationInDays).toBe(2_557);
      expect(logs.rules[0].Transitions).toBeUndefined();
      expect(logs.tiering).toBeUndefined();
    });
  });

  test('in a pipeline, an existing bucket\'s own key wins over the pipeline key', () => {
    const stack = newStack();
    const pipelineKey = new kms.Key(stack, 'PipelineKey');
    const bucket = s3.Bucket.fromBucketAttributes(stack, 'Lake', { bucketName: 'my-lake', encryptionKey: kms.Key.fromKeyArn(stack, 'LakeKey', REPLICA_KEY_ARN) });
    new S3DataLakeSink(stack, 'DataLake', { sourceStream: new IngestStream(stack, 'Enriched').stream, bucket, encryptionKey: pipelineKey });
    templateOf(stack).hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      ExtendedS3DestinationConfiguration: Match.objectLike({ EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: REPLICA_KEY_ARN } } }),
    });
  });

  describe('existing bucket', () => {
    function existingBucketTemplate(withKey: boolean, options: S3DataLakeSinkOptions = {}) {
      const stack = newStack();
      const source = new IngestStream(stack, 'Enriched');
      const bucket = s3.Bucket.fromBucketAttributes(stack, 'Lake', {
        bucketName: 'my-lake',
        encryptionKey: withKey ? kms.Key.fromKeyArn(stack, 'LakeKey', REPLICA_KEY_ARN) : undefined,
      });
      const sink = new S3DataLakeSink(stack, 'DataLake', { ...options, sourceStream: source.stream, bucket });
      return { sink, bucket, template: templateOf(stack) };
    }

    test('delivers to it without creating buckets, writing with its key', () => {
      const { sink, bucket, template } = existingBucketTemplate(true);
      template.resourceCountIs('AWS::S3::Bucket', 0);
      expect(sink.bucket).toBe(bucket);
      expect(sink.accessLogsBucket).toBeUndefined();
      template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
        ExtendedS3DestinationConfiguration: Match.objectLike({
          BucketARN: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':s3:::my-lake'])] }),
          EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: REPLICA_KEY_ARN } },
        }),
      });
      expect(iamStatementsIn(template)).toContainEqual(expect.objectContaining({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: REPLICA_KEY_ARN }));
      // The error logs get a key of the sink's own, whose policy it controls.
      template.resourceCountIs('AWS::KMS::Key', 2);
    });

    test('a bucket without a customer-managed key gets no KMS permission for it', () => {
      // The data-quality crawler's log encryption uses the sink's own key: tested with DataLakeQuality.
      const { template } = existingBucketTemplate(false, { dataQuality: { enabled: false } });
      const kmsResources = iamStatementsIn(template).filter(s => JSON.stringify(s.Action).includes('kms:GenerateDataKey')).map(s => s.Resource);
      expect(kmsResources).toEqual([]);
      template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
        // The bucket's default encryption applies.
        ExtendedS3DestinationConfiguration: Match.objectLike({ EncryptionConfiguration: Match.absent() }),
      });
    });

    test.each([
      [{ lifecycle: DataLakeLifecycle.expireAfter(Duration.days(30)) }, 'Invalid S3DataLakeSinkProps.lifecycle: given with an existing bucket. Allowed: only for a bucket the sink creates; configure lifecycle on your bucket itself.'],
      [{ replication: { bucket: s3.Bucket.fromBucketName(new Stack(), 'R', 'replica'), encryptionKey: kms.Key.fromKeyArn(new Stack(), 'K', REPLICA_KEY_ARN) } },
        'Invalid S3DataLakeSinkProps.replication: given with an existing bucket'],
    ])('rejects %#', (options, message) => {
      const stack = newStack();
      expect(() => new S3DataLakeSink(stack, 'DataLake', {
        ...options, sourceStream: new IngestStream(stack, 'Enriched').stream, bucket: s3.Bucket.fromBucketName(stack, 'Lake', 'my-lake'),
      })).toThrow(message);
    });
  });

  describe('replication', () => {
    function addReplicatedSink(stack: Stack): void {
      const source = new IngestStream(stack, 'Enriched');
      new S3DataLakeSink(stack, 'DataLake', {
        sourceStream: source.stream,
        replication: {
          bucket: s3.Bucket.fromBucketAttributes(stack, 'Replica', { bucketName: 'replica', region: 'us-west-2' }),
          encryptionKey: kms.Key.fromKeyArn(stack, 'ReplicaKey', REPLICA_KEY_ARN),
        },
      });
    }

    function replicatedTemplate() {
      const stack = newStack();
      addReplicatedSink(stack);
      return templateOf(stack);
    }

    test('both buckets replicate every object to the destination, re-encrypted with its key', () => {
      const template = replicatedTemplate();
      const configurations = Object.values(template.findResources('AWS::S3::Bucket')).map(bucket => bucket.Properties.ReplicationConfiguration);
      expect(configurations).toHaveLength(2);
      for (const configuration of configurations) {
        expect(configuration).toMatchObject({
          Role: { 'Fn::GetAtt': [expect.stringMatching(/^DataLakeReplicationRole/), 'Arn'] },
          Rules: [expect.objectContaining({
            Status: 'Enabled',
            Destination: expect.objectContaining({ EncryptionConfiguration: { ReplicaKmsKeyID: REPLICA_KEY_ARN } }),
            SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
          })],
        });
      }
    });

    test('the replication role may do only what replication needs', () => {
      const template = replicatedTemplate();
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 's3.amazonaws.com' } })] },
      });
      const actions = iamStatementsIn(template).flatMap(statement => ([] as string[]).concat(statement.Action));
      expect(actions).toEqual(expect.arrayContaining([
        's3:GetReplicationConfiguration', 's3:GetObjectVersionForReplication', 's3:ReplicateObject', 'kms:Encrypt',
      ]));
      expect(actions.filter(action => action.includes('*'))).toEqual([]);
    });

    test('replication clears the replication findings of every pack and leaves nothing unacknowledged', () => {
      const [result] = synthesizeWithNagPacks(app => {
        const stack = new Stack(app, 'Replicated');
        addReplicatedSink(stack);
        return [stack];
      });
      expect(result.findings).toEqual([]);
    });
  });
});

