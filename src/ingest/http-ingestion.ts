import { ArnFormat, Aws, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { grantStreamWrite, PUT_ACTIONS } from './stream-grants';
import { pathInStack } from '../internal/describe';
import { encryptedLogGroup } from '../internal/encrypted-log-group';
import { givenOrNewKey } from '../internal/encryption-key';
import { ManagedPolicyRole } from '../internal/managed-policy-role';
import { validateIntegerInRange } from '../internal/validation';
import { DEFAULTS } from '../presets/defaults';
import { recordBatchJsonSchema, validatePartitionKeyField } from '../schema/json-schema';
import { RecordSchema } from '../schema/record-schema';

/**
 * Options of an API key and its usage plan.
 */
export interface HttpIngestionApiKeyOptions {
  /**
   * How many requests the key may make per day, week or month.
   *
   * @default - no quota; the stage throttling still applies
   */
  readonly quota?: apigateway.QuotaSettings;
}

/**
 * How callers of an `HttpIngestion` authenticate.
 */
export class HttpIngestionAuth {
  /**
   * Requests signed with AWS Signature Version 4 by IAM principals allowed `execute-api:Invoke` on the API's
   * methods, for example with `HttpIngestion.grantInvoke`. Unsigned requests are rejected before they reach
   * Kinesis.
   */
  public static iam(): HttpIngestionAuth {
    return new HttpIngestionAuth(false);
  }

  /**
   * Requests that carry an API key in the `x-api-key` header, metered by a usage plan. For producers that cannot
   * sign requests, such as browsers and devices.
   *
   * An API key identifies a caller for metering; it is not a credential, so AWS advises against it as the only
   * authorization. The cdk-nag findings this raises (AwsSolutions-APIG4 and -COG4, and the WAF findings unless
   * `webAcl` is on) are left for the deployer to accept or to answer with an authorizer.
   */
  public static apiKey(options: HttpIngestionApiKeyOptions = {}): HttpIngestionAuth {
    return new HttpIngestionAuth(true, options.quota);
  }

  /** Whether callers present an API key instead of a SigV4 signature. */
  public readonly apiKeyRequired: boolean;
  /**
   * The usage plan's quota, for API keys.
   *
   * @default - no quota
   */
  public readonly quota?: apigateway.QuotaSettings;

  private constructor(apiKeyRequired: boolean, quota?: apigateway.QuotaSettings) {
    this.apiKeyRequired = apiKeyRequired;
    this.quota = quota;
  }
}

/**
 * Options of the HTTP front door, shared by `HttpIngestionProps` and the pipeline's props.
 */
export interface HttpIngestionOptions {
  /**
   * How callers authenticate.
   *
   * @default HttpIngestionAuth.iam()
   */
  readonly auth?: HttpIngestionAuth;
  /**
   * Steady-state requests per second the stage accepts before it answers 429, from 1 to 10,000.
   *
   * @default 1000
   */
  readonly throttlingRateLimit?: number;
  /**
   * Requests the stage accepts at once above the steady rate, from 1 to 5,000.
   *
   * @default 2000
   */
  readonly throttlingBurstLimit?: number;
  /**
   * Whether to put an AWS WAF web ACL in front of the stage: a rate limit per client IP address and the AWS
   * managed common rule set, with logs to an encrypted log group. Costs a monthly fee per web ACL and rule plus
   * a fee per million requests. On deployment, WAF adds a CloudWatch Logs resource policy for its log delivery,
   * which needs `logs:PutResourcePolicy` for the deploying role.
   *
   * @default false
   */
  readonly webAcl?: boolean;
  /**
   * Requests one IP address may make in 5 minutes before the web ACL blocks it, from 10 to 2,000,000,000.
   * Only with `webAcl`.
   *
   * @default 20000
   */
  readonly rateLimitPerFiveMinutes?: number;
  /**
   * The stage name, the first segment of the URL path. Letters, digits, hyphens and underscores, up to 128.
   *
   * @default 'v1'
   */
  readonly stageName?: string;
  /**
   * How long access, execution and WAF logs are kept.
   *
   * @default RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Properties of an `HttpIngestion`.
 */
export interface HttpIngestionProps extends HttpIngestionOptions {
  /** The stream that accepted records are put into. */
  readonly stream: kinesis.IStream;
  /**
   * The schema request bodies are validated against before they reach Kinesis.
   *
   * @default RecordSchema.seedEvent()
   */
  readonly recordSchema?: RecordSchema;
  /**
   * The string field of a record whose value becomes its Kinesis partition key. Requests whose records lack it,
   * or carry an empty or longer than 256 characters value, are rejected with 400.
   *
   * @default 'user_id'
   */
  readonly partitionKeyField?: string;
  /**
   * The customer-managed KMS key that encrypts the API's log groups.
   *
   * @default - a new key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * What happens to the key and log groups when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Kinesis error types that mean "slow down": the caller should retry after a backoff. */
const THROTTLING_ERROR_PATTERN = '.*(ProvisionedThroughputExceeded|LimitExceeded|KMSThrottling)Exception';
/** Kinesis error types that mean the API's own role, stream or key is broken: nothing the caller can fix. */
const CONFIGURATION_ERROR_PATTERN = '.*(AccessDeniedException|ResourceNotFoundException|ResourceInUseException|KMS[A-Za-z]+)';

/**
 * Kinesis answers every client-side error, throttling included, with HTTP 400; selection patterns only see
 * that status, so this template tells the cases apart by the error type and overrides the status.
 */
const CLIENT_ERROR_TEMPLATE = String.raw`#set($type = $input.path('$.__type'))
#if($type.matches('${THROTTLING_ERROR_PATTERN}'))
#set($context.responseOverride.status = 429)
{"error": "Throttled", "message": "The stream is at its write capacity; retry the request, or the failed records, with exponential backoff.", "type": "$type", "requestId": "$context.requestId"}
#elseif($type.matches('${CONFIGURATION_ERROR_PATTERN}'))
#set($context.responseOverride.status = 500)
{"error": "InternalServerError", "message": "The API cannot write to its stream; retrying will not help until its operators fix it.", "type": "$type", "requestId": "$context.requestId"}
#else
{"error": "BadRequest", "message": "$!util.escapeJavaScript($input.path('$.message')).replaceAll("\\'", "'")", "type": "$!type", "requestId": "$context.requestId"}
#end`;

const SERVER_ERROR_TEMPLATE = String.raw`{"error": "BadGateway", "message": "Kinesis failed to process the request; retry it with exponential backoff.", "type": "$!input.path('$.__type')", "requestId": "$context.requestId"}`;

const PUT_RECORDS_RESPONSE_TEMPLATE = String.raw`{
  "FailedRecordCount": $input.json('$.FailedRecordCount'),
  "Records": $input.json('$.Records')
}`;

const PUT_RECORD_RESPONSE_TEMPLATE = String.raw`{
  "SequenceNumber": $input.json('$.SequenceNumber'),
  "ShardId": $input.json('$.ShardId')
}`;

/** `$context.error.messageString` is already a quoted JSON string; the validation string is not. */
const BAD_REQUEST_BODY_TEMPLATE = String.raw`{"error": "BadRequestBody", "message": $context.error.messageString, "validationErrors": "$context.error.validationErrorString", "requestId": "$context.requestId"}`;

/** Every value is a quoted string, so each line is valid JSON whatever API Gateway substitutes. */
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  caller: '$context.identity.caller',
  userArn: '$context.identity.userArn',
  apiKeyId: '$context.identity.apiKeyId',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  protocol: '$context.protocol',
  tlsVersion: '$context.tlsVersion',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integration.status',
  integrationLatency: '$context.integration.latency',
  integrationError: '$context.integration.error',
  errorType: '$context.error.responseType',
  error: '$context.error.message',
  validationError: '$context.error.validationErrorString',
  wafStatus: '$context.waf.status',
  xrayTraceId: '$context.xrayTraceId',
});

/** Headers that carry credentials and must not reach the WAF logs. */
const REDACTED_HEADERS = ['authorization', 'x-amz-security-token', 'x-api-key'];

const STAGE_NAME_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * An HTTPS endpoint that puts records into a Kinesis stream: an API Gateway REST API with AWS service
 * integrations, so no function runs in the request path.
 *
 * - `PUT {url}records` with `{ "records": [ <record>, ... ] }` (1 to 500 records) calls PutRecords and answers
 *   200 with `FailedRecordCount` and, per record in request order, `SequenceNumber` and `ShardId` or
 *   `ErrorCode` and `ErrorMessage`: retry only the records with an `ErrorCode`.
 * - `PUT {url}record` with one record calls PutRecord and answers 200 with `SequenceNumber` and `ShardId`.
 *
 * Bodies are validated against the record schema (JSON Schema draft-04) before Kinesis is called; an invalid
 * body gets 400 with the validator's message in `validationErrors`. Kinesis errors are mapped as follows, each
 * with a JSON body of `error`, `message`, `type` (the Kinesis error type) and `requestId`:
 *
 * | Kinesis answer | Status |
 * |---|---|
 * | ProvisionedThroughputExceeded, LimitExceeded, KMSThrottling | 429, retry with backoff |
 * | AccessDenied, ResourceNotFound, ResourceInUse, other KMS errors: the API's own configuration | 500 |
 * | any other 4xx, e.g. a record above the Kinesis size limit | 400 with the Kinesis message |
 * | 5xx | 502, retry with backoff |
 *
 * Stage throttling answers 429 as well, and a missing or invalid signature or API key 403.
 *
 * The stage writes JSON access logs and execution logs (level ERROR, without request bodies) to log groups
 * encrypted with a customer-managed key, and traces with X-Ray. Both logs need the account's API Gateway
 * CloudWatch Logs role (`AWS::ApiGateway::Account`), a setting shared by every API in the region: this construct
 * does not set it, because a second owner would overwrite the landing zone's role and deleting any one stack that
 * set it would break logging for all APIs. Without it, deploying the stage fails with "CloudWatch Logs role ARN
 * must be set in account settings".
 */
export class HttpIngestion extends Construct {
  /** The REST API. */
  public readonly api: apigateway.IRestApi;
  /** The deployed stage. */
  public readonly stage: apigateway.IStage;
  /** The stage's base URL, ending in `/`; records go to `${url}records` and `${url}record`. */
  public readonly url: string;
  /** The role API Gateway assumes to put records. */
  public readonly role: iam.IRole;
  /** The key that encrypts the log groups. */
  public readonly encryptionKey: kms.IKey;
  /** JSON access logs, one line per request. */
  public readonly accessLogGroup: logs.ILogGroup;
  /** API Gateway execution logs of the stage (errors only). */
  public readonly executionLogGroup: logs.ILogGroup;
  /**
   * The WAF web ACL in front of the stage.
   *
   * @default - none unless `webAcl` is set
   */
  public readonly webAcl?: wafv2.CfnWebACL;
  /**
   * Logs of the WAF web ACL.
   *
   * @default - none unless `webAcl` is set
   */
  public readonly webAclLogGroup?: logs.ILogGroup;
  /**
   * The usage plan of the API key.
   *
   * @default - none unless `auth` is `HttpIngestionAuth.apiKey()`
   */
  public readonly usagePlan?: apigateway.IUsagePlan;
  /**
   * The API key callers present in `x-api-key`; read its value with `aws apigateway get-api-key --include-value`.
   *
   * @default - none unless `auth` is `HttpIngestionAuth.apiKey()`
   */
  public readonly apiKey?: apigateway.IApiKey;

  private readonly restApi: apigateway.RestApi;
  private readonly stageName: string;
  private readonly auth: HttpIngestionAuth;

  constructor(scope: Construct, id: string, props: HttpIngestionProps) {
    super(scope, id);
    const options = resolveOptions(props);
    this.auth = options.auth;
    this.stageName = options.stageName;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.encryptionKey = givenOrNewKey(this, props.encryptionKey, 'the HTTP ingestion API logs', removalPolicy);
    const logProps = { encryptionKey: this.encryptionKey, retention: options.logRetention, removalPolicy };

    this.accessLogGroup = encryptedLogGroup(this, 'AccessLogs', logProps);
    const api = new apigateway.RestApi(this, 'Api', {
      // A token, so that the template has no fixed name and names stay distinct across stacks.
      restApiName: `${Aws.STACK_NAME}-${pathInStack(this).replace(/\//g, '-')}`,
      description: `Puts records into the Kinesis stream of the streaming pipeline ${pathInStack(this)}`,
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      cloudWatchRole: false,
      deployOptions: {
        stageName: options.stageName,
        throttlingRateLimit: options.throttlingRateLimit,
        throttlingBurstLimit: options.throttlingBurstLimit,
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        // Request and response bodies are the records: personal data that does not belong in logs.
        dataTraceEnabled: false,
        accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: apigateway.AccessLogFormat.custom(ACCESS_LOG_FORMAT),
      },
    });
    const cfnApi = api.node.defaultChild as apigateway.CfnRestApi;
    // A regional API accepts TLS 1.0 by default; this policy allows TLS 1.2 and 1.3 with forward secrecy only.
    cfnApi.securityPolicy = apigateway.SecurityPolicy.TLS13_1_2_PFS_PQ_2025_09;
    cfnApi.endpointAccessMode = apigateway.EndpointAccessMode.STRICT;
    this.restApi = api;
    this.api = api;
    this.stage = api.deploymentStage;
    this.url = api.url;

    // Created here rather than by API Gateway on first use, so that it is encrypted and expires.
    const executionLogGroup = encryptedLogGroup(this, 'ExecutionLogs', logProps);
    (executionLogGroup.node.defaultChild as logs.CfnLogGroup).logGroupName =
      `API-Gateway-Execution-Logs_${api.restApiId}/${options.stageName}`;
    api.deploymentStage.node.addDependency(executionLogGroup);
    this.executionLogGroup = executionLogGroup;

    const role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description: `Puts records of the HTTP ingestion API ${pathInStack(this)} into its Kinesis stream`,
    });
    // API Gateway only puts: it never lists shards or describes the stream.
    grantStreamWrite(props.stream, role, PUT_ACTIONS);
    this.role = role;

    const recordModel = api.addModel('RecordModel', {
      contentType: 'application/json',
      description: 'One record',
      schema: options.recordJsonSchema as apigateway.JsonSchema,
    });
    const batchModel = api.addModel('RecordsModel', {
      contentType: 'application/json',
      description: 'A batch of 1 to 500 records',
      schema: recordBatchJsonSchema(options.recordJsonSchema) as apigateway.JsonSchema,
    });
    // cdk-nag asks for parameter validation too; these methods take no parameters, so it costs nothing.
    const validator = api.addRequestValidator('BodyValidator', { validateRequestBody: true, validateRequestParameters: true });
    api.addGatewayResponse('BadRequestBody', {
      type: apigateway.ResponseType.BAD_REQUEST_BODY,
      statusCode: '400',
      templates: { 'application/json': BAD_REQUEST_BODY_TEMPLATE },
    });

    const streamName = props.stream.streamName;
    const field = options.partitionKeyField;
    const methods = [
      api.root.addResource('records').addMethod('PUT', this.integration('PutRecords', String.raw`{
  "StreamName": "${streamName}",
  "Records": [
#foreach($record in $input.path('$.records'))
    {
      "Data": "$util.base64Encode($input.json("$.records[$foreach.index]"))",
      "PartitionKey": $input.json("$.records[$foreach.index].${field}")
    }#if($foreach.hasNext),#end
#end
  ]
}`, PUT_RECORDS_RESPONSE_TEMPLATE), this.methodOptions(batchModel, validator)),
      api.root.addResource('record').addMethod('PUT', this.integration('PutRecord', String.raw`{
  "StreamName": "${streamName}",
  "Data": "$util.base64Encode($input.json('$'))",
  "PartitionKey": $input.json('$.${field}')
}`, PUT_RECORD_RESPONSE_TEMPLATE), this.methodOptions(recordModel, validator)),
    ];

    if (options.auth.apiKeyRequired) {
      const apiKey = new apigateway.ApiKey(this, 'ApiKey', {
        description: `Key of the HTTP ingestion API ${pathInStack(this)}`,
      });
      const usagePlan = new apigateway.UsagePlan(this, 'UsagePlan', {
        description: `Usage plan of the HTTP ingestion API ${pathInStack(this)}`,
        apiStages: [{ api, stage: api.deploymentStage }],
        quota: options.auth.quota,
      });
      usagePlan.addApiKey(apiKey);
      this.apiKey = apiKey;
      this.usagePlan = usagePlan;
    } else {
      for (const method of methods) {
        Validations.of(method).acknowledge({
          id: 'AwsSolutions-COG4',
          reason: 'The method uses IAM authorization: callers are AWS principals (producer services) that sign requests with SigV4 and need execute-api:Invoke on this method; a Cognito user pool authenticates end users, who do not call this API.',
        });
      }
    }

    if (options.webAcl) {
      const { webAcl, logGroup } = this.addWebAcl(options.rateLimitPerFiveMinutes, logProps);
      this.webAcl = webAcl;
      this.webAclLogGroup = logGroup;
    } else if (!options.auth.apiKeyRequired) {
      for (const rule of ['AwsSolutions-APIG3', 'NIST.800.53.R5-APIGWAssociatedWithWAF', 'PCI.DSS.321-APIGWAssociatedWithWAF']) {
        Validations.of(this.stage).acknowledge({
          id: rule,
          reason: 'The web ACL is off (HttpIngestionProps.webAcl is false, the default; production presets turn it on). Every method requires IAM authorization, so API Gateway rejects unsigned requests before they reach Kinesis, and bodies are validated against the record schema and the stage is throttled. With API keys this acknowledgement is not given.',
        });
      }
    }

    for (const pack of ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321']) {
      Validations.of(this.stage).acknowledge({
        id: `${pack}-APIGWCacheEnabledAndEncrypted`,
        reason: 'Caching is off, so there is no cache to encrypt: the API only has PUT methods that write to Kinesis, and a cached response would acknowledge records that were never written.',
      });
      Validations.of(this.stage).acknowledge({
        id: `${pack}-APIGWSSLEnabled`,
        reason: 'A client certificate lets an HTTP backend verify that calls come from API Gateway. The only backend is the Kinesis API, an AWS service integration that API Gateway calls over TLS with SigV4 signed by the integration role; it does not use client certificates. Callers reach the API over TLS 1.2 or 1.3 only (security policy SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09).',
      });
    }
  }

  /**
   * Lets an IAM principal call `PUT /records` and `PUT /record` of this stage (`execute-api:Invoke` on these two
   * methods only). Only with `HttpIngestionAuth.iam()`.
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    if (this.auth.apiKeyRequired) {
      throw new Error('Invalid HttpIngestion.grantInvoke: the API uses HttpIngestionAuth.apiKey(), which IAM permissions do not affect. Allowed: with HttpIngestionAuth.iam() only; API key callers need the key instead.');
    }
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: ['/records', '/record'].map(path => this.restApi.arnForExecuteApi('PUT', path, this.stageName)),
    });
  }

  /**
   * Requests answered with a 4XX status: invalid bodies, failed authentication, throttling (sum over the period).
   *
   * @default - sum over 5 minutes
   */
  public metricClientErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('4XXError', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  /**
   * Requests answered with a 5XX status: Kinesis failures and configuration errors (sum over the period).
   *
   * @default - sum over 5 minutes
   */
  public metricServerErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('5XXError', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  /**
   * Requests received (sum over the period).
   *
   * @default - sum over 5 minutes
   */
  public metricRequests(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Count', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  /**
   * Time from receiving a request to answering it, Kinesis call included (99th percentile over the period).
   *
   * @default - p99 over 5 minutes
   */
  public metricLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Latency', { statistic: cloudwatch.Stats.p(99), ...props });
  }

  private metric(metricName: string, props: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/ApiGateway',
      metricName,
      dimensionsMap: { ApiName: this.restApi.restApiName, Stage: this.stageName },
      ...props,
    });
  }

  private integration(action: string, requestTemplate: string, responseTemplate: string): apigateway.AwsIntegration {
    return new apigateway.AwsIntegration({
      service: 'kinesis',
      action,
      integrationHttpMethod: 'POST',
      options: {
        credentialsRole: this.role,
        // Bodies of other content types have no model to be validated against, so they are refused (415).
        passthroughBehavior: apigateway.PassthroughBehavior.NEVER,
        requestParameters: { 'integration.request.header.Content-Type': "'application/x-amz-json-1.1'" },
        requestTemplates: { 'application/json': requestTemplate },
        integrationResponses: [
          { statusCode: '200', responseTemplates: { 'application/json': responseTemplate } },
          { selectionPattern: '4\\d{2}', statusCode: '400', responseTemplates: { 'application/json': CLIENT_ERROR_TEMPLATE } },
          { selectionPattern: '5\\d{2}', statusCode: '502', responseTemplates: { 'application/json': SERVER_ERROR_TEMPLATE } },
        ],
      },
    });
  }

  private methodOptions(model: apigateway.IModel, requestValidator: apigateway.IRequestValidator): apigateway.MethodOptions {
    return {
      authorizationType: this.auth.apiKeyRequired ? apigateway.AuthorizationType.NONE : apigateway.AuthorizationType.IAM,
      apiKeyRequired: this.auth.apiKeyRequired,
      requestModels: { 'application/json': model },
      requestValidator,
      // 429 and 500 are reached through a status override in the 4XX response template.
      methodResponses: ['200', '400', '429', '500', '502'].map(statusCode => ({ statusCode })),
    };
  }

  private addWebAcl(rateLimit: number, logProps: { encryptionKey: kms.IKey; retention: logs.RetentionDays; removalPolicy: RemovalPolicy }) {
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    const webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      description: `Protects the HTTP ingestion API ${pathInStack(this)}`,
      defaultAction: { allow: {} },
      visibilityConfig: visibility('HttpIngestion'),
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: rateLimit, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
        {
          name: 'AWSManagedRulesCommonRuleSet',
          priority: 1,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name: 'AWSManagedRulesCommonRuleSet',
              // The set blocks bodies above 8 KB, which a batch of records exceeds; the request model and
              // API Gateway's 10 MB payload limit bound the body instead.
              ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }],
            },
          },
          visibilityConfig: visibility('AWSManagedRulesCommonRuleSet'),
        },
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.restApi.deploymentStage.stageArn,
      webAclArn: webAcl.attrArn,
    });

    const logGroup = encryptedLogGroup(this, 'WebAclLogs', logProps);
    // WAF only logs to groups named aws-waf-logs-*; the web ACL's id keeps the name unique even when a retained
    // group of an earlier deployment is still there.
    const logGroupName = `aws-waf-logs-${Aws.STACK_NAME}-${webAcl.attrId}`;
    (logGroup.node.defaultChild as logs.CfnLogGroup).logGroupName = logGroupName;
    new wafv2.CfnLoggingConfiguration(this, 'WebAclLogging', {
      resourceArn: webAcl.attrArn,
      // WAF wants the log group ARN without the `:*` suffix that the log group's Arn attribute has.
      logDestinationConfigs: [Stack.of(this).formatArn({
        service: 'logs',
        resource: 'log-group',
        resourceName: logGroup.logGroupName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      })],
      redactedFields: REDACTED_HEADERS.map(name => ({ singleHeader: { Name: name } })),
    });
    return { webAcl, logGroup };
  }
}

