import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { REPLICA } from '../../examples/pipeline-stack';
import { EnrichmentProcessor, IngestStream, StreamingPipeline } from '../../src';
import { synthesizeWithNagPacks } from '../support/compliance';
import { functionEnvironment as environment, iamStatementsIn, newStack, processorStack, templateOf } from '../support/stack';

describe('EnrichmentProcessor reference data', () => {
  test('is off by default: no table, no REFERENCE_* variables, no DynamoDB permissions', () => {
    const stack = newStack();
    const processor = new EnrichmentProcessor(stack, 'Processor', {
      sourceStream: new IngestStream(stack, 'Source').stream,
      destinationStream: new IngestStream(stack, 'Destination').stream,
    });
    const template = templateOf(stack);

    expect(processor.referenceTable).toBeUndefined();
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    expect(Object.keys(environment(template)).filter(name => name.startsWith('REFERENCE_'))).toEqual([]);
    expect(JSON.stringify(iamStatementsIn(template))).not.toContain('dynamodb:');
  });

  test('a new table: string key, on demand, PITR, encrypted with the processor key, deletion protection, retained', () => {
    const { processor, template } = processorStack({ referenceData: {} });

    expect(processor.referenceTable).toBeDefined();
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        KeySchema: [{ AttributeName: 'user_id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'user_id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ProcessorKey'), 'Arn'] } },
        DeletionProtectionEnabled: true,
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', { Description: 'Encrypts the dead-letter queue and the processor tables of Processor' });
    expect(environment(template)).toEqual(expect.objectContaining({
      REFERENCE_TABLE_NAME: { Ref: expect.stringMatching(/^ProcessorReferenceTable/) },
      REFERENCE_KEY_FIELD: 'user_id',
      REFERENCE_KEY_ATTRIBUTE: 'user_id',
      REFERENCE_TARGET_FIELD: 'user_profile',
      REFERENCE_CACHE_SIZE: '10000',
      REFERENCE_CACHE_TTL_SECONDS: '300',
    }));
    expect(environment(template).REFERENCE_ATTRIBUTES).toBeUndefined();
  });

  test('removalPolicy DESTROY turns deletion protection off, so the stack can be deleted', () => {
    const { template } = processorStack({ referenceData: {}, removalPolicy: RemovalPolicy.DESTROY });

    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ DeletionProtectionEnabled: false }) });
  });

  test('least privilege: three read actions on the table ARN, kms:Decrypt on its key, nothing else about DynamoDB', () => {
    const { template } = processorStack({ referenceData: {} });

    const statements = iamStatementsIn(template);
    const dynamo = statements.filter(s => JSON.stringify(s.Action).includes('dynamodb:'));
    expect(dynamo).toEqual([{
      Effect: 'Allow',
      Action: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ProcessorReferenceTable/), 'Arn'] },
    }]);
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ProcessorKey/), 'Arn'] } });
    expect(statements.flatMap(s => ([] as string[]).concat(s.Action)).filter(a => a.includes('*'))).toEqual([]);
  });

  test('an existing table is read, not created; its key is decryptable; every option reaches the handler', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'ProfilesKey');
    const table = dynamodb.Table.fromTableAttributes(stack, 'Profiles', { tableName: 'profiles', encryptionKey: key });

    const { processor, template } = processorStack({
      referenceData: {
        table,
        keyField: 'event_id',
        keyAttribute: 'pk',
        attributes: ['name', 'tier'],
        targetField: 'profile',
        cacheSize: 50,
        cacheTtl: Duration.minutes(1),
      },
    }, stack);

    expect(processor.referenceTable).toBe(table);
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    expect(environment(template)).toEqual(expect.objectContaining({
      REFERENCE_TABLE_NAME: 'profiles',
      REFERENCE_KEY_FIELD: 'event_id',
      REFERENCE_KEY_ATTRIBUTE: 'pk',
      REFERENCE_ATTRIBUTES: 'name,tier',
      REFERENCE_TARGET_FIELD: 'profile',
      REFERENCE_CACHE_SIZE: '50',
      REFERENCE_CACHE_TTL_SECONDS: '60',
    }));
    const statements = iamStatementsIn(template);
    expect(statements).toContainEqual(expect.objectContaining({
      Action: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
      Resource: { 'Fn::Join': ['', expect.arrayContaining([':table/profiles'])] },
    }));
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ProfilesKey/), 'Arn'] } }));
  });

  test.each([
    [{ keyField: 'account_id' }, 'Invalid EnrichmentProcessorProps.referenceData.keyField: "account_id". Allowed: a field of the record schema (event_id, event_type, timestamp, user_id, page, metadata).'],
    [{ keyAttribute: '' }, 'Invalid EnrichmentProcessorProps.referenceData.keyAttribute: "". Allowed: the name of the table\'s string partition key.'],
    [{ targetField: 'page' }, 'Invalid EnrichmentProcessorProps.referenceData.targetField: "page". Allowed: a non-empty field name that is neither a field of the record schema'],
    [{ targetField: 'processed_at' }, 'Invalid EnrichmentProcessorProps.referenceData.targetField: "processed_at".'],
    [{ attributes: [] }, 'Invalid EnrichmentProcessorProps.referenceData.attributes: []. Allowed: at least one attribute name'],
    [{ attributes: ['a,b'] }, 'Invalid EnrichmentProcessorProps.referenceData.attributes: ["a,b"]'],
    [{ attributes: ['a', 'a'] }, 'Invalid EnrichmentProcessorProps.referenceData.attributes: ["a","a"]'],
    [{ cacheSize: 0 }, 'Invalid EnrichmentProcessorProps.referenceData.cacheSize: 0. Allowed: an integer from 1 to 1000000.'],
    [{ cacheTtl: Duration.days(2) }, 'Invalid EnrichmentProcessorProps.referenceData.cacheTtl: 172800 seconds. Allowed: a whole number of seconds from 0 to 86400.'],
  ])('rejects %j', (options, message) => {
    expect(() => processorStack({ referenceData: options })).toThrow(message);
  });

  test('StreamingPipeline passes processor.referenceData through and encrypts the table with the pipeline key', () => {
    const stack = newStack();
    const pipeline = new StreamingPipeline(stack, 'Pipeline', { processor: { referenceData: { cacheSize: 20 } } });
    const template = templateOf(stack);

    expect(pipeline.processor.referenceTable).toBeDefined();
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: Match.objectLike({ KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('PipelineKey'), 'Arn'] } }),
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ REFERENCE_CACHE_SIZE: '20' }) } });
  });
});

