import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { formatAcknowledgements, NAG_PACKS, packOfRule } from '../examples/compliance';
import { addExampleStacks } from '../examples/pipeline-stack';
import { synthesizeWithNagPacks } from './support/compliance';

describe('compliance of every preset with five cdk-nag packs', () => {
  const results = synthesizeWithNagPacks((app: App) => addExampleStacks(app));

  test('all three presets were checked', () => {
    expect(results.map(result => result.stackName)).toEqual(['streaming-pipeline-dev', 'streaming-pipeline-staging', 'streaming-pipeline-prod']);
  });

  test.each(NAG_PACKS.map(pack => [pack]))('%s: no unacknowledged finding in any preset', (pack) => {
    const findings = results.flatMap(result => result.findings).filter(finding => finding.pack === pack);
    expect(findings).toEqual([]);
  });

  // aws-cdk-lib acknowledges CloudFormation validation rules itself where it knows them to be false positives.
  const isCloudFormationCheck = (rule: string) => rule.startsWith('CloudFormation-Validate::');

  test('every acknowledgement names one finding and gives a reason a reviewer can check', () => {
    const acknowledgements = results.flatMap(result => result.acknowledgements)
      .filter(acknowledgement => !isCloudFormationCheck(acknowledgement.rule));
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const acknowledgement of acknowledgements) {
      expect(NAG_PACKS).toContain(packOfRule(acknowledgement.rule));
      expect(acknowledgement.reason.length).toBeGreaterThan(60);
    }
  });

  test('the committed register ACKNOWLEDGEMENTS.md lists every acknowledgement: a new one fails until it is reviewed', () => {
    const file = path.join(__dirname, '..', 'ACKNOWLEDGEMENTS.md');
    const expected = formatAcknowledgements(results);
    const committed = fs.existsSync(file) ? fs.readFileSync(file, 'utf-8') : '';
    if (committed !== expected && !process.env.CI) {
      // Outside CI the register is rewritten, so that the difference shows in git for review.
      fs.writeFileSync(file, expected);
    }
    expect(committed).toEqual(expected);
  });

  test('aws-cdk-lib\'s own acknowledgements are only those reviewed: the flow log\'s destination options, zones from the stack', () => {
    const cloudFormationChecks = results.flatMap(result => result.acknowledgements)
      .map(acknowledgement => acknowledgement.rule).filter(isCloudFormationCheck);
    expect([...new Set(cloudFormationChecks)].sort()).toEqual(['F3002', 'F3003', 'W3010'].map(rule => `CloudFormation-Validate::${rule}`));
  });

  test('the NIST, HIPAA and PCI acknowledgements are exactly the exceptions reviewed here', () => {
    const controlPacks: readonly string[] = ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'];
    // Each of these is an exception a reviewer accepted; a new one must be added here on purpose.
    const reviewed = [
      'LambdaDLQ @ Pipeline/Processor/Function', // invoked synchronously by the event source mapping, whose DLQ exists
      'DynamoDBInBackupPlan @ Pipeline/Processor/StateTable', // prod: short-lived state with TTL, PITR on
      'S3DefaultEncryptionKMS @ Pipeline/DataLake/AccessLogsBucket', // access log targets support SSE-S3 only
      'APIGWCacheEnabledAndEncrypted @ Pipeline/HttpIngestion/Api/DeploymentStage.v1', // no cache: PUTs must reach Kinesis
      'APIGWSSLEnabled @ Pipeline/HttpIngestion/Api/DeploymentStage.v1', // client certificates serve HTTP backends, not Kinesis
      'APIGWAssociatedWithWAF @ Pipeline/HttpIngestion/Api/DeploymentStage.v1', // dev and staging: IAM-signed callers only
      'LambdaDLQ @ Pipeline/OpenSearch/Transformer/Function', // invoked synchronously by Firehose, failures kept in S3
      'LambdaDLQ @ Pipeline/OpenSearch/Domain/AccessFunction', // staging, prod: answers CloudFormation itself, which waits for it
      'S3DefaultEncryptionKMS @ Pipeline/OpenSearch/AccessLogsBucket', // access log targets support SSE-S3 only
      'S3BucketReplicationEnabled @ Pipeline/OpenSearch/Bucket', // rejected documents, which the data lake also holds
      'S3BucketReplicationEnabled @ Pipeline/OpenSearch/AccessLogsBucket', // the backup bucket's access logs
      'LambdaDLQ @ Pipeline/Redshift/Transformer/Function', // prod: invoked synchronously by Firehose, failures kept in S3
      'S3DefaultEncryptionKMS @ Pipeline/Redshift/AccessLogsBucket', // prod: access log targets support SSE-S3 only
      'S3BucketReplicationEnabled @ Pipeline/Redshift/Bucket', // prod: staged files and backups; the data lake is replicated
      'S3BucketReplicationEnabled @ Pipeline/Redshift/AccessLogsBucket', // prod: the intermediate bucket's access logs
    ];
    const acknowledged = results.flatMap(result => result.acknowledgements)
      .filter(acknowledgement => controlPacks.includes(packOfRule(acknowledgement.rule)))
      .map(acknowledgement => `${acknowledgement.rule.replace(/^[^-]+(\.[^-]+)*-/, '')} @ ${acknowledgement.path.split('/').slice(1).join('/')}`);
    expect([...new Set(acknowledged)].sort()).toEqual([...reviewed].sort());
  });
});