function resolveOptions(props: HttpIngestionProps) {
  const defaults = DEFAULTS.http;
  const prop = (name: string) => `HttpIngestionProps.${name}`;
  const schema = props.recordSchema ?? RecordSchema.seedEvent();
  const partitionKeyField = props.partitionKeyField ?? defaults.partitionKeyField;
  validatePartitionKeyField(prop('partitionKeyField'), schema.fields, partitionKeyField);
  const resolved = {
    partitionKeyField,
    recordJsonSchema: schema.toJsonSchema(partitionKeyField),
    auth: props.auth ?? HttpIngestionAuth.iam(),
    stageName: props.stageName ?? defaults.stageName,
    throttlingRateLimit: props.throttlingRateLimit ?? defaults.throttlingRateLimit,
    throttlingBurstLimit: props.throttlingBurstLimit ?? defaults.throttlingBurstLimit,
    webAcl: props.webAcl ?? false,
    rateLimitPerFiveMinutes: props.rateLimitPerFiveMinutes ?? defaults.webAclRateLimitPerFiveMinutes,
    logRetention: props.logRetention ?? DEFAULTS.logRetention,
  };
  if (!STAGE_NAME_PATTERN.test(resolved.stageName)) {
    throw new Error(`Invalid ${prop('stageName')}: "${resolved.stageName}". Allowed: 1 to 128 letters, digits, hyphens and underscores.`);
  }
  validateIntegerInRange(prop('throttlingRateLimit'), resolved.throttlingRateLimit,
    defaults.throttlingRateLimitRange.min, defaults.throttlingRateLimitRange.max);
  validateIntegerInRange(prop('throttlingBurstLimit'), resolved.throttlingBurstLimit,
    defaults.throttlingBurstLimitRange.min, defaults.throttlingBurstLimitRange.max);
  if (!resolved.webAcl && props.rateLimitPerFiveMinutes !== undefined) {
    throw new Error(`Invalid ${prop('rateLimitPerFiveMinutes')}: ${props.rateLimitPerFiveMinutes} without a web ACL. Allowed: only with webAcl: true.`);
  }
  validateIntegerInRange(prop('rateLimitPerFiveMinutes'), resolved.rateLimitPerFiveMinutes,
    defaults.webAclRateLimitRange.min, defaults.webAclRateLimitRange.max);
  return resolved;
}
