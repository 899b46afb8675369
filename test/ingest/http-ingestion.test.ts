import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Period } from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { FieldType, HttpIngestion, HttpIngestionAuth, HttpIngestionProps, IngestStream, RecordSchema } from '../../src';
import { recordBatchJsonSchema } from '../../src/schema/json-schema';
import { synthesizeWithNagPacks } from '../support/compliance';
import { iamStatementsIn, newStack, physicalNamesIn, templateOf } from '../support/stack';

type Options = Omit<HttpIngestionProps, 'stream'>;

function build(options: Options = {}): { stack: Stack; ingestion: HttpIngestion } {
  const stack = newStack();
  const ingest = new IngestStream(stack, 'Ingest');
  return { stack, ingestion: new HttpIngestion(stack, 'Http', { stream: ingest.stream, ...options }) };
}

function ingestionStack(options: Options = {}): { stack: Stack; template: Template; ingestion: HttpIngestion } {
  const built = build(options);
  return { ...built, template: templateOf(built.stack) };
}

/** The resource of the `PUT /<path>` method. */
function putMethod(template: Template, path: 'records' | 'record'): Record<string, any> {
  const methods = Object.values(template.findResources('AWS::ApiGateway::Method', {
    Properties: { HttpMethod: 'PUT', Integration: { Uri: Match.objectLike({}) } },
  }));
  const resources = template.findResources('AWS::ApiGateway::Resource', { Properties: { PathPart: path } });
  const resourceId = Object.keys(resources)[0];
  return methods.find(method => method.Properties.ResourceId.Ref === resourceId)!.Properties;
}

/** A request template with the stream's Ref rendered as `<stream>`. */
function requestTemplate(method: Record<string, any>): string {
  const template = method.Integration.RequestTemplates['application/json'];
  return template['Fn::Join'][1].map((part: unknown) => (typeof part === 'string' ? part : '<stream>')).join('');
}

function responseTemplate(method: Record<string, any>, statusCode: string): string {
  return method.Integration.IntegrationResponses
    .find((response: { StatusCode: string }) => response.StatusCode === statusCode).ResponseTemplates['application/json'];
}

