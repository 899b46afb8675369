/**
 * Writes the architecture diagram of the example's prod stack (the one with every component) from its construct tree:
 * examples/architecture/streaming-pipeline-prod.dot, and its SVG drawn by Graphviz (`dot`, from Debian's graphviz).
 * Run with `npx projen diagram`; test/architecture-diagram.test.ts fails when the committed diagram is out of date.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { App } from 'aws-cdk-lib';
import { architectureDot, diagramFiles } from './architecture-diagram';
import { PipelineStack } from './pipeline-stack';
import { PipelinePreset } from '../src';

const stack = new PipelineStack(new App(), 'streaming-pipeline-prod', { preset: PipelinePreset.PROD });
const files = diagramFiles(stack.stackName);
fs.writeFileSync(files.dot, architectureDot(stack, stack.pipeline));
const drawn = spawnSync('dot', ['-Tsvg', '-o', files.svg, files.dot], { stdio: 'inherit' });
if (drawn.error !== undefined || drawn.status !== 0) {
  console.error(`dot failed (${drawn.error?.message ?? `exit ${drawn.status}`}): install Graphviz, e.g. apt-get install graphviz`);
  process.exit(1);
}
console.log(`wrote ${files.dot} and ${files.svg}`);
