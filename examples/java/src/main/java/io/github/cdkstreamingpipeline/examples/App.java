package io.github.cdkstreamingpipeline.examples;

import io.github.cdkstreamingpipeline.PipelinePreset;
import io.github.cdkstreamingpipeline.StreamingPipeline;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Stack;

/** The dev streaming pipeline, from Java: the same stack as examples/pipeline-stack.ts. */
public final class App {
    public static void main(final String[] args) {
        String outdir = System.getenv().getOrDefault("CDK_OUTDIR", "cdk.out");
        software.amazon.awscdk.App app = new software.amazon.awscdk.App(AppProps.builder().outdir(outdir).build());
        Stack stack = new Stack(app, "streaming-pipeline-dev");
        StreamingPipeline.Builder.create(stack, "Pipeline").preset(PipelinePreset.DEV).build();
        app.synth();
    }
}
