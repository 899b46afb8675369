import { Duration, Size, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { FirehoseDestinationMetrics, FirehoseSink, FirehoseSinkProps } from './firehose-sink';
import { FirehoseTransformer, sinkTransformer, TransformerPlacementOptions } from './firehose-transformer';
import { SearchDomain, SearchDomainOptions } from './search-domain';
import { deliveryTuning } from '../internal/delivery-tuning';
import { pathInStack } from '../internal/describe';
import { loggedBucket, VERSIONS_AND_UPLOADS_RULE } from '../internal/logged-bucket';
import { nagResourceName } from '../internal/nag-finding';
import { DEFAULTS } from '../presets/defaults';

/**
 * How often Firehose starts a new index, by appending the date to the index name.
 */
export enum OpenSearchIndexRotation {
  /** One index. */
  NO_ROTATION = 'NoRotation',
  /** `<index>-YYYY-MM-DD-HH`. */
  ONE_HOUR = 'OneHour',
  /** `<index>-YYYY-MM-DD`. */
  ONE_DAY = 'OneDay',
  /** `<index>-YYYY-wWW`, e.g. `clicks-2024-w08`. */
  ONE_WEEK = 'OneWeek',
  /** `<index>-YYYY-MM`. */
  ONE_MONTH = 'OneMonth',
}

/**
 * Where Firehose reaches a domain that runs in a VPC.
 */
export interface OpenSearchSinkNetwork {
  /** The domain's VPC. */
  readonly vpc: ec2.IVpc;
  /**
   * The subnets Firehose places its network interfaces in: subnets that reach the domain.
   *
   * @default - the VPC's private subnets (with egress, else isolated)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Security groups of Firehose's network interfaces (1 to 5); the domain's security group must allow HTTPS from
   * them.
   *
   * @default - a new group that may only send HTTPS to the VPC's primary CIDR block; reach it through
   * `OpenSearchSink.connections`
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/**
 * What an OpenSearch sink indexes and how, shared by `OpenSearchSinkProps` and the pipeline's props.
 */
export interface OpenSearchSinkOptions extends TransformerPlacementOptions {
  /**
   * The domain to index into: OpenSearch, or Elasticsearch 7 and later (6.x needs a document type, which the sink
   * does not set). With fine-grained access control, map the sink's `role` to an OpenSearch role that may write the
   * index pattern (see the README); a domain of a `SearchDomain` gets that mapping from the sink.
   *
   * @default - a new `SearchDomain` in `network`'s VPC and subnets, shaped by `newDomain`
   */
  readonly domain?: opensearch.IDomain;
  /**
   * The size, engine version and administrators of the new domain. Only without `domain`.
   *
   * @default - `SearchDomainSize.STANDARD`, OpenSearch 2.19, no administrator roles
   */
  readonly newDomain?: SearchDomainOptions;
  /**
   * Where Firehose reaches the domain: required when the domain runs in a VPC, as Firehose rejects a delivery stream
   * without a VPC configuration for it, and for a new domain, which runs in this VPC and these subnets.
   *
   * @default - the domain's public endpoint; for a domain of a `SearchDomain`, that domain's VPC and subnets
   */
  readonly network?: OpenSearchSinkNetwork;
  /**
   * The index name, before the rotation suffix: lower case, without spaces or `\ / * ? " < > | , #`, not starting
   * with `-`, `_` or `+`, at most 80 characters.
   *
   * @default "enriched-events"
   */
  readonly indexName?: string;
  /**
   * How often a new index starts.
   *
   * @default OpenSearchIndexRotation.ONE_DAY
   */
  readonly indexRotation?: OpenSearchIndexRotation;
  /**
   * How long Firehose retries a failed bulk request, from 0 to 7,200 seconds; afterwards the documents are written to
   * the backup bucket under `failed/AmazonOpenSearchService-failed/`.
   *
   * @default Duration.seconds(300)
   */
  readonly retryDuration?: Duration;
  /**
   * How much data Firehose gathers per bulk request, from 1 to 100 MiB.
   *
   * @default Size.mebibytes(5)
   */
  readonly bufferingSize?: Size;
  /**
   * How long Firehose gathers data per bulk request, from 0 to 900 seconds.
   *
   * @default Duration.seconds(60)
   */
  readonly bufferingInterval?: Duration;
  /**
   * Transforms records before they are indexed, e.g. flattening nested fields; it must not add newlines, as each
   * record becomes one document of a bulk request. Firehose writes records it cannot transform to the backup bucket
   * under `failed/processing-failed/`.
   *
   * @default - a new `FirehoseTransformer` that flattens nested fields and does not add newlines
   */
  readonly transformer?: FirehoseTransformer;
}

/**
 * Properties of an `OpenSearchSink`.
 */
export interface OpenSearchSinkProps extends OpenSearchSinkOptions, FirehoseSinkProps {}

/**
 * A Firehose delivery stream from a Kinesis stream into an OpenSearch Service domain (L1 `CfnDeliveryStream`, typed
 * props): records transformed (flattened), indexed in rotating indices, retried, and documents that still fail kept in
 * a KMS-encrypted backup bucket under `failed/`.
 */
export class OpenSearchSink extends FirehoseSink implements ec2.IConnectable {
  /** The Firehose delivery stream. */
  public readonly deliveryStream: firehose.CfnDeliveryStream;
  public readonly deliveryStreamName: string;
  /** The bucket of documents that could not be indexed and records that could not be transformed. */
  public readonly backupBucket: s3.IBucket;
  /** The transformer that prepares records for indexing. */
  public readonly transformer: FirehoseTransformer;
  /**
   * The domain the sink created.
   *
   * @default - none when `domain` is given
   */
  public readonly searchDomain?: SearchDomain;
  /**
   * Firehose's network interfaces in the domain's VPC: allow HTTPS from them on the domain's security group.
   * Without a `network`, a connections object without security groups.
   */
  public readonly connections: ec2.Connections;

  protected readonly destinationMetrics: FirehoseDestinationMetrics = {
    success: 'DeliveryToAmazonOpenSearchService.Success',
    dataFreshness: 'DeliveryToAmazonOpenSearchService.DataFreshness',
  };

  constructor(scope: Construct, id: string, props: OpenSearchSinkProps) {
    super(scope, id, props, 'the OpenSearch backup bucket and the delivery error logs');
    const defaults = DEFAULTS.openSearch;
    const prop = (name: string) => `OpenSearchSinkProps.${name}`;
    const indexName = props.indexName ?? defaults.indexName;
    if (!/^[a-z0-9][^A-Z\s\\/*?"<>|,#:]*$/.test(indexName) || indexName.length > defaults.maxIndexNameLength) {
      throw new Error(`Invalid ${prop('indexName')}: "${indexName}". Allowed: lower case, without spaces or \\ / * ? " < > | , # :, `
        + `starting with a letter or digit, at most ${defaults.maxIndexNameLength} characters.`);
    }
    const tuning = deliveryTuning('OpenSearchSinkProps', props, defaults);

    const { bucket } = loggedBucket(this, {
      encryptionKey: this.encryptionKey,
      removalPolicy: this.removalPolicy,
      holds: 'the OpenSearch backup',
      lifecycleRules: [VERSIONS_AND_UPLOADS_RULE],
      accessLogsLifecycleRules: [],
      noReplicationReason: 'This bucket keeps documents OpenSearch rejected, which the data lake also holds; the data lake is the copy to replicate for disaster recovery.',
    });
    this.backupBucket = bucket;
    if (props.transformer?.newlineDelimited) {
      throw new Error(`Invalid ${prop('transformer')}: a transformer with newlineDelimited true. `
        + 'Allowed: a FirehoseTransformer with newlineDelimited false, since each record becomes one document of a bulk request.');
    }
    this.transformer = sinkTransformer(this, props.transformer, props, {
      encryptionKey: this.encryptionKey,
      removalPolicy: this.removalPolicy,
      logRetention: props.logRetention,
      newlineDelimited: false,
    }, 'OpenSearchSinkProps');
    const { domain, searchDomain, network } = this.resolveDomain(props);
    this.searchDomain = searchDomain;
    this.connections = this.placeInNetwork(network);
    this.grantDelivery(domain, indexName, bucket, network !== undefined);
    const writerMapping = searchDomain?.mapWriterRole(this.role, `${indexName}*`);
    searchDomain?.connections.allowDefaultPortFrom(this.connections, 'Firehose delivery');

    const logStreams = ['OpenSearchDelivery', 'S3Backup'].map(name =>
      new logs.LogStream(this, `${name}LogStream`, { logGroup: this.logGroup, removalPolicy: this.removalPolicy }));
    const logging = (stream: logs.LogStream) => ({ enabled: true, logGroupName: this.logGroup.logGroupName, logStreamName: stream.logStreamName });
    const subnets = network && network.vpc.selectSubnets(network.vpcSubnets);
    const limits = DEFAULTS.openSearch.vpcConfiguration;
    if (subnets && (subnets.subnetIds.length < 1 || subnets.subnetIds.length > limits.maxSubnets)) {
      throw new Error(`Invalid ${prop('network.vpcSubnets')}: ${subnets.subnetIds.length} subnets. Allowed: 1 to ${limits.maxSubnets}.`);
    }
    const groups = this.connections.securityGroups.length;
    if (network && (groups < 1 || groups > limits.maxSecurityGroups)) {
      throw new Error(`Invalid ${prop('network.securityGroups')}: ${groups} security groups. Allowed: 1 to ${limits.maxSecurityGroups}.`);
    }
    const deliveryStream = new firehose.CfnDeliveryStream(this, 'DeliveryStream', {
      deliveryStreamType: 'KinesisStreamAsSource',
      kinesisStreamSourceConfiguration: { kinesisStreamArn: props.sourceStream.streamArn, roleArn: this.role.roleArn },
      amazonopensearchserviceDestinationConfiguration: {
        domainArn: domain.domainArn,
        indexName,
        indexRotationPeriod: props.indexRotation ?? OpenSearchIndexRotation[defaults.indexRotation],
        roleArn: this.role.roleArn,
        ...tuning,
        s3BackupMode: 'FailedDocumentsOnly',
        s3Configuration: {
          bucketArn: bucket.bucketArn,
          roleArn: this.role.roleArn,
          prefix: defaults.failedDocumentsPrefix,
          compressionFormat: 'GZIP',
          encryptionConfiguration: { kmsEncryptionConfig: { awskmsKeyArn: this.encryptionKey.keyArn } },
          cloudWatchLoggingOptions: logging(logStreams[1]),
        },
        processingConfiguration: this.processingConfiguration(this.transformer),
        cloudWatchLoggingOptions: logging(logStreams[0]),
        vpcConfiguration: subnets && {
          roleArn: this.role.roleArn,
          subnetIds: subnets.subnetIds,
          securityGroupIds: this.connections.securityGroups.map(group => group.securityGroupId),
        },
      },
    });
    deliveryStream.node.addDependency(this.deliveryPolicy);
    if (writerMapping) {
      // Documents sent before the role is mapped would be rejected and retried, then written to the backup bucket.
      deliveryStream.node.addDependency(writerMapping);
    }
    Validations.of(deliveryStream).acknowledge({
      id: 'AwsSolutions-KDF1',
      reason: 'Firehose server-side encryption applies to Direct PUT only and CloudFormation rejects it for a Kinesis stream source. Records stay encrypted with the pipeline key in the source stream and in the backup bucket, and TLS in between.',
    });
    this.deliveryStream = deliveryStream;
    this.deliveryStreamName = deliveryStream.ref;
  }

  /** The domain to index into (given, or created in `network`), and where Firehose reaches it. */
  private resolveDomain(props: OpenSearchSinkProps): { domain: opensearch.IDomain; searchDomain?: SearchDomain; network?: OpenSearchSinkNetwork } {
    const prop = (name: string) => `OpenSearchSinkProps.${name}`;
    if (props.domain === undefined) {
      if (props.network === undefined) {
        throw new Error(`Invalid ${prop('network')}: none, and no domain. Allowed: the VPC (and subnets) of the new domain, `
          + 'which runs in private subnets only; or an existing domain.');
      }
      const searchDomain = new SearchDomain(this, 'Domain', {
        ...props.newDomain,
        vpc: props.network.vpc,
        vpcSubnets: props.network.vpcSubnets,
        encryptionKey: this.encryptionKey,
        removalPolicy: this.removalPolicy,
        logRetention: props.logRetention,
      });
      return { domain: searchDomain.domain, searchDomain, network: { ...props.network, vpcSubnets: searchDomain.vpcSubnets } };
    }
    if (props.newDomain !== undefined) {
      throw new Error(`Invalid ${prop('newDomain')}: given with domain. Allowed: either an existing domain, or the shape of a new one.`);
    }
    const searchDomain = props.domain.node.scope instanceof SearchDomain ? props.domain.node.scope : undefined;
    const network = props.network ?? (searchDomain && { vpc: searchDomain.vpc, vpcSubnets: searchDomain.vpcSubnets });
    const inVpc = (props.domain.node.defaultChild as opensearch.CfnDomain | undefined)?.vpcOptions !== undefined;
    if (inVpc && network === undefined) {
      throw new Error(`Invalid ${prop('network')}: none for a domain in a VPC. Allowed: the domain's VPC and subnets that reach it, `
        + 'since Firehose rejects a delivery stream without a VPC configuration for such a domain.');
    }
    return { domain: props.domain, searchDomain, network };
  }

  /** The security groups of Firehose's network interfaces, when the domain is in a VPC. */
  private placeInNetwork(network: OpenSearchSinkNetwork | undefined): ec2.Connections {
    if (network === undefined) {
      return new ec2.Connections();
    }
    const securityGroups = network.securityGroups ?? [(() => {
      const group = new ec2.SecurityGroup(this, 'SecurityGroup', {
        vpc: network.vpc,
        description: `Firehose delivery to OpenSearch of ${pathInStack(this)}`,
        allowAllOutbound: false,
      });
      group.addEgressRule(ec2.Peer.ipv4(network.vpc.vpcCidrBlock), ec2.Port.tcp(DEFAULTS.network.httpsPort), 'HTTPS to the OpenSearch domain');
      return group;
    })()];
    return new ec2.Connections({ securityGroups });
  }

  /**
   * What Firehose needs (from the Firehose guide's OpenSearch destination policy): domain configuration, bulk writes,
   * the reads it makes to check the cluster and the index mapping, the backup prefix, and its network interfaces in
   * a VPC.
   */
  private grantDelivery(domain: opensearch.IDomain, indexName: string, bucket: s3.IBucket, inVpc: boolean): void {
    const backupPrefix = DEFAULTS.openSearch.failedDocumentsPrefix;
    this.addToDeliveryPolicy(new iam.PolicyStatement({
      actions: ['es:DescribeDomain', 'es:DescribeDomains', 'es:DescribeDomainConfig', 'es:ESHttpPost', 'es:ESHttpPut'],
      resources: [domain.domainArn, `${domain.domainArn}/*`],
    }));
    this.addToDeliveryPolicy(new iam.PolicyStatement({
      actions: ['es:ESHttpGet'],
      resources: ['_all/_settings', '_cluster/stats', `${indexName}*/_mapping`, '_nodes', '_nodes/stats', '_nodes/*/stats', '_stats', `${indexName}*/_stats`, '']
        .map(path => `${domain.domainArn}/${path}`),
    }));
    this.addToDeliveryPolicy(new iam.PolicyStatement({
      actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
      resources: [bucket.bucketArn],
    }));
    // Failed documents (AmazonOpenSearchService-failed/) and records the transformer rejects (processing-failed/) both
    // go under the backup prefix.
    const objectPrefixes = [backupPrefix];
    this.addToDeliveryPolicy(new iam.PolicyStatement({
      actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
      resources: objectPrefixes.map(prefix => bucket.arnForObjects(`${prefix}*`)),
    }));
    this.addToDeliveryPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [this.encryptionKey.keyArn] }));
    if (inVpc) {
      this.addToDeliveryPolicy(new iam.PolicyStatement({
        actions: ['ec2:DescribeVpcs', 'ec2:DescribeVpcAttribute', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups',
          'ec2:DescribeNetworkInterfaces', 'ec2:CreateNetworkInterface', 'ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface'],
        resources: ['*'],
      }));
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'Firehose creates and manages its network interfaces in the domain\'s subnets with this role; the EC2 describe actions support no resource-level permissions and the interfaces\' ids are assigned at creation.',
      });
    }
    for (const resource of [`${domain.domainArn}/*`, ...objectPrefixes.map(prefix => bucket.arnForObjects(`${prefix}*`)),
      `${domain.domainArn}/${indexName}*/_mapping`, `${domain.domainArn}/_nodes/*/stats`, `${domain.domainArn}/${indexName}*/_stats`]) {
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagResourceName(this, resource)}]`,
        reason: 'Firehose writes to the domain\'s rotating indices (their names end in a date it picks), reads cluster and index statistics by path, and names backup objects itself under the prefix; each is scoped to this domain, index pattern or prefix.',
      });
    }
  }
}
