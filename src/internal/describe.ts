import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The construct's path below its stack, for resource descriptions: it tells operators which pipeline a
 * resource belongs to, and leaves templates of one definition deployed as two stacks identical.
 */
export function pathInStack(construct: IConstruct): string {
  const stackPath = Stack.of(construct).node.path;
  return construct.node.path.slice(stackPath.length + 1);
}
