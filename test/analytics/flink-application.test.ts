import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnResource, Duration, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IngestStream } from '../../src';
import {
  FlinkApplication,
  FlinkApplicationCode,
  FlinkApplicationProps,
  FlinkLogLevel,
  FlinkMetricsLevel,
} from '../../src/analytics/flink-application';
import { synthesizeWithNagPacks } from '../support/compliance';
import { iamStatementsIn, newStack, templateOf } from '../support/stack';

const APPLICATION = 'AWS::KinesisAnalyticsV2::Application';
const CODE_KEY = 'jobs/aggregations.jar';

const tempDirectories: string[] = [];
afterAll(() => tempDirectories.forEach(directory => fs.rmSync(directory, { recursive: true, force: true })));

/** A JAR in a fresh directory: an empty zip archive (only the end-of-central-directory record), which is a valid JAR. */
function tempJar(name = 'aggregations.jar'): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'flink-jar-'));
  tempDirectories.push(directory);
  const jar = path.join(directory, name);
  fs.writeFileSync(jar, Buffer.concat([Buffer.from('PK\x05\x06'), Buffer.alloc(18)]));
  return jar;
}

/** A Flink application reading a new ingest stream, with its JAR in a new bucket unless `code` says otherwise. */
function addFlink(props: Partial<FlinkApplicationProps> = {}, stack: Stack = newStack()) {
  const source = new IngestStream(stack, 'Source').stream;
  const code = props.code ?? FlinkApplicationCode.fromBucket(new s3.Bucket(stack, 'CodeBucket'), CODE_KEY);
  const flink = new FlinkApplication(stack, 'Flink', { sourceStream: source, ...props, code });
  return { stack, source, flink };
}

function flinkTemplate(props: Partial<FlinkApplicationProps> = {}, stack: Stack = newStack()) {
  const added = addFlink(props, stack);
  return { ...added, template: templateOf(added.stack) };
}

function isolatedVpc(stack: Stack): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', {
    natGateways: 0,
    subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
}

/** The logical id of a child of the application (`Resource` is the application itself), e.g. `LogGroup`. */
function logicalIdOf(flink: FlinkApplication, name: string): string {
  const child = flink.node.findChild(name);
  return Stack.of(flink).getLogicalId((child instanceof CfnResource ? child : child.node.defaultChild) as CfnResource);
}

