import { createHash } from 'crypto';
import { Lazy, Names, Stack, Tags, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct, IConstruct } from 'constructs';
import { AgentConfigInput, KinesisAgentFlow, renderAgentConfig, validateFlows } from './kinesis-agent-config';
import { grantStreamWrite } from './stream-grants';
import { pathInStack } from '../internal/describe';
import { ManagedPolicyRole } from '../internal/managed-policy-role';
import { DEFAULTS } from '../presets/defaults';

/** Longest stream name Kinesis allows; a stream name token is sized as this when choosing the parameter tier. */
const MAX_STREAM_NAME_LENGTH = 128;
/** Generous bound on a regional endpoint URL, for endpoints built from region and URL suffix tokens. */
const MAX_ENDPOINT_LENGTH = 100;
/** EC2 tag keys and values: letters, digits, spaces and these symbols. */
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u;

/**
 * Options of the Kinesis Agent producer, shared by `KinesisAgentProducerProps` and the pipeline's props.
 */
export interface KinesisAgentProducerOptions {
  /** The files the agent tails, all sent to `stream`. At least one. */
  readonly flows: KinesisAgentFlow[];
  /**
   * Whether the agent publishes its metrics (records sent, put failures, ...) to CloudWatch in the
   * `AWSKinesisAgent` namespace. Without them, a host that stops shipping logs goes unnoticed.
   *
   * @default true
   */
  readonly emitMetrics?: boolean;
  /**
   * Whether the instance role gets the AWS managed policy `AmazonSSMManagedInstanceCore`, which the SSM Agent
   * needs to register the host with Systems Manager and run the State Manager association that installs and
   * configures the Kinesis Agent.
   *
   * It is on by default because an instance has one instance profile: without the policy on this role, the
   * association would never reach the hosts. AWS maintains the policy as the SSM Agent changes; it also allows
   * reading any String parameter in the account (`ssm:GetParameter*` on `*`). Turn it off when the account
   * enables Default Host Management Configuration, which gives the SSM Agent its own role, or when you attach an
   * equivalent policy to `role` yourself; the role is then limited to what the Kinesis Agent needs.
   *
   * @default true
   */
  readonly manageInstancesWithSsm?: boolean;
  /**
   * The tag key that selects the hosts the association configures. One key for every producer keeps a host from
   * receiving two producers' configurations, since each would overwrite the other's agent.json.
   *
   * @default 'kinesis-agent'
   */
  readonly targetTagKey?: string;
  /**
   * The tag value that selects this producer's hosts. Tag them with `tagHosts()`, or with
   * `targetTagKey` = `targetTagValue` in your launch template.
   *
   * @default - a value unique to this producer in its account and region, from its construct path
   */
  readonly targetTagValue?: string;
  /**
   * How often State Manager re-applies the configuration, which reinstalls a removed agent and restores a changed
   * agent.json: `rate(N minutes|hours|days)` of at least 30 minutes, or `cron(...)`. A deployment that changes the
   * configuration applies it at once, without waiting for the schedule.
   *
   * @default 'rate(30 minutes)'
   */
  readonly scheduleExpression?: string;
}

/**
 * Properties of a `KinesisAgentProducer`.
 */
export interface KinesisAgentProducerProps extends KinesisAgentProducerOptions {
  /** The stream the agent puts records into. */
  readonly stream: kinesis.IStream;
}

/**
 * What EC2 hosts need to ship log files into a Kinesis stream with the Amazon Kinesis Agent: an instance role and
 * profile, the agent configuration in Parameter Store, and a State Manager association that installs the agent,
 * writes the configuration to /etc/aws-kinesis/agent.json and keeps the agent running.
 *
 * The association runs `AWS-RunShellScript` on hosts tagged `targetTagKey` = `targetTagValue` that run Amazon
 * Linux 2 or Amazon Linux 2023 with the SSM Agent. It installs the agent only when missing (updates are the job of
 * the host's patching), and restarts it only when the configuration changed. Its output stays in Systems Manager
 * (Run Command history, first 2,500 characters); no S3 bucket is created for it.
 *
 * Teams that bake the agent and its configuration into an image use `agentConfig()` or `renderedConfig` instead
 * of the association, and launch hosts with `instanceProfile`.
 */
