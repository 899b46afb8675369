import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { pathInStack } from './describe';

/**
 * A role whose permissions, including those that aws-cdk-lib's grants add, live in one customer-managed policy
 * attached to it instead of an inline default policy: NIST 800-53, HIPAA and PCI checks reject inline policies,
 * and a managed policy can be reviewed and versioned on its own.
 */
export class ManagedPolicyRole extends iam.Role {
  private policy?: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: iam.RoleProps) {
    super(scope, id, props);
  }

  /** The policy holding the role's permissions, once a statement was added. */
  public get managedPolicy(): iam.ManagedPolicy | undefined {
    return this.policy;
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    // Created on the first statement: CloudFormation rejects an empty managed policy.
    this.policy ??= new iam.ManagedPolicy(this, 'Policy', {
      description: `Permissions of ${pathInStack(this)}`,
      roles: [this],
    });
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy };
  }
}