describe('compliance of a pipeline with reference data', () => {
  // The data lake replicates as in the example stacks, whose findings are otherwise only networking ones.
  const [result] = synthesizeWithNagPacks((app: App) => {
    const stack = new Stack(app, 'reference-data');
    new StreamingPipeline(stack, 'Pipeline', {
      processor: { referenceData: {} },
      dataLake: {
        replication: {
          bucket: s3.Bucket.fromBucketAttributes(stack, 'Replica', { bucketName: REPLICA.bucketName, region: REPLICA.region }),
          encryptionKey: kms.Key.fromKeyArn(stack, 'ReplicaKey', REPLICA.keyArn),
        },
      },
    });
    return [stack];
  });

  test('no unacknowledged finding in any of the five packs except the networking rule LambdaInsideVPC', () => {
    expect(result.findings.filter(finding => !finding.rule.endsWith('LambdaInsideVPC'))).toEqual([]);
  });

  test('the table\'s acknowledgements are the backup-plan rules, with their reason', () => {
    const onTable = result.acknowledgements.filter(a => a.path.includes('Processor/ReferenceTable'));
    expect(onTable.map(a => a.rule).sort()).toEqual(['HIPAA.Security-DynamoDBInBackupPlan', 'NIST.800.53.R5-DynamoDBInBackupPlan']);
    for (const acknowledgement of onTable) {
      expect(acknowledgement.reason).toContain('Point-in-time recovery');
    }
  });
});