export class KinesisAgentProducer extends Construct {
  /** The instance role of the hosts: put records, publish agent metrics, read the agent configuration. */
  public readonly role: iam.IRole;
  /** The instance profile to launch hosts with. */
  public readonly instanceProfile: iam.IInstanceProfile;
  /**
   * The agent configuration (agent.json). Standard tier while it fits in 4 KB, Advanced up to 8 KB; Parameter
   * Store cannot move a parameter back from Advanced to Standard, so a configuration that shrank below 4 KB again
   * fails to deploy until the parameter is replaced (e.g. by renaming the producer).
   */
  public readonly configParameter: ssm.IStringParameter;
  /** The State Manager association that installs, configures and starts the agent on the tagged hosts. */
  public readonly association: ssm.CfnAssociation;
  /** The agent configuration as a JSON string; it contains tokens, such as the stream name, until deployment. */
  public readonly renderedConfig: string;
  /** The tag key that selects the hosts. */
  public readonly targetTagKey: string;
  /** The tag value that selects this producer's hosts. */
  public readonly targetTagValue: string;

  private readonly configInput: AgentConfigInput;

  constructor(scope: Construct, id: string, props: KinesisAgentProducerProps) {
    super(scope, id);
    const prop = (name: string) => `KinesisAgentProducerProps.${name}`;
    validateFlows(prop('flows'), props.flows);
    this.targetTagKey = props.targetTagKey ?? DEFAULTS.agent.targetTagKey;
    this.targetTagValue = props.targetTagValue ?? Names.uniqueId(this);
    validateTagKey(prop('targetTagKey'), this.targetTagKey);
    validateTagValue(prop('targetTagValue'), this.targetTagValue);
    const scheduleExpression = props.scheduleExpression ?? DEFAULTS.agent.scheduleExpression;
    validateSchedule(prop('scheduleExpression'), scheduleExpression);
    const emitMetrics = props.emitMetrics ?? DEFAULTS.agent.emitMetrics;
    const manageInstancesWithSsm = props.manageInstancesWithSsm ?? DEFAULTS.agent.manageInstancesWithSsm;

    const stack = Stack.of(this);
    this.configInput = {
      streamName: props.stream.streamName,
      kinesisEndpoint: `https://kinesis.${stack.region}.${stack.urlSuffix}`,
      cloudwatchEndpoint: `https://monitoring.${stack.region}.${stack.urlSuffix}`,
      emitMetrics,
      // A copy: agentConfig() must keep describing what was deployed if the caller's array changes later.
      flows: [...props.flows],
    };
    this.renderedConfig = stack.toJsonString(renderAgentConfig(this.configInput));

    this.configParameter = new ssm.StringParameter(this, 'Config', {
      description: `Kinesis Agent configuration (agent.json) of ${pathInStack(this)}`,
      stringValue: this.renderedConfig,
      tier: parameterTier(prop('flows'), this.configInput),
    });

    const role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `Instance role of the Kinesis Agent hosts of ${pathInStack(this)}`,
      managedPolicies: manageInstancesWithSsm ? [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')] : undefined,
    });
    this.role = role;
    this.instanceProfile = new iam.InstanceProfile(this, 'InstanceProfile', { role });

    grantStreamWrite(props.stream, role);
    // The association's script reads the configuration with the host's credentials.
    this.grantConfigRead(role);
    const resourceStarReasons: string[] = [];
    if (emitMetrics) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': DEFAULTS.agent.metricsNamespace } },
      }));
      resourceStarReasons.push('cloudwatch:PutMetricData supports no resource-level permissions; the statement is limited by '
        + `its cloudwatch:namespace condition to ${DEFAULTS.agent.metricsNamespace}, the Kinesis Agent's own namespace.`);
    }
    if (props.flows.some(flow => flow.dataProcessingOptions?.some(option => option.optionName === 'ADDEC2METADATA'))) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ec2:DescribeTags'], resources: ['*'] }));
      resourceStarReasons.push('ec2:DescribeTags supports no resource-level permissions; the agent reads the host\'s own tags '
        + 'with it for the ADDEC2METADATA option, and it is granted only when a flow uses that option.');
    }
    if (resourceStarReasons.length > 0) {
      Validations.of(role).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: resourceStarReasons.join(' ') });
    }
    if (manageInstancesWithSsm) {
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
        reason: 'The SSM Agent needs this policy to register the host and run the State Manager association that installs and '
          + 'configures the Kinesis Agent; AWS documents it as the minimum for managed instances and updates it as the SSM Agent '
          + 'changes. Accounts with Default Host Management Configuration turn it off with manageInstancesWithSsm: false.',
      });
    }

    this.association = new ssm.CfnAssociation(this, 'Association', {
      name: 'AWS-RunShellScript',
      targets: [{ key: `tag:${this.targetTagKey}`, values: [this.targetTagValue] }],
      scheduleExpression,
      applyOnlyAtCronInterval: false,
      parameters: { commands: this.installCommands(stack) },
    });
  }

  /**
   * The agent configuration (agent.json) as a JSON object, for teams that write it into an image or with
   * CloudFormation init. String values may be tokens, such as the stream name; each call returns a new object.
   */
  public agentConfig(): { [key: string]: any } {
    return renderAgentConfig(this.configInput);
  }

  /**
   * Lets the grantee read the agent configuration: `ssm:GetParameter` on the configuration parameter only.
   */
  public grantConfigRead(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['ssm:GetParameter'],
      resourceArns: [this.configParameter.parameterArn],
    });
  }

  /**
   * Tags the hosts in scope, e.g. an `ec2.Instance` or an auto scaling group (whose instances inherit the tag at
   * launch), so that the association configures them.
   */
  public tagHosts(hosts: IConstruct): void {
    Tags.of(hosts).add(this.targetTagKey, this.targetTagValue);
  }

  private installCommands(stack: Stack): string[] {
    const configFile = DEFAULTS.agent.configFile;
    // A hash of the resolved configuration: changing it updates the association, and State Manager runs an updated
    // association at once instead of at the next scheduled run.
    const revision = Lazy.string({
      produce: () => createHash('sha256').update(JSON.stringify(stack.resolve(this.renderedConfig))).digest('hex').slice(0, 16),
    });
    return [
      `# Kinesis Agent configuration revision ${revision}`,
      'set -eu',
      'if ! rpm -q aws-kinesis-agent >/dev/null 2>&1; then',
      '  if command -v dnf >/dev/null 2>&1; then dnf install -y aws-kinesis-agent; else yum install -y aws-kinesis-agent; fi',
      'fi',
      'config="$(mktemp)"',
      'trap \'rm -f "$config"\' EXIT',
      `aws ssm get-parameter --name '${this.configParameter.parameterName}' --query Parameter.Value --output text --region ${stack.region} > "$config"`,
      `if cmp -s "$config" ${configFile}; then`,
      '  systemctl enable --now aws-kinesis-agent',
      'else',
      `  install -m 0644 "$config" ${configFile}`,
      '  systemctl enable aws-kinesis-agent && systemctl restart aws-kinesis-agent',
      'fi',
    ];
  }
}

