import * as fs from 'fs';
import { App } from 'aws-cdk-lib';
import { architectureDot, diagramFiles } from '../examples/architecture-diagram';
import { PipelineStack } from '../examples/pipeline-stack';
import { PipelinePreset } from '../src';

describe('the README\'s architecture diagram, drawn from the prod example\'s construct tree', () => {
  const stack = new PipelineStack(new App(), 'streaming-pipeline-prod', { preset: PipelinePreset.PROD });
  const dot = architectureDot(stack, stack.pipeline);
  const files = diagramFiles(stack.stackName);

  test('the committed DOT source is what the constructs give: regenerate with npx projen diagram', () => {
    expect(fs.readFileSync(files.dot, 'utf-8')).toEqual(dot);
  });

  test('the committed SVG was drawn from it: every component and flow is in the picture', () => {
    const svgTitles = new Set([...fs.readFileSync(files.svg, 'utf-8').matchAll(/<title>([^<]*)<\/title>/g)]
      .map(match => match[1].replace(/&#45;/g, '-').replace(/&gt;/g, '>')));
    const nodes = [...dot.matchAll(/^ {4}"(\w+)" \[label=/gm)].map(match => match[1]);
    const edges = [...dot.matchAll(/^ {2}"(\w+)" -> "(\w+)";$/gm)].map(match => `${match[1]}->${match[2]}`);
    expect(nodes.length).toBeGreaterThan(8);
    expect(edges.length).toBeGreaterThan(6);
    expect([...nodes, ...edges].filter(title => !svgTitles.has(title))).toEqual([]);
  });

  test('data flows from the producers through both streams into every sink and Flink; the VPC holds what runs in it', () => {
    for (const flow of ['HttpIngestion -> IngestStream', 'KinesisAgent -> IngestStream', 'IngestStream -> Processor', 'Processor -> EnrichedStream',
      'EnrichedStream -> DataLake', 'EnrichedStream -> OpenSearch', 'EnrichedStream -> Redshift', 'IngestStream -> Analytics']) {
      expect(dot).toContain(`"${flow.replace(' -> ', '" -> "')}";`);
    }
    const vpc = dot.slice(dot.indexOf('subgraph "cluster_Network"'), dot.indexOf('  }\n'));
    expect([...vpc.matchAll(/"(\w+)" \[label=/g)].map(match => match[1]).sort()).toEqual(['Analytics', 'OpenSearch', 'Processor', 'Redshift']);
  });
});