/** `arn:<partition>:<service>:<region>:<account>:` followed by the given parts, as CloudFormation joins it. */
function regionalArn(service: string, ...parts: unknown[]) {
  return {
    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${service}:`, { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ...parts]],
  };
}

const STREAM_READ_ACTIONS = [
  'kinesis:DescribeStreamSummary', 'kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:ListShards',
  'kinesis:SubscribeToShard', 'kinesis:DescribeStream', 'kinesis:ListStreams', 'kinesis:DescribeStreamConsumer',
];

/** The role's statements outside a VPC: the source stream, its key, the JAR, the logs. */
function baseStatements(flink: FlinkApplication, codeObject: unknown) {
  const logGroup = { Ref: logicalIdOf(flink, 'LogGroup') };
  return [
    { Action: STREAM_READ_ACTIONS, Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^SourceStream/), 'Arn'] } },
    { Action: 'kms:Decrypt', Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^SourceKey/), 'Arn'] } },
    { Action: 's3:GetObject', Effect: 'Allow', Resource: codeObject },
    { Action: 'logs:DescribeLogGroups', Effect: 'Allow', Resource: regionalArn('logs', ':log-group:*') },
    { Action: 'logs:DescribeLogStreams', Effect: 'Allow', Resource: regionalArn('logs', ':log-group:', logGroup, ':log-stream:*') },
    {
      Action: 'logs:PutLogEvents',
      Effect: 'Allow',
      Resource: regionalArn('logs', ':log-group:', logGroup, ':log-stream:', { Ref: logicalIdOf(flink, 'LogStream') }),
    },
  ];
}

const CODE_OBJECT = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^CodeBucket/), 'Arn'] }, `/${CODE_KEY}`]] };

describe('FlinkApplication', () => {
  test('defaults: Flink 1.20, checkpoints every 60 s, INFO logs and application metrics, parallelism 1 with auto scaling, snapshots', () => {
    const { template } = flinkTemplate();
    template.resourceCountIs(APPLICATION, 1);
    template.hasResourceProperties(APPLICATION, {
      RuntimeEnvironment: 'FLINK-1_20',
      ServiceExecutionRole: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FlinkRole'), 'Arn'] },
      ApplicationName: Match.absent(),
      ApplicationConfiguration: {
        ApplicationCodeConfiguration: {
          CodeContentType: 'ZIPFILE',
          CodeContent: {
            S3ContentLocation: { BucketARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CodeBucket'), 'Arn'] }, FileKey: CODE_KEY },
          },
        },
        FlinkApplicationConfiguration: {
          CheckpointConfiguration: { ConfigurationType: 'CUSTOM', CheckpointingEnabled: true, CheckpointInterval: 60_000, MinPauseBetweenCheckpoints: 5_000 },
          MonitoringConfiguration: { ConfigurationType: 'CUSTOM', LogLevel: 'INFO', MetricsLevel: 'APPLICATION' },
          ParallelismConfiguration: { ConfigurationType: 'CUSTOM', Parallelism: 1, ParallelismPerKPU: 1, AutoScalingEnabled: true },
        },
        ApplicationSnapshotConfiguration: { SnapshotsEnabled: true },
        ApplicationEncryptionConfiguration: {
          KeyType: 'CUSTOMER_MANAGED_KEY',
          KeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FlinkKey'), 'Arn'] },
        },
        EnvironmentProperties: {
          PropertyGroups: [{
            PropertyGroupId: 'FlinkApplicationProperties',
            PropertyMap: {
              'source.stream.name': { Ref: Match.stringLikeRegexp('^SourceStream') },
              'source.stream.arn': { 'Fn::GetAtt': [Match.stringLikeRegexp('^SourceStream'), 'Arn'] },
              'aws.region': { Ref: 'AWS::Region' },
            },
          }],
        },
        VpcConfigurations: Match.absent(),
      },
    });
  });

  test('the application is retained and created only after its role\'s managed policy', () => {
    const { template, flink } = flinkTemplate();
    const policyId = Stack.of(flink).getLogicalId(flink.role.node.findChild('Policy').node.defaultChild as CfnResource);
    template.hasResource(APPLICATION, {
      DependsOn: Match.arrayWith([policyId]),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('every setting of the props reaches the application configuration', () => {
    const { template } = flinkTemplate({
      runtime: 'FLINK-1_20',
      parallelism: 4,
      parallelismPerKpu: 2,
      autoScaling: false,
      checkpointInterval: Duration.seconds(30),
      minPauseBetweenCheckpoints: Duration.seconds(10),
      logLevel: FlinkLogLevel.WARN,
      metricsLevel: FlinkMetricsLevel.TASK,
      snapshotsEnabled: false,
      propertyGroups: { Windowing: { 'window.size.seconds': '60', 'window.slide.seconds': '10' } },
    });
    template.hasResourceProperties(APPLICATION, {
      ApplicationConfiguration: Match.objectLike({
        FlinkApplicationConfiguration: {
          CheckpointConfiguration: { ConfigurationType: 'CUSTOM', CheckpointingEnabled: true, CheckpointInterval: 30_000, MinPauseBetweenCheckpoints: 10_000 },
          MonitoringConfiguration: { ConfigurationType: 'CUSTOM', LogLevel: 'WARN', MetricsLevel: 'TASK' },
          ParallelismConfiguration: { ConfigurationType: 'CUSTOM', Parallelism: 4, ParallelismPerKPU: 2, AutoScalingEnabled: false },
        },
        ApplicationSnapshotConfiguration: { SnapshotsEnabled: false },
        EnvironmentProperties: {
          PropertyGroups: [
            Match.objectLike({ PropertyGroupId: 'FlinkApplicationProperties' }),
            { PropertyGroupId: 'Windowing', PropertyMap: { 'window.size.seconds': '60', 'window.slide.seconds': '10' } },
          ],
        },
      }),
    });
  });

  test('a runtime before 1.20 keeps the state under an AWS-owned key; the key then only encrypts the logs', () => {
    const { template } = flinkTemplate({ runtime: 'FLINK-1_19' });
    template.hasResourceProperties(APPLICATION, {
      RuntimeEnvironment: 'FLINK-1_19',
      ApplicationConfiguration: Match.objectLike({ ApplicationEncryptionConfiguration: { KeyType: 'AWS_OWNED_KEY' } }),
    });
    const key = Object.entries(template.findResources('AWS::KMS::Key')).find(([id]) => id.startsWith('Flink'))![1];
    expect(key.Properties.Description).toBe('Encrypts the Flink application logs of Flink');
    expect(JSON.stringify(key.Properties.KeyPolicy)).not.toContain('kinesisanalytics');
  });

  test('the new key lets Managed Flink\'s two service principals use it for this account\'s applications only', () => {
    const { template } = flinkTemplate();
    const applications = regionalArn('kinesisanalytics', ':application/*');
    const fromApplications = { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }, ArnLike: { 'aws:SourceArn': applications } };
    const forApplications = { 'kms:EncryptionContext:aws:kinesisanalytics:arn': applications };
    const service = 'kinesisanalytics.amazonaws.com';
    const infrastructure = 'infrastructure.kinesisanalytics.amazonaws.com';
    const statement = (principal: string | string[], action: string | string[], condition: object) =>
      ({ Effect: 'Allow', Principal: { Service: principal }, Action: action, Resource: '*', Condition: condition });
    template.hasResourceProperties('AWS::KMS::Key', {
      Description: 'Encrypts the Flink application state and logs of Flink',
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          statement([service, infrastructure], 'kms:DescribeKey', fromApplications),
          statement(service, 'kms:GenerateDataKey', { ...fromApplications, StringLike: forApplications }),
          statement(service, 'kms:Decrypt', { StringLike: forApplications }),
          statement(infrastructure, ['kms:Decrypt', 'kms:GenerateDataKeyWithoutPlaintext'], { StringLike: forApplications }),
          statement(infrastructure, 'kms:CreateGrant', {
            'StringLike': forApplications,
            'StringEquals': { 'kms:GrantConstraintType': 'EncryptionContextSubset' },
            'ForAllValues:StringEquals': { 'kms:GrantOperations': 'Decrypt' },
          }),
        ]),
      },
    });
  });

  test('a given key is used instead of a new one', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'GivenKey', 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555');
    const { template } = flinkTemplate({ encryptionKey: key }, stack);
    expect(Object.keys(template.findResources('AWS::KMS::Key')).filter(id => id.startsWith('Flink'))).toEqual([]);
    template.hasResourceProperties(APPLICATION, {
      ApplicationConfiguration: Match.objectLike({
        ApplicationEncryptionConfiguration: { KeyType: 'CUSTOMER_MANAGED_KEY', KeyId: key.keyArn },
      }),
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: key.keyArn });
  });

  test('logs: an encrypted log group kept a year, the application\'s log stream in it, and the logging option pointing to it', () => {
    const { template, flink } = flinkTemplate();
    const logGroup = logicalIdOf(flink, 'LogGroup');
    const logStream = logicalIdOf(flink, 'LogStream');
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FlinkKey'), 'Arn'] }, RetentionInDays: 365 },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::Logs::LogStream', { LogGroupName: { Ref: logGroup } });
    template.hasResourceProperties('AWS::KinesisAnalyticsV2::ApplicationCloudWatchLoggingOption', {
      ApplicationName: { Ref: logicalIdOf(flink, 'Resource') },
      CloudWatchLoggingOption: { LogStreamARN: regionalArn('logs', ':log-group:', { Ref: logGroup }, ':log-stream:', { Ref: logStream }) },
    });
  });

  test('role: assumed by Managed Flink for this account only; exactly the stream, the JAR and its own logs, no wildcard action', () => {
    const { template, flink } = flinkTemplate();
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'kinesisanalytics.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        }],
      },
    });
    const statements = iamStatementsIn(template);
    expect(statements).toEqual(baseStatements(flink, CODE_OBJECT).map(expected => expect.objectContaining(expected)));
    expect(JSON.stringify(template.toJSON())).not.toContain('cloudwatch:PutMetricData');
    for (const statement of statements) {
      expect([statement.Action].flat().filter(action => action.includes('*'))).toEqual([]);
      expect(statement.Resource).not.toEqual('*');
    }
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('fromBucket with a version: that version of the object, and the bucket\'s key to decrypt it', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'CodeBucket', { encryption: s3.BucketEncryption.KMS, versioned: true });
    const { template } = flinkTemplate({ code: FlinkApplicationCode.fromBucket(bucket, CODE_KEY, 'v3') }, stack);
    template.hasResourceProperties(APPLICATION, {
      ApplicationConfiguration: Match.objectLike({
        ApplicationCodeConfiguration: {
          CodeContentType: 'ZIPFILE',
          CodeContent: {
            S3ContentLocation: {
              BucketARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CodeBucket'), 'Arn'] },
              FileKey: CODE_KEY,
              ObjectVersion: 'v3',
            },
          },
        },
      }),
    });
    const statements = iamStatementsIn(template);
    expect(statements).toContainEqual({ Action: ['s3:GetObject', 's3:GetObjectVersion'], Effect: 'Allow', Resource: CODE_OBJECT });
    expect(statements).toContainEqual({ Action: 'kms:Decrypt', Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^CodeBucketKey/), 'Arn'] } });
  });

  test('fromAsset: the JAR is uploaded as an asset, and the role may read exactly that object', () => {
    const { template, flink } = flinkTemplate({ code: FlinkApplicationCode.fromAsset(tempJar()) });
    const assetBucket = { 'Fn::Sub': 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}' };
    const location = template.findResources(APPLICATION)[logicalIdOf(flink, 'Resource')]
      .Properties.ApplicationConfiguration.ApplicationCodeConfiguration.CodeContent.S3ContentLocation;
    expect(location).toEqual({
      BucketARN: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', assetBucket]] },
      FileKey: expect.stringMatching(/^[0-9a-f]{64}\.jar$/),
    });
    const object = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', assetBucket, `/${location.FileKey}`]] };
    expect(iamStatementsIn(template)).toContainEqual({ Action: 's3:GetObject', Effect: 'Allow', Resource: object });
  });

  test('fromAsset rejects a path that is not a .jar file, or a JAR that does not exist', () => {
    const missing = path.join(os.tmpdir(), 'no-such-dir-for-flink', 'app.jar');
    expect(() => FlinkApplicationCode.fromAsset('target/app.zip')).toThrow(new Error('Invalid FlinkApplicationCode.fromAsset(path): '
      + '"target/app.zip" is not a .jar file. Allowed: the path of the application\'s JAR file, e.g. target/app.jar.'));
    expect(() => FlinkApplicationCode.fromAsset(missing)).toThrow(new Error(`Invalid FlinkApplicationCode.fromAsset(path): "${missing}" `
      + 'does not exist or is not a file. Allowed: the path of a JAR file that exists at synthesis; build the application (e.g. mvn package) first.'));
    const directory = path.dirname(tempJar());
    const jarDirectory = path.join(directory, 'classes.jar');
    fs.mkdirSync(jarDirectory);
    expect(() => FlinkApplicationCode.fromAsset(jarDirectory)).toThrow(/^Invalid FlinkApplicationCode.fromAsset\(path\): ".*classes.jar" does not exist or is not a file/);
  });

  test('fromBucket rejects a blank key or version', () => {
    const bucket = s3.Bucket.fromBucketName(newStack(), 'Code', 'code-bucket');
    expect(() => FlinkApplicationCode.fromBucket(bucket, ' ')).toThrow(new Error('Invalid FlinkApplicationCode.fromBucket(fileKey): " ". Allowed: a non-blank object key.'));
    expect(() => FlinkApplicationCode.fromBucket(bucket, CODE_KEY, '')).toThrow(new Error('Invalid FlinkApplicationCode.fromBucket(objectVersion): "". Allowed: a non-blank version id.'));
  });

  describe('in a VPC', () => {
    test('a new security group without inbound rules and with HTTPS out only, in the VPC\'s private subnets', () => {
      const stack = newStack();
      const vpc = isolatedVpc(stack);
      const { template, flink } = flinkTemplate({ vpc }, stack);
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        GroupDescription: 'Flink application Flink: no inbound, HTTPS outbound',
        SecurityGroupIngress: Match.absent(),
        SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: 'HTTPS to AWS APIs through VPC endpoints or NAT' }],
      });
      const securityGroupId = { 'Fn::GetAtt': [logicalIdOf(flink, 'SecurityGroup'), 'GroupId'] };
      template.hasResourceProperties(APPLICATION, {
        ApplicationConfiguration: Match.objectLike({
          VpcConfigurations: [{
            SecurityGroupIds: [securityGroupId],
            SubnetIds: vpc.isolatedSubnets.map(subnet => ({ Ref: Stack.of(subnet).getLogicalId(subnet.node.defaultChild as CfnResource) })),
          }],
        }),
      });
      expect(flink.connections.securityGroups).toEqual([flink.node.findChild('SecurityGroup')]);
    });

    test('role: network interfaces in its subnets and security groups only; the describe calls alone on every resource', () => {
      const stack = newStack();
      const vpc = isolatedVpc(stack);
      const { template, flink } = flinkTemplate({ vpc }, stack);
      const networkInterfaces = regionalArn('ec2', ':network-interface/*');
      const subnets = vpc.isolatedSubnets.map(subnet => regionalArn('ec2', ':subnet/', { Ref: Stack.of(subnet).getLogicalId(subnet.node.defaultChild as CfnResource) }));
      const securityGroup = regionalArn('ec2', ':security-group/', { 'Fn::GetAtt': [logicalIdOf(flink, 'SecurityGroup'), 'GroupId'] });
      const statements = iamStatementsIn(template);
      expect(statements).toEqual([
        ...baseStatements(flink, CODE_OBJECT),
        { Action: 'ec2:CreateNetworkInterface', Effect: 'Allow', Resource: [networkInterfaces, ...subnets, securityGroup] },
        { Action: ['ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface'], Effect: 'Allow', Resource: networkInterfaces },
        {
          // No resource-level permissions exist for these: the only statement on every resource.
          Action: ['ec2:DescribeDhcpOptions', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs'],
          Effect: 'Allow',
          Resource: '*',
        },
      ].map(expected => expect.objectContaining(expected)));
      expect(statements.filter(statement => statement.Resource === '*')).toHaveLength(1);
    });

    test('given security groups and subnets are used as they are', () => {
      const stack = newStack();
      const vpc = new ec2.Vpc(stack, 'Vpc', {
        natGateways: 0,
        subnetConfiguration: [
          { name: 'flink', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
          { name: 'other', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        ],
      });
      const group = new ec2.SecurityGroup(stack, 'Group', { vpc });
      const { template, flink } = flinkTemplate({ vpc, vpcSubnets: { subnetGroupName: 'flink' }, securityGroups: [group] }, stack);
      expect(flink.node.tryFindChild('SecurityGroup')).toBeUndefined();
      expect(flink.connections.securityGroups).toEqual([group]);
      template.hasResourceProperties(APPLICATION, {
        ApplicationConfiguration: Match.objectLike({
          VpcConfigurations: [{
            SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Group'), 'GroupId'] }],
            SubnetIds: vpc.selectSubnets({ subnetGroupName: 'flink' }).subnets
              .map(subnet => ({ Ref: Stack.of(subnet).getLogicalId(subnet.node.defaultChild as CfnResource) })),
          }],
        }),
      });
    });

    test('network props need a VPC, and Managed Flink\'s limits of subnets and security groups', () => {
      expect(() => addFlink({ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } })).toThrow(new Error(
        'Invalid FlinkApplicationProps.vpcSubnets: set without vpc. Allowed: only together with FlinkApplicationProps.vpc.'));
      expect(() => addFlink({ securityGroups: [] })).toThrow(new Error(
        'Invalid FlinkApplicationProps.securityGroups: set without vpc. Allowed: only together with FlinkApplicationProps.vpc.'));
      const stack = newStack();
      const vpc = isolatedVpc(stack);
      const groups = Array.from({ length: 6 }, (_, index) => new ec2.SecurityGroup(stack, `Group${index}`, { vpc }));
      expect(() => addFlink({ vpc, securityGroups: groups }, stack)).toThrow(new Error(
        'Invalid FlinkApplicationProps.securityGroups (security groups): 6. Allowed: an integer from 1 to 5.'));
    });

    test('outside a VPC there are no security groups to connect through', () => {
      const { flink } = addFlink();
      expect(flink.connections.securityGroups).toEqual([]);
    });
  });

  const manyProperties = Object.fromEntries(Array.from({ length: 51 }, (_, index) => [`key${index}`, 'value']));
  const manyGroups = Object.fromEntries(Array.from({ length: 50 }, (_, index) => [`group${index}`, { key: 'value' }]));
  test.each([
    ['a runtime past its end of support', { runtime: 'FLINK-1_13' },
      'Invalid FlinkApplicationProps.runtime: "FLINK-1_13". Allowed: FLINK-1_15, FLINK-1_18, FLINK-1_19, FLINK-1_20.'],
    ['Flink 2', { runtime: 'FLINK-2_2' },
      'Invalid FlinkApplicationProps.runtime: "FLINK-2_2". Allowed: FLINK-1_15, FLINK-1_18, FLINK-1_19, FLINK-1_20.'],
    ['parallelism 0', { parallelism: 0 }, 'Invalid FlinkApplicationProps.parallelism: 0. Allowed: an integer from 1 to 256.'],
    ['parallelism 257', { parallelism: 257 }, 'Invalid FlinkApplicationProps.parallelism: 257. Allowed: an integer from 1 to 256.'],
    ['a fractional parallelism', { parallelism: 1.5 }, 'Invalid FlinkApplicationProps.parallelism: 1.5. Allowed: an integer from 1 to 256.'],
    ['9 tasks per KPU', { parallelismPerKpu: 9 }, 'Invalid FlinkApplicationProps.parallelismPerKpu: 9. Allowed: an integer from 1 to 8.'],
    ['no checkpoint interval', { checkpointInterval: Duration.seconds(0) },
      'Invalid FlinkApplicationProps.checkpointInterval: 0 seconds. Allowed: a whole number of seconds from 1 to 86400.'],
    ['a checkpoint interval beyond the shortest stream retention', { checkpointInterval: Duration.hours(25) },
      'Invalid FlinkApplicationProps.checkpointInterval: 90000 seconds. Allowed: a whole number of seconds from 1 to 86400.'],
    ['a pause longer than a day', { minPauseBetweenCheckpoints: Duration.hours(25) },
      'Invalid FlinkApplicationProps.minPauseBetweenCheckpoints: 90000 seconds. Allowed: a whole number of seconds from 0 to 86400.'],
    ['the construct\'s property group', { propertyGroups: { FlinkApplicationProperties: { 'source.stream.name': 'other' } } },
      'Invalid FlinkApplicationProps.propertyGroups: "FlinkApplicationProperties". Allowed: group ids other than FlinkApplicationProperties, '
      + 'the construct\'s group of source.stream.name, source.stream.arn and aws.region.'],
    ['a group id with a space', { propertyGroups: { 'window size': { seconds: '60' } } },
      'Invalid FlinkApplicationProps.propertyGroups: "window size". Allowed: group ids of 1 to 50 letters, digits, "_", "." or "-".'],
    ['an empty group', { propertyGroups: { Windowing: {} } },
      'Invalid FlinkApplicationProps.propertyGroups.Windowing (properties): 0. Allowed: an integer from 1 to 50.'],
    ['51 properties in a group', { propertyGroups: { Windowing: manyProperties } },
      'Invalid FlinkApplicationProps.propertyGroups.Windowing (properties): 51. Allowed: an integer from 1 to 50.'],
    ['50 groups of the user\'s besides the construct\'s', { propertyGroups: manyGroups },
      'Invalid FlinkApplicationProps.propertyGroups (groups): 50. Allowed: an integer from 0 to 49 (FlinkApplicationProperties is the construct\'s).'],
  ] as Array<[string, Partial<FlinkApplicationProps>, string]>)('rejects %s', (_, props, message) => {
    expect(() => addFlink(props)).toThrow(new Error(message));
  });

  test('name and ARN: the name CloudFormation generates, and the application ARN of this account and region', () => {
    const { stack, flink } = addFlink();
    const applicationId = logicalIdOf(flink, 'Resource');
    expect(stack.resolve(flink.applicationName)).toEqual({ Ref: applicationId });
    expect(stack.resolve(flink.applicationArn)).toEqual(regionalArn('kinesisanalytics', ':application/', { Ref: applicationId }));
    expect(flink.grantPrincipal).toBe(flink.role);
  });

  describe('metrics', () => {
    test.each([
      ['metricUptime', 'uptime', 'Minimum'],
      ['metricDowntime', 'downtime', 'Maximum'],
      ['metricFullRestarts', 'fullRestarts', 'Maximum'],
      ['metricNumberOfFailedCheckpoints', 'numberOfFailedCheckpoints', 'Maximum'],
      ['metricLastCheckpointDuration', 'lastCheckpointDuration', 'Maximum'],
    ] as const)('%s: %s of the application in AWS/KinesisAnalytics, %s over 5 minutes', (helper, metricName, statistic) => {
      const { stack, flink } = addFlink();
      const metric = flink[helper]();
      expect(metric.namespace).toBe('AWS/KinesisAnalytics');
      expect(metric.metricName).toBe(metricName);
      expect(metric.statistic).toBe(statistic);
      expect(metric.period.toSeconds()).toBe(300);
      expect(stack.resolve(metric.dimensions)).toEqual({ Application: { Ref: logicalIdOf(flink, 'Resource') } });
    });

    test('metricMillisBehindLatest: the source\'s lag behind the source stream, maximum over 5 minutes', () => {
      const { stack, flink } = addFlink();
      const metric = flink.metricMillisBehindLatest();
      expect(metric.namespace).toBe('AWS/KinesisAnalytics');
      expect(metric.metricName).toBe('millisBehindLatest');
      expect(metric.statistic).toBe('Maximum');
      expect(stack.resolve(metric.dimensions)).toEqual({
        Application: { Ref: logicalIdOf(flink, 'Resource') },
        Flow: 'Input',
        // Managed Flink writes the stream name with underscores for hyphens here.
        Id: { 'Fn::Join': ['_', { 'Fn::Split': ['-', { Ref: expect.stringMatching(/^SourceStream/) }] }] },
      });
    });

    test('metric: any metric of the application, average by default; options override the defaults', () => {
      const { stack, flink } = addFlink();
      const metric = flink.metric('cpuUtilization');
      expect(metric.statistic).toBe('Average');
      expect(stack.resolve(metric.dimensions)).toEqual({ Application: { Ref: logicalIdOf(flink, 'Resource') } });
      const custom = flink.metricDowntime({ statistic: 'Average', period: Duration.minutes(1) });
      expect(custom.statistic).toBe('Average');
      expect(custom.period.toSeconds()).toBe(60);
      expect(custom.metricName).toBe('downtime');
    });
  });

  describe('compliance', () => {
    const logGroups = 'arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:*';

    test('outside a VPC: no unacknowledged finding of any pack; only the log lookups are acknowledged', () => {
      const [result] = synthesizeWithNagPacks(app => {
        const { stack } = addFlink({}, new Stack(app, 'Analytics'));
        return [stack];
      });
      expect(result.findings.filter(finding => finding.path.startsWith('Analytics/Flink/'))).toEqual([]);
      expect(result.acknowledgements.filter(ack => ack.path.startsWith('Analytics/Flink')).map(ack => ack.rule).sort()).toEqual([
        `AwsSolutions-IAM5[Resource::${logGroups}]`,
        expect.stringMatching(/^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:<FlinkLogGroup[0-9A-F]+>:log-stream:\*\]$/),
      ]);
    });

    test('in a VPC: no unacknowledged finding of any pack; the network interface pattern and the describe calls are acknowledged', () => {
      const [result] = synthesizeWithNagPacks(app => {
        const stack = new Stack(app, 'Analytics');
        addFlink({ vpc: isolatedVpc(stack) }, stack);
        return [stack];
      });
      expect(result.findings.filter(finding => finding.path.startsWith('Analytics/Flink/'))).toEqual([]);
      const rules = result.acknowledgements.filter(ack => ack.path.startsWith('Analytics/Flink')).map(ack => ack.rule);
      expect(rules).toEqual(expect.arrayContaining([
        'AwsSolutions-IAM5[Resource::*]',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:network-interface/*]',
      ]));
      expect(rules).toHaveLength(4);
    });
  });
});
