import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * A resource ARN as cdk-nag spells it inside a finding id such as `AwsSolutions-IAM5[Resource::...]`:
 * references become `<LogicalId>` or `<LogicalId.Attribute>` and joins are flattened. Acknowledging one
 * exact finding needs this spelling.
 */
export function nagResourceName(scope: IConstruct, arn: string): string {
  return flatten(Stack.of(scope).resolve(arn));
}

function flatten(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  const intrinsic = value as { 'Fn::Join'?: [string, unknown[]]; 'Ref'?: string; 'Fn::GetAtt'?: string[] };
  if (intrinsic['Fn::Join']) {
    const [separator, parts] = intrinsic['Fn::Join'];
    return parts.map(flatten).join(separator);
  }
  if (intrinsic.Ref) {
    return `<${intrinsic.Ref}>`;
  }
  if (intrinsic['Fn::GetAtt']) {
    return `<${intrinsic['Fn::GetAtt'].join('.')}>`;
  }
  return JSON.stringify(value);
}
