import { App } from 'aws-cdk-lib';
import { PipelineStack } from '../../examples/pipeline-stack';
import { PipelinePreset } from '../../src';

// The TypeScript example's dev stack, built by test/bindings/peer-floor.sh against the packed npm package and
// the lowest aws-cdk-lib the package accepts, as a consumer at the peer floor would run it.
const app = new App({ outdir: process.env.CDK_OUTDIR ?? 'cdk.out', autoSynth: false });
new PipelineStack(app, 'streaming-pipeline-dev', { preset: PipelinePreset.DEV });
app.synth();