/**
 * The cheapest tier the configuration fits in. Tokens count as their longest possible value, so the estimate is
 * never below the deployed size.
 */
function parameterTier(prop: string, input: AgentConfigInput): ssm.ParameterTier {
  const longest = (value: string, maxLength: number) => (Token.isUnresolved(value) ? 'x'.repeat(maxLength) : value);
  const worstCase = renderAgentConfig({
    ...input,
    streamName: longest(input.streamName, MAX_STREAM_NAME_LENGTH),
    kinesisEndpoint: longest(input.kinesisEndpoint, MAX_ENDPOINT_LENGTH),
    cloudwatchEndpoint: longest(input.cloudwatchEndpoint, MAX_ENDPOINT_LENGTH),
  });
  const bytes = Buffer.byteLength(JSON.stringify(worstCase), 'utf8');
  if (bytes <= DEFAULTS.agent.standardParameterMaxBytes) {
    return ssm.ParameterTier.STANDARD;
  }
  if (bytes <= DEFAULTS.agent.advancedParameterMaxBytes) {
    return ssm.ParameterTier.ADVANCED;
  }
  throw new Error(`Invalid ${prop}: ${input.flows.length} flows make an agent configuration of up to ${bytes} bytes. `
    + `Allowed: up to ${DEFAULTS.agent.advancedParameterMaxBytes} bytes, the Parameter Store limit; split the flows over two producers.`);
}

function validateTagKey(prop: string, key: string): void {
  if (Token.isUnresolved(key)) {
    return;
  }
  if (key.length > 128 || !TAG_CHARACTERS.test(key) || key.toLowerCase().startsWith('aws:')) {
    throw new Error(`Invalid ${prop}: "${key}". Allowed: 1 to 128 letters, digits, spaces and _ . : / = + - @, not starting with "aws:".`);
  }
}

function validateTagValue(prop: string, value: string): void {
  if (Token.isUnresolved(value)) {
    return;
  }
  if (value.length > 256 || !TAG_CHARACTERS.test(value)) {
    throw new Error(`Invalid ${prop}: "${value}". Allowed: 1 to 256 letters, digits, spaces and _ . : / = + - @.`);
  }
}

function validateSchedule(prop: string, expression: string): void {
  if (Token.isUnresolved(expression)) {
    return;
  }
  const minutesPerUnit: Record<string, number> = { minute: 1, minutes: 1, hour: 60, hours: 60, day: 1440, days: 1440 };
  const rate = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(expression);
  const minimum = DEFAULTS.agent.scheduleMinimumMinutes;
  if (rate ? Number(rate[1]) * minutesPerUnit[rate[2]] >= minimum : /^cron\(.+\)$/.test(expression)) {
    return;
  }
  throw new Error(`Invalid ${prop}: "${expression}". Allowed: rate(N minutes|hours|days) of at least ${minimum} minutes, or cron(...).`);
}
