import * as path from 'path';
import { Duration, RemovalPolicy, Size, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { pathInStack } from '../internal/describe';
import { encryptedLogGroup, grantFunctionLogging } from '../internal/encrypted-log-group';
import { givenOrNewKey } from '../internal/encryption-key';
import { placeFunctionInVpc } from '../internal/function-network';
import { ManagedPolicyRole } from '../internal/managed-policy-role';
import { dropRoleDependency } from '../internal/redundant-dependencies';
import { validateDurationInRange, validateIntegerInRange } from '../internal/validation';
import { DEFAULTS } from '../presets/defaults';

/** The handler bundle that `npx projen bundle` builds from lambda-src/firehose-transformer and the npm package ships. */
const HANDLER_ASSET = path.join(__dirname, '..', '..', 'assets', 'firehose-transformer');

/**
 * What the Firehose transformer does to each record before delivery.
 */
export interface FirehoseTransformerOptions {
  /**
   * Whether nested objects become top-level fields joined by `flattenSeparator` (`metadata.browser` ->
   * `metadata_browser`), for destinations with flat columns (Redshift) or flat mappings (OpenSearch). Arrays are
   * kept as their JSON text. A record whose flattened field would collide with another field fails transformation
   * and Firehose writes it to the sink's S3 bucket with a `processing-failed/` prefix.
   *
   * @default true
   */
  readonly flattenNested?: boolean;
  /**
   * What joins the names of nested fields; not empty, no whitespace.
   *
   * @default "_"
   */
  readonly flattenSeparator?: string;
  /**
   * Top-level fields renamed after flattening, old name to new name, e.g. `{ timestamp: 'event_timestamp' }`.
   *
   * @default - none
   */
  readonly fieldRenames?: { [field: string]: string };
  /**
   * Top-level fields removed after renaming.
   *
   * @default - none
   */
  readonly dropFields?: string[];
  /**
   * Whether each record ends with a newline, as Redshift COPY and line-oriented readers expect.
   *
   * @default true
   */
  readonly newlineDelimited?: boolean;
  /**
   * How much data Firehose gathers before it invokes the function, from 1 to 3 MiB.
   *
   * @default Size.mebibytes(1)
   */
  readonly bufferingSize?: Size;
  /**
   * How long Firehose gathers data before it invokes the function, from 0 to 900 seconds.
   *
   * @default Duration.seconds(60)
   */
  readonly bufferingInterval?: Duration;
}

/**
 * Where a sink's default transformer runs, for sinks that transform records (`OpenSearchSink`, `RedshiftSink`).
 */
export interface TransformerPlacementOptions {
  /**
   * The VPC the sink's default `FirehoseTransformer` runs in (see `FirehoseTransformerProps.vpc`). Not with
   * `transformer`: place a transformer of your own with its own props.
   *
   * @default - outside any VPC
   */
  readonly transformerVpc?: ec2.IVpc;
  /**
   * The subnets of `transformerVpc` the default transformer runs in. Only with `transformerVpc`.
   *
   * @default - the VPC's private subnets with egress, or its isolated subnets if it has none
   */
  readonly transformerVpcSubnets?: ec2.SubnetSelection;
}

/**
 * Properties of a `FirehoseTransformer`.
 */
export interface FirehoseTransformerProps extends FirehoseTransformerOptions {
  /**
   * The customer-managed KMS key that encrypts the function's log group.
   *
   * @default - a new key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * What happens to the log group and key when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * How long the function's logs are kept.
   *
   * @default RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * The VPC to run the function in. The function calls nothing over the network (Firehose invokes it, Lambda delivers
   * its logs and traces), so it needs no endpoint and its default security group allows no traffic at all. Its role
   * gets the network interface permissions Lambda needs, limited to the chosen subnets and security groups.
   *
   * @default - outside any VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * The subnets of `vpc` the function runs in. Only with `vpc`.
   *
   * @default - the VPC's private subnets with egress, or its isolated subnets if it has none
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * The function's security groups. Only with `vpc`.
   *
   * @default - a new security group without any rule: no inbound, no outbound
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/**
 * The Firehose data-transformation Lambda shipped with this library (`lambda-src/firehose-transformer`): flattens
 * nested fields, renames and drops fields, and delimits records with newlines, answering every record id exactly once
 * within Lambda's 6 MB response limit. Give it to a sink's `transformer` prop.
 */
export class FirehoseTransformer extends Construct {
  /** The function Firehose invokes. */
  public readonly function: lambda.IFunction;
  /** The function's log group. */
  public readonly logGroup: logs.ILogGroup;
  /** How much data Firehose gathers before an invocation. */
  public readonly bufferingSize: Size;
  /** How long Firehose gathers data before an invocation. */
  public readonly bufferingInterval: Duration;
  /** Whether each record ends with a newline. */
  public readonly newlineDelimited: boolean;

  constructor(scope: Construct, id: string, props: FirehoseTransformerProps = {}) {
    super(scope, id);
    const defaults = DEFAULTS.transformer;
    this.bufferingSize = props.bufferingSize ?? defaults.bufferingSize;
    this.bufferingInterval = props.bufferingInterval ?? defaults.bufferingInterval;
    this.newlineDelimited = props.newlineDelimited ?? true;
    validateIntegerInRange('FirehoseTransformerProps.bufferingSize (MiB)', this.bufferingSize.toMebibytes(),
      defaults.bufferingSizeMiBRange.min, defaults.bufferingSizeMiBRange.max);
    validateDurationInRange('FirehoseTransformerProps.bufferingInterval', this.bufferingInterval,
      defaults.bufferingIntervalSecondsRange.min, defaults.bufferingIntervalSecondsRange.max, 'seconds');
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const encryptionKey = givenOrNewKey(this, props.encryptionKey, 'the transformer logs', removalPolicy);
    this.logGroup = encryptedLogGroup(this, 'LogGroup', {
      encryptionKey,
      retention: props.logRetention ?? DEFAULTS.logRetention,
      removalPolicy,
    });
    const role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the Firehose transformer ${pathInStack(this)}`,
    });
    grantFunctionLogging(role, this.logGroup);
    for (const name of ['vpcSubnets', 'securityGroups'] as const) {
      if (props[name] !== undefined && props.vpc === undefined) {
        throw new Error(`Invalid FirehoseTransformerProps.${name}: set without vpc. Allowed: only together with FirehoseTransformerProps.vpc.`);
      }
    }
    const network = props.vpc && placeFunctionInVpc(this, role, props.vpc, {
      ...props,
      vpcProp: 'FirehoseTransformerProps.vpc',
      groupDescription: `Firehose transformer ${pathInStack(this)}: no traffic (Firehose invokes it; it calls nothing)`,
    });
    const fn = new lambda.Function(this, 'Function', {
      description: `Transforms records for Firehose delivery: ${pathInStack(this)}`,
      code: lambda.Code.fromAsset(HANDLER_ASSET),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      environment: { ...transformerEnvironment(props), NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: 'firehose-transformer' },
      role,
      memorySize: defaults.memorySizeMiB,
      timeout: defaults.timeout,
      reservedConcurrentExecutions: defaults.reservedConcurrentExecutions,
      // The environment (table and stream names, the record schema) is encrypted with the pipeline key like everything else.
      environmentEncryption: encryptionKey,
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      ...network,
    });
    dropRoleDependency(fn);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Active X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.'
        + (network ? ' In a VPC, the same holds for ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets, which Lambda calls with this role to manage the function\'s network interfaces.' : ''),
    });
    for (const rule of ['Serverless-LambdaDLQ', 'NIST.800.53.R5-LambdaDLQ', 'HIPAA.Security-LambdaDLQ']) {
      Validations.of(fn).acknowledge({
        id: rule,
        reason: 'Firehose invokes the function synchronously and writes records it could not transform to the sink\'s S3 bucket with a processing-failed/ prefix; a function-level DLQ only applies to asynchronous invocations.',
      });
    }
    this.function = fn;
  }
}

/** The handler's configuration (lambda-src/firehose-transformer/config.ts), only what differs from its defaults. */
function transformerEnvironment(props: FirehoseTransformerOptions): Record<string, string> {
  const prop = (name: string) => `FirehoseTransformerProps.${name}`;
  const flatten = props.flattenNested ?? true;
  if (!flatten && props.flattenSeparator !== undefined) {
    throw new Error(`Invalid ${prop('flattenSeparator')}: "${props.flattenSeparator}". Allowed: only with flattenNested true.`);
  }
  if (props.flattenSeparator !== undefined && (props.flattenSeparator === '' || /\s/.test(props.flattenSeparator))) {
    throw new Error(`Invalid ${prop('flattenSeparator')}: "${props.flattenSeparator}". Allowed: one or more characters other than whitespace.`);
  }
  const renames = Object.entries(props.fieldRenames ?? {});
  const badRename = renames.find(([from, to]) => from === to || to.trim() === '' || renames.some(([other]) => other === to)
    || renames.filter(([, target]) => target === to).length > 1);
  if (badRename !== undefined) {
    throw new Error(`Invalid ${prop('fieldRenames')}: "${badRename[0]}" -> "${badRename[1]}". `
      + 'Allowed: each field to a non-blank new name that is not itself renamed and that no other field is renamed to.');
  }
  const drops = props.dropFields ?? [];
  const badDrop = drops.find(field => field.trim() === '' || field.includes(',') || renames.some(([from, to]) => field === from || field === to));
  if (badDrop !== undefined) {
    throw new Error(`Invalid ${prop('dropFields')}: "${badDrop}". Allowed: field names without commas that fieldRenames does not name.`);
  }
  return {
    ...(flatten ? {} : { FLATTEN_NESTED: 'false' }),
    ...(props.flattenSeparator === undefined ? {} : { FLATTEN_SEPARATOR: props.flattenSeparator }),
    ...(renames.length === 0 ? {} : { FIELD_RENAMES: JSON.stringify(props.fieldRenames) }),
    ...(drops.length === 0 ? {} : { DROP_FIELDS: drops.join(',') }),
    ...(props.newlineDelimited === false ? { NEWLINE_DELIMITED: 'false' } : {}),
  };
}

/**
 * A sink's transformer: the given one, or a new one with the sink's key, removal policy and log retention, placed as
 * the sink's props say.
 *
 * @param propsName the sink's props interface, for errors
 */
export function sinkTransformer(
  scope: Construct,
  given: FirehoseTransformer | undefined,
  placement: TransformerPlacementOptions,
  props: FirehoseTransformerProps,
  propsName: string,
): FirehoseTransformer {
  if (given !== undefined && (placement.transformerVpc !== undefined || placement.transformerVpcSubnets !== undefined)) {
    throw new Error(`Invalid ${propsName}.transformerVpc: given with transformer. Allowed: the transformer's own vpc (FirehoseTransformerProps.vpc).`);
  }
  if (placement.transformerVpcSubnets !== undefined && placement.transformerVpc === undefined) {
    throw new Error(`Invalid ${propsName}.transformerVpcSubnets: set without transformerVpc. Allowed: only together with ${propsName}.transformerVpc.`);
  }
  return given ?? new FirehoseTransformer(scope, 'Transformer', {
    ...props,
    vpc: placement.transformerVpc,
    vpcSubnets: placement.transformerVpcSubnets,
  });
}
