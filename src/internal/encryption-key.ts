import { RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { pathInStack } from './describe';

/**
 * The given key, or a new customer-managed key with rotation on, created as `Key` inside the scope and
 * described by what it encrypts, e.g. `Encrypts the dead-letter queue of Pipeline/Processor`.
 */
export function givenOrNewKey(scope: Construct, given: kms.IKey | undefined, encrypts: string, removalPolicy?: RemovalPolicy): kms.IKey {
  return given ?? new kms.Key(scope, 'Key', {
    description: `Encrypts ${encrypts} of ${pathInStack(scope)}`,
    enableKeyRotation: true,
    removalPolicy: removalPolicy ?? RemovalPolicy.RETAIN,
  });
}
