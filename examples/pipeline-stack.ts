import { App, Stack, StackProps } from 'aws-cdk-lib';
import { DataProcessingOption, PipelinePreset, StreamingPipeline } from '../src';

/** The presets the example deploys, one stack each, named `streaming-pipeline-<preset>`. */
export const EXAMPLE_PRESETS: PipelinePreset[] = [PipelinePreset.DEV, PipelinePreset.STAGING, PipelinePreset.PROD];

/** Properties of the example stack. */
export interface PipelineStackProps extends StackProps {
  readonly preset: PipelinePreset;
}

/**
 * The stack a team would write: one `StreamingPipeline` from a preset, with producers over HTTP (API Gateway)
 * and from log files (Kinesis Agent) besides the SDK. The Python and Java examples build the same stack, and a
 * test checks that all three templates are equal.
 */
export class PipelineStack extends Stack {
  public readonly pipeline: StreamingPipeline;

  constructor(scope: App, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    this.pipeline = new StreamingPipeline(this, 'Pipeline', {
      preset: props.preset,
      httpIngestion: {},
      kinesisAgent: {
        flows: [{ filePattern: '/var/log/clickstream/*.log', dataProcessingOptions: [DataProcessingOption.singleLine()] }],
      },
    });
  }
}

/** Adds the example stacks of every preset to the app and returns them. */
export function addExampleStacks(app: App): PipelineStack[] {
  return EXAMPLE_PRESETS.map(preset => new PipelineStack(app, `streaming-pipeline-${preset.name}`, { preset }));
}
