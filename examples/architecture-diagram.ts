import * as path from 'path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The architecture diagram of a synthesized pipeline, in Graphviz DOT: one node per component of the pipeline (each
 * child construct of the `StreamingPipeline` that owns resources), labelled with the AWS services its resources use,
 * and an edge wherever one component's resources reference a stream of another (data flow) or a component hands its
 * output to another. Components whose functions or interfaces run in the pipeline's VPC are drawn inside it. Nothing
 * is drawn by hand: a component or flow the constructs stop creating disappears from the diagram.
 */
export function architectureDot(stack: Stack, pipeline: IConstruct): string {
  // The synthesized template: references as CloudFormation will see them, lazy values and overrides included.
  const components = pipeline.node.children.filter(child => resourcesOf(child).length > 0);
  const ownerOf = new Map<string, string>();
  for (const component of components) {
    for (const resource of resourcesOf(component)) {
      ownerOf.set(stack.resolve(resource.logicalId), component.node.id);
    }
  }
  const template: { Resources: Record<string, { Type: string; Properties?: unknown }> } =
    App.of(stack)!.synth().getStackByName(stack.stackName).template;
  const networkId = components.find(component => resourcesOf(component).some(resource => resource.cfnResourceType === 'AWS::EC2::VPC'))?.node.id;
  const subnetIds = new Set(Object.entries(template.Resources).filter(([, resource]) => resource.Type === 'AWS::EC2::Subnet').map(([id]) => id));

  const edges = new Set<string>();
  const inVpc = new Set<string>();
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const owner = ownerOf.get(logicalId);
    if (owner === undefined || IGNORED_TYPES.some(prefix => resource.Type.startsWith(prefix))) {
      continue;
    }
    const referenced = referencesIn(resource.Properties);
    if (owner !== networkId && [...referenced].some(id => subnetIds.has(id))) {
      inVpc.add(owner);
    }
    for (const target of referenced) {
      const targetOwner = ownerOf.get(target);
      const targetType = template.Resources[target]?.Type;
      if (targetOwner === undefined || targetOwner === owner || targetOwner === networkId || owner === networkId) {
        continue;
      }
      if (targetType === 'AWS::Kinesis::Stream' || targetType === 'AWS::Kinesis::StreamConsumer') {
        // Readers of a stream take data from it; everything else that names a stream writes to it.
        edges.add(READER_TYPES.includes(resource.Type) ? `${targetOwner} -> ${owner}` : `${owner} -> ${targetOwner}`);
      } else if (DESTINATION_TYPES.includes(targetType)) {
        edges.add(`${owner} -> ${targetOwner}`);
      }
    }
  }

  const node = (component: IConstruct) => {
    const services = [...new Set(resourcesOf(component).map(resource => SERVICES[resource.cfnResourceType.split('::')[1]])
      .filter((service): service is string => service !== undefined))].sort();
    return `    "${component.node.id}" [label="${component.node.id}\\n${services.join(', ')}"];`;
  };
  const outside = components.filter(component => component.node.id !== networkId && !inVpc.has(component.node.id));
  const inside = components.filter(component => inVpc.has(component.node.id));
  return [
    `digraph "${stack.stackName}" {`,
    '  graph [rankdir=LR, fontname="Helvetica", fontsize=11, labeljust=l];',
    '  node [shape=box, style="rounded", fontname="Helvetica", fontsize=10];',
    '  edge [fontname="Helvetica", fontsize=9];',
    ...outside.map(node),
    ...(networkId === undefined ? [] : [
      `  subgraph "cluster_${networkId}" {`,
      `    label="${networkId}: VPC, isolated subnets, VPC endpoints";`,
      '    style="dashed";',
      ...inside.map(node),
      '  }',
    ]),
    ...[...edges].sort().map(edge => `  ${edge.replace(/(\w+) -> (\w+)/, '"$1" -> "$2"')};`),
    '}',
    '',
  ].join('\n');
}

/** Every L1 resource under a construct. */
function resourcesOf(scope: IConstruct): CfnResource[] {
  return scope.node.findAll().filter((construct): construct is CfnResource => construct instanceof CfnResource);
}

/** Logical ids a value references with `Ref` or `Fn::GetAtt`, anywhere inside it. */
function referencesIn(value: unknown, found: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    value.forEach(item => referencesIn(item, found));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string') {
        found.add(inner);
      } else if (key === 'Fn::GetAtt' && Array.isArray(inner)) {
        found.add(String(inner[0]));
      } else {
        referencesIn(inner, found);
      }
    }
  }
  return found;
}

/** Resources whose references are permissions, keys or observation, not data flow. */
const IGNORED_TYPES = ['AWS::IAM::', 'AWS::KMS::', 'AWS::CloudWatch::', 'AWS::Logs::', 'AWS::EC2::'];
/** Resources that read the stream they reference. */
const READER_TYPES = ['AWS::Lambda::EventSourceMapping', 'AWS::KinesisFirehose::DeliveryStream', 'AWS::KinesisAnalyticsV2::Application'];
/** Stores a component delivers into when another component owns them. */
const DESTINATION_TYPES = ['AWS::OpenSearchService::Domain', 'AWS::S3::Bucket', 'AWS::SNS::Topic'];
/** The service a resource type's middle part stands for in a label. */
const SERVICES: Record<string, string> = {
  ApiGateway: 'API Gateway',
  WAFv2: 'WAF',
  SSM: 'Systems Manager',
  Kinesis: 'Kinesis Data Streams',
  Lambda: 'Lambda',
  DynamoDB: 'DynamoDB',
  SQS: 'SQS',
  ElastiCache: 'ElastiCache',
  KinesisFirehose: 'Firehose',
  S3: 'S3',
  Glue: 'Glue',
  Events: 'EventBridge',
  Scheduler: 'EventBridge Scheduler',
  OpenSearchService: 'OpenSearch',
  KinesisAnalyticsV2: 'Managed Flink',
  CloudWatch: 'CloudWatch',
  SNS: 'SNS',
  KMS: 'KMS',
};

/** Where the committed diagram of a stack lives: its DOT source and the SVG the README shows. */
export function diagramFiles(stackName: string): { dot: string; svg: string } {
  const base = path.join(__dirname, 'architecture', stackName);
  return { dot: `${base}.dot`, svg: `${base}.svg` };
}
