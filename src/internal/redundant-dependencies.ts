import { CfnResource, Lazy, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/**
 * Drops a function's `DependsOn` its role, which its `Role: GetAtt` already enforces (cfn-lint W3005): aws-cdk-lib's
 * Function depends on its role construct. The other dependencies, e.g. on the role's policies, stay.
 */
export function dropRoleDependency(fn: lambda.Function): void {
  const resource = fn.node.defaultChild as CfnResource;
  const role = fn.role?.node.defaultChild;
  if (!(role instanceof CfnResource)) {
    return;
  }
  // Construct dependencies become resource dependencies only when the app is prepared, so the list is rendered late.
  resource.addOverride('DependsOn', Lazy.any({
    produce: () => {
      const kept = resource.obtainDependencies()
        .filter((target): target is CfnResource => target instanceof CfnResource && target !== role)
        .map(target => target.logicalId);
      return kept.length === 0 ? undefined : kept;
    },
  }));
}

/**
 * The same for the function of aws-cdk-lib's VPC default security group custom resource, a singleton of the stack.
 */
export function dropDefaultSecurityGroupProviderRoleDependency(scope: Construct): void {
  const provider = Stack.of(scope).node.tryFindChild('Custom::VpcRestrictDefaultSGCustomResourceProvider');
  const handler = provider?.node.tryFindChild('Handler');
  const role = provider?.node.tryFindChild('Role');
  if (handler instanceof CfnResource && role instanceof CfnResource) {
    handler.removeResourceDependency(role);
  }
}
