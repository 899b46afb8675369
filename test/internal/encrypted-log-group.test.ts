import { RemovalPolicy } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { encryptedLogGroup } from '../../src/internal/encrypted-log-group';
import { newStack, templateOf } from '../support/stack';

describe('encryptedLogGroup', () => {
  test('encrypts with the key and lets only this account\'s log groups use it, once however many groups share it', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    for (const id of ['First', 'Second']) {
      encryptedLogGroup(stack, id, { encryptionKey: key, retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    }
    const template = templateOf(stack);
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', {
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
      RetentionInDays: 30,
    }, 2);
    const [keyResource] = Object.values(template.findResources('AWS::KMS::Key'));
    const logsStatements = keyResource.Properties.KeyPolicy.Statement
      .filter((statement: { Principal: { Service?: unknown } }) => JSON.stringify(statement.Principal.Service ?? '').includes('logs.'));
    expect(logsStatements).toHaveLength(1);
    expect(stack.resolve(logsStatements[0].Condition)).toEqual({
      ArnLike: {
        'kms:EncryptionContext:aws:logs:arn': {
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':log-group:*']],
        },
      },
    });
  });
});