describe('HttpIngestion', () => {
  test('REST API: regional, TLS 1.2+ policy in strict mode, no account-level CloudWatch role, no fixed names', () => {
    const { template } = ingestionStack();
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'] },
      SecurityPolicy: 'SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09',
      EndpointAccessMode: 'STRICT',
      Name: { 'Fn::Join': ['', [{ Ref: 'AWS::StackName' }, '-Http']] },
    });
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    template.resourceCountIs('AWS::IAM::Role', 1);
    expect(physicalNamesIn(template)).toEqual([]);
  });

  test('stage: v1, X-Ray, throttling defaults, error-level execution logs without bodies, metrics, JSON access logs', () => {
    const { template } = ingestionStack();
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      TracingEnabled: true,
      MethodSettings: [{
        HttpMethod: '*',
        ResourcePath: '/*',
        ThrottlingRateLimit: 1000,
        ThrottlingBurstLimit: 2000,
        LoggingLevel: 'ERROR',
        DataTraceEnabled: false,
        MetricsEnabled: true,
      }],
      AccessLogSetting: { DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HttpAccessLogs'), 'Arn'] } },
      CacheClusterEnabled: Match.absent(),
    });
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0];
    const format = JSON.parse(stage.Properties.AccessLogSetting.Format);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
      userArn: '$context.identity.userArn',
      integrationStatus: '$context.integration.status',
      validationError: '$context.error.validationErrorString',
    });
    expect(Object.values(format).every(value => typeof value === 'string')).toBe(true);
    expect(stage.Properties.AccessLogSetting.Format).not.toContain('$context.identity.apiKey"');
  });

  test('log groups: access and execution logs, encrypted, one year, execution group named as API Gateway writes it and created before the stage', () => {
    const { template } = ingestionStack();
    template.resourceCountIs('AWS::Logs::LogGroup', 2);
    template.allResourcesProperties('AWS::Logs::LogGroup', {
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HttpKey'), 'Arn'] },
      RetentionInDays: 365,
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: { 'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: Match.stringLikeRegexp('^HttpApi') }, '/v1']] },
    });
    template.hasResource('AWS::ApiGateway::Stage', { DependsOn: [Match.stringLikeRegexp('^HttpExecutionLogs')] });
    template.hasResource('AWS::KMS::Key', { Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain' });
  });

  test('methods: PUT /records and PUT /record, IAM authorization, body validated against the models', () => {
    const { template } = ingestionStack();
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true, ValidateRequestParameters: true });
    for (const [path, model, action] of [['records', 'RecordsModel', 'PutRecords'], ['record', 'RecordModel', 'PutRecord']] as const) {
      expect(putMethod(template, path)).toMatchObject({
        AuthorizationType: 'AWS_IAM',
        ApiKeyRequired: false,
        RequestValidatorId: { Ref: expect.stringMatching(/^HttpApiBodyValidator/) },
        RequestModels: { 'application/json': { Ref: expect.stringMatching(new RegExp(`^HttpApi${model}`)) } },
        MethodResponses: ['200', '400', '429', '500', '502'].map(StatusCode => ({ StatusCode })),
        Integration: {
          Type: 'AWS',
          IntegrationHttpMethod: 'POST',
          Uri: { 'Fn::Join': ['', expect.arrayContaining([`:kinesis:action/${action}`])] },
          Credentials: { 'Fn::GetAtt': [expect.stringMatching(/^HttpRole/), 'Arn'] },
          PassthroughBehavior: 'NEVER',
          RequestParameters: { 'integration.request.header.Content-Type': "'application/x-amz-json-1.1'" },
        },
      });
    }
    template.resourceCountIs('AWS::ApiGateway::Method', 2);
  });

  test('models: the record schema and the 1-to-500 batch, with the partition key constrained', () => {
    const { template } = ingestionStack();
    const record = RecordSchema.seedEvent().toJsonSchema('user_id');
    template.hasResourceProperties('AWS::ApiGateway::Model', { ContentType: 'application/json', Schema: record });
    template.hasResourceProperties('AWS::ApiGateway::Model', { ContentType: 'application/json', Schema: recordBatchJsonSchema(record) });
  });

  test('request templates render the stream name and the partition key field', () => {
    const { template } = ingestionStack();
    const batch = requestTemplate(putMethod(template, 'records'));
    expect(batch).toContain('"StreamName": "<stream>"');
    expect(batch).toContain('#foreach($record in $input.path(\'$.records\'))');
    expect(batch).toContain('"Data": "$util.base64Encode($input.json("$.records[$foreach.index]"))"');
    expect(batch).toContain('"PartitionKey": $input.json("$.records[$foreach.index].user_id")');
    const single = requestTemplate(putMethod(template, 'record'));
    expect(single).toContain('"StreamName": "<stream>"');
    expect(single).toContain('"Data": "$util.base64Encode($input.json(\'$\'))"');
    expect(single).toContain('"PartitionKey": $input.json(\'$.user_id\')');
    const methods = template.findResources('AWS::ApiGateway::Method');
    for (const method of Object.values(methods)) {
      expect(JSON.stringify(method.Properties.Integration.RequestTemplates)).toMatch(/"Ref":"IngestStream[0-9A-F]+"/);
    }
  });

  test('a custom schema and partition key field reach the model and the templates', () => {
    const recordSchema = RecordSchema.fromFields([
      { name: 'device_id', type: FieldType.STRING, required: true },
      { name: 'reading', type: FieldType.NUMBER, required: true },
    ]);
    const { template } = ingestionStack({ recordSchema, partitionKeyField: 'device_id' });
    expect(requestTemplate(putMethod(template, 'records'))).toContain('$input.json("$.records[$foreach.index].device_id")');
    expect(requestTemplate(putMethod(template, 'record'))).toContain('$input.json(\'$.device_id\')');
    template.hasResourceProperties('AWS::ApiGateway::Model', { Schema: recordSchema.toJsonSchema('device_id') });
  });

  test('integration responses: success passes per-record results back; 4XX and 5XX are selected by status', () => {
    const { template } = ingestionStack();
    const batch = putMethod(template, 'records');
    expect(batch.Integration.IntegrationResponses.map((response: Record<string, unknown>) => [response.SelectionPattern, response.StatusCode]))
      .toEqual([[undefined, '200'], ['4\\d{2}', '400'], ['5\\d{2}', '502']]);
    expect(JSON.parse(responseTemplate(batch, '200').replace(/\$input\.json\('[^']*'\)/g, '0')))
      .toEqual({ FailedRecordCount: 0, Records: 0 });
    expect(responseTemplate(batch, '200')).toBe('{\n  "FailedRecordCount": $input.json(\'$.FailedRecordCount\'),\n  "Records": $input.json(\'$.Records\')\n}');
    expect(responseTemplate(putMethod(template, 'record'), '200')).toContain('"SequenceNumber": $input.json(\'$.SequenceNumber\')');
    expect(responseTemplate(batch, '502')).toContain('"error": "BadGateway"');
  });

  test('Kinesis throttling maps to 429, the API\'s own misconfiguration to 500, other client errors to 400', () => {
    const { template } = ingestionStack();
    const errors = responseTemplate(putMethod(template, 'records'), '400');
    const branches = [...errors.matchAll(/#(?:else)?if\(\$type\.matches\('([^']+)'\)\)\n#set\(\$context\.responseOverride\.status = (\d+)\)/g)]
      .map(([, pattern, status]) => ({ pattern: new RegExp(`^${pattern}$`), status }));
    expect(branches.map(branch => branch.status)).toEqual(['429', '500']);
    // Velocity's String.matches is a full match, like the anchored regex here.
    const statusOf = (type: string) => branches.find(branch => branch.pattern.test(type))?.status ?? '400';
    expect(statusOf('ProvisionedThroughputExceededException')).toBe('429');
    expect(statusOf('LimitExceededException')).toBe('429');
    expect(statusOf('KMSThrottlingException')).toBe('429');
    expect(statusOf('AccessDeniedException')).toBe('500');
    expect(statusOf('ResourceNotFoundException')).toBe('500');
    expect(statusOf('KMSDisabledException')).toBe('500');
    expect(statusOf('KMSOptInRequired')).toBe('500');
    expect(statusOf('InvalidArgumentException')).toBe('400');
    expect(statusOf('ValidationException')).toBe('400');
    expect(errors).toContain('"message": "$!util.escapeJavaScript($input.path(\'$.message\')).replaceAll("\\\\\'", "\'")"');
  });

  test('an invalid body gets 400 with the validator\'s message as JSON', () => {
    const { template } = ingestionStack();
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'BAD_REQUEST_BODY',
      StatusCode: '400',
      ResponseTemplates: { 'application/json': Match.stringLikeRegexp('"\\$context\\.error\\.validationErrorString"') },
    });
    const response = Object.values(template.findResources('AWS::ApiGateway::GatewayResponse'))[0];
    const rendered = response.Properties.ResponseTemplates['application/json']
      .replace('$context.error.messageString', '"Invalid request body"')
      .replace('$context.error.validationErrorString', '[object has missing required properties]')
      .replace('$context.requestId', 'id');
    expect(JSON.parse(rendered)).toEqual({
      error: 'BadRequestBody',
      message: 'Invalid request body',
      validationErrors: '[object has missing required properties]',
      requestId: 'id',
    });
  });

  test('integration role: assumed by API Gateway, one managed policy with exactly the put actions and the stream key', () => {
    const { template } = ingestionStack();
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })] },
      ManagedPolicyArns: Match.absent(),
    });
    template.resourceCountIs('AWS::IAM::Policy', 0);
    expect(iamStatementsIn(template)).toEqual([
      { Action: ['kinesis:PutRecord', 'kinesis:PutRecords'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^IngestStream/), 'Arn'] } },
      { Action: 'kms:GenerateDataKey', Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^IngestKey/), 'Arn'] } },
    ]);
  });

  test('no IAM policy has a wildcard action, with every option on', () => {
    const { stack, ingestion: http } = build({ webAcl: true });
    http.grantInvoke(new iam.Role(stack, 'Producer', { assumedBy: new iam.AccountRootPrincipal() }));
    const actions = iamStatementsIn(templateOf(stack)).flatMap(statement => ([] as string[]).concat(statement.Action));
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter(action => action.includes('*'))).toEqual([]);
  });

  test('grantInvoke: execute-api:Invoke on the two methods of the stage only', () => {
    const { stack, ingestion: http } = build();
    http.grantInvoke(new iam.Role(stack, 'Producer', { assumedBy: new iam.AccountRootPrincipal() }));
    const statement = iamStatementsIn(templateOf(stack)).find(candidate => candidate.Action === 'execute-api:Invoke')!;
    const resources = (statement.Resource as Array<{ 'Fn::Join': [string, unknown[]] }>)
      .map(resource => resource['Fn::Join'][1].filter(part => typeof part === 'string').join('|'));
    expect(resources).toHaveLength(2);
    expect(resources[0]).toMatch(/\/v1\/PUT\/records$/);
    expect(resources[1]).toMatch(/\/v1\/PUT\/record$/);
  });

  test('API key auth: keyed methods without IAM, a usage plan on the stage with the quota, and no grantInvoke', () => {
    const { template, ingestion: http, stack } = ingestionStack({
      auth: HttpIngestionAuth.apiKey({ quota: { limit: 1_000_000, period: Period.DAY } }),
    });
    for (const path of ['records', 'record'] as const) {
      expect(putMethod(template, path)).toMatchObject({ AuthorizationType: 'NONE', ApiKeyRequired: true });
    }
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 1);
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      ApiStages: [{ ApiId: { Ref: Match.stringLikeRegexp('^HttpApi') }, Stage: { Ref: Match.stringLikeRegexp('^HttpApiDeploymentStage') } }],
      Quota: { Limit: 1_000_000, Period: 'DAY' },
    });
    template.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 1);
    expect(http.apiKey).toBeDefined();
    expect(http.usagePlan).toBeDefined();
    expect(() => http.grantInvoke(new iam.Role(stack, 'Producer', { assumedBy: new iam.AccountRootPrincipal() })))
      .toThrow('Invalid HttpIngestion.grantInvoke: the API uses HttpIngestionAuth.apiKey()');
  });

  test('IAM auth has no API key or usage plan', () => {
    const { template, ingestion } = ingestionStack({ auth: HttpIngestionAuth.iam() });
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 0);
    template.resourceCountIs('AWS::ApiGateway::UsagePlan', 0);
    expect(ingestion.apiKey).toBeUndefined();
    expect(ingestion.usagePlan).toBeUndefined();
  });

  test('no web ACL by default', () => {
    const { template, ingestion } = ingestionStack();
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
    expect(ingestion.webAcl).toBeUndefined();
  });

  test('web ACL: regional, rate limit per IP, common rule set that lets batches through, on the stage, logged without credentials', () => {
    const { template, ingestion } = ingestionStack({ webAcl: true });
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({
          Name: 'RateLimitPerIp',
          Priority: 0,
          Action: { Block: {} },
          Statement: { RateBasedStatement: { Limit: 20_000, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } },
        }),
        Match.objectLike({
          Name: 'AWSManagedRulesCommonRuleSet',
          Priority: 1,
          OverrideAction: { None: {} },
          Statement: {
            ManagedRuleGroupStatement: {
              VendorName: 'AWS',
              Name: 'AWSManagedRulesCommonRuleSet',
              RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }],
            },
          },
        }),
      ],
    });
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: { 'Fn::Join': ['', Match.arrayWith([{ Ref: Match.stringLikeRegexp('^HttpApiDeploymentStage') }])] },
      WebACLArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HttpWebAcl'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: { 'Fn::Join': ['', ['aws-waf-logs-', { Ref: 'AWS::StackName' }, '-', { 'Fn::GetAtt': [Match.stringLikeRegexp('^HttpWebAcl'), 'Id'] }]] },
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HttpKey'), 'Arn'] },
      RetentionInDays: 365,
    });
    template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      ResourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HttpWebAcl'), 'Arn'] },
      LogDestinationConfigs: [{ 'Fn::Join': ['', Match.arrayWith([':log-group:', { Ref: Match.stringLikeRegexp('^HttpWebAclLogs') }])] }],
      RedactedFields: ['authorization', 'x-amz-security-token', 'x-api-key'].map(Name => ({ SingleHeader: { Name } })),
    });
    expect(ingestion.webAcl).toBeDefined();
    expect(ingestion.webAclLogGroup).toBeDefined();
    expect(physicalNamesIn(templateOf(Stack.of(ingestion)))).toEqual([]);
  });

  test('explicit props win over defaults', () => {
    const stack = newStack();
    const ingest = new IngestStream(stack, 'Ingest');
    const encryptionKey = new kms.Key(stack, 'LogKey', { enableKeyRotation: true });
    new HttpIngestion(stack, 'Http', {
      stream: ingest.stream,
      stageName: 'prod',
      throttlingRateLimit: 50,
      throttlingBurstLimit: 100,
      webAcl: true,
      rateLimitPerFiveMinutes: 500,
      encryptionKey,
      logRetention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const template = templateOf(stack);
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 })],
    });
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([Match.objectLike({ Statement: { RateBasedStatement: Match.objectLike({ Limit: 500 }) } })]),
    });
    template.resourceCountIs('AWS::KMS::Key', 2);
    template.resourceCountIs('AWS::Logs::LogGroup', 3);
    template.allResources('AWS::Logs::LogGroup', {
      Properties: Match.objectLike({ RetentionInDays: 90, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LogKey'), 'Arn'] } }),
      DeletionPolicy: 'Delete',
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: { 'Fn::Join': ['', ['API-Gateway-Execution-Logs_', Match.anyValue(), '/prod']] },
    });
  });

  test.each([
    [{ throttlingRateLimit: 0 }, 'Invalid HttpIngestionProps.throttlingRateLimit: 0. Allowed: an integer from 1 to 10000.'],
    [{ throttlingRateLimit: 10_001 }, 'Invalid HttpIngestionProps.throttlingRateLimit: 10001. Allowed: an integer from 1 to 10000.'],
    [{ throttlingRateLimit: 1.5 }, 'Invalid HttpIngestionProps.throttlingRateLimit: 1.5. Allowed: an integer from 1 to 10000.'],
    [{ throttlingBurstLimit: 0 }, 'Invalid HttpIngestionProps.throttlingBurstLimit: 0. Allowed: an integer from 1 to 5000.'],
    [{ throttlingBurstLimit: 5_001 }, 'Invalid HttpIngestionProps.throttlingBurstLimit: 5001. Allowed: an integer from 1 to 5000.'],
    [{ webAcl: true, rateLimitPerFiveMinutes: 9 }, 'Invalid HttpIngestionProps.rateLimitPerFiveMinutes: 9. Allowed: an integer from 10 to 2000000000.'],
    [{ rateLimitPerFiveMinutes: 1000 }, 'Invalid HttpIngestionProps.rateLimitPerFiveMinutes: 1000 without a web ACL. Allowed: only with webAcl: true.'],
    [{ stageName: 'v 1' }, 'Invalid HttpIngestionProps.stageName: "v 1". Allowed: 1 to 128 letters, digits, hyphens and underscores.'],
    [{ stageName: '' }, 'Invalid HttpIngestionProps.stageName: "". Allowed: 1 to 128 letters, digits, hyphens and underscores.'],
    [{ partitionKeyField: 'account_id' }, 'Invalid HttpIngestionProps.partitionKeyField: "account_id". Allowed: a string field of the record schema (event_id, event_type, user_id, page).'],
    [{ partitionKeyField: 'timestamp' }, 'Invalid HttpIngestionProps.partitionKeyField: "timestamp" (type timestamp). Allowed: a string field of the record schema (event_id, event_type, user_id, page).'],
  ])('rejects %j', (options, message) => {
    expect(() => ingestionStack(options as Options)).toThrow(message);
  });

  test('url is the stage\'s HTTPS base URL', () => {
    const { stack, ingestion: http } = build();
    expect(stack.resolve(http.url)).toEqual({
      'Fn::Join': ['', ['https://', { Ref: expect.stringMatching(/^HttpApi/) }, '.execute-api.', { Ref: 'AWS::Region' }, '.',
        { Ref: 'AWS::URLSuffix' }, '/', { Ref: expect.stringMatching(/^HttpApiDeploymentStagev1/) }, '/']],
    });
  });

  test.each([
    ['metricClientErrors', '4XXError', 'Sum'],
    ['metricServerErrors', '5XXError', 'Sum'],
    ['metricLatency', 'Latency', 'p99'],
  ] as const)('%s: API Gateway %s by API name and stage, %s over 5 minutes', (method, metricName, statistic) => {
    const { stack, ingestion } = ingestionStack();
    const metric = ingestion[method]();
    expect(metric.namespace).toBe('AWS/ApiGateway');
    expect(metric.metricName).toBe(metricName);
    expect(metric.statistic).toBe(statistic);
    expect(metric.period.toSeconds()).toBe(300);
    expect(stack.resolve(metric.dimensions)).toEqual({
      ApiName: { 'Fn::Join': ['', [{ Ref: 'AWS::StackName' }, '-Http']] },
      Stage: 'v1',
    });
    expect(ingestion[method]({ period: Duration.minutes(1) }).period.toSeconds()).toBe(60);
  });
});

