package io.github.cdkstreamingpipeline.examples;

import io.github.cdkstreamingpipeline.DataProcessingOption;
import io.github.cdkstreamingpipeline.HttpIngestionOptions;
import io.github.cdkstreamingpipeline.KinesisAgentFlow;
import io.github.cdkstreamingpipeline.KinesisAgentProducerOptions;
import io.github.cdkstreamingpipeline.PipelinePreset;
import io.github.cdkstreamingpipeline.StreamingPipeline;
import java.util.List;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Stack;

/** The dev streaming pipeline, from Java: the same stack as examples/pipeline-stack.ts. */
public final class App {
    public static void main(final String[] args) {
        String outdir = System.getenv().getOrDefault("CDK_OUTDIR", "cdk.out");
        software.amazon.awscdk.App app = new software.amazon.awscdk.App(AppProps.builder().outdir(outdir).build());
        Stack stack = new Stack(app, "streaming-pipeline-dev");
        StreamingPipeline.Builder.create(stack, "Pipeline")
                .preset(PipelinePreset.DEV)
                .httpIngestion(HttpIngestionOptions.builder().build())
                .kinesisAgent(KinesisAgentProducerOptions.builder()
                        .flows(List.of(KinesisAgentFlow.builder()
                                .filePattern("/var/log/clickstream/*.log")
                                .dataProcessingOptions(List.of(DataProcessingOption.singleLine()))
                                .build()))
                        .build())
                .build();
        app.synth();
    }
}