describe('HttpIngestion compliance with five cdk-nag packs', () => {
  const check = (options: Options) => synthesizeWithNagPacks((app: App) => {
    const stack = new Stack(app, 'HttpIngestionStack');
    const ingest = new IngestStream(stack, 'Ingest');
    new HttpIngestion(stack, 'Http', { stream: ingest.stream, ...options });
    return [stack];
  })[0];

  test.each([
    ['default props', {}],
    ['the web ACL on', { webAcl: true }],
    ['the web ACL on and API keys', { webAcl: true, auth: HttpIngestionAuth.apiKey() }],
  ])('with %s: no unacknowledged finding except, with API keys, the authorization ones', (_, options: Options) => {
    const { findings, acknowledgements } = check(options);
    const expected = options.auth === undefined ? [] : [
      'AwsSolutions-APIG4 HttpIngestionStack/Http/Api/Default/record/PUT/Resource',
      'AwsSolutions-APIG4 HttpIngestionStack/Http/Api/Default/records/PUT/Resource',
      'AwsSolutions-COG4 HttpIngestionStack/Http/Api/Default/record/PUT/Resource',
      'AwsSolutions-COG4 HttpIngestionStack/Http/Api/Default/records/PUT/Resource',
    ];
    expect(findings.map(finding => `${finding.rule} ${finding.path}`).sort()).toEqual(expected);
    for (const acknowledgement of acknowledgements) {
      expect(acknowledgement.reason.length).toBeGreaterThan(60);
    }
  });

  test('acknowledgements: cache and client certificate on the stage, Cognito on IAM methods, WAF only when off with IAM', () => {
    const rulesOf = (options: Options) => check(options).acknowledgements
      .filter(acknowledgement => acknowledgement.path.startsWith('HttpIngestionStack/Http'))
      .map(acknowledgement => `${acknowledgement.rule} ${acknowledgement.path.replace('HttpIngestionStack/Http/', '')}`)
      .sort();
    const stageRules = ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321']
      .flatMap(pack => [`${pack}-APIGWCacheEnabledAndEncrypted`, `${pack}-APIGWSSLEnabled`]);
    const cognito = ['record', 'records'].map(path => `AwsSolutions-COG4 Api/Default/${path}/PUT`);
    const waf = ['AwsSolutions-APIG3', 'NIST.800.53.R5-APIGWAssociatedWithWAF', 'PCI.DSS.321-APIGWAssociatedWithWAF'];
    const onStage = (rules: string[]) => rules.map(rule => `${rule} Api/DeploymentStage.v1`);
    expect(rulesOf({})).toEqual([...cognito, ...onStage([...stageRules, ...waf])].sort());
    expect(rulesOf({ webAcl: true })).toEqual([...cognito, ...onStage(stageRules)].sort());
    expect(rulesOf({ auth: HttpIngestionAuth.apiKey() })).toEqual(onStage(stageRules).sort());
  });
});
