package io.github.cdkstreamingpipeline.examples;

import io.github.cdkstreamingpipeline.DataLakeReplication;
import io.github.cdkstreamingpipeline.DataProcessingOption;
import io.github.cdkstreamingpipeline.HttpIngestionOptions;
import io.github.cdkstreamingpipeline.KinesisAgentFlow;
import io.github.cdkstreamingpipeline.KinesisAgentProducerOptions;
import io.github.cdkstreamingpipeline.PipelinePreset;
import io.github.cdkstreamingpipeline.S3DataLakeSinkOptions;
import io.github.cdkstreamingpipeline.StreamingPipeline;
import io.github.cdkstreamingpipeline.StreamingPipelineOpenSearchOptions;
import java.util.List;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.opensearchservice.Domain;
import software.amazon.awscdk.services.opensearchservice.DomainAttributes;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketAttributes;

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
                .dataLake(S3DataLakeSinkOptions.builder()
                        .replication(DataLakeReplication.builder()
                                .bucket(Bucket.fromBucketAttributes(stack, "Replica", BucketAttributes.builder()
                                        .bucketName("streaming-pipeline-dr-replica")
                                        .region("us-west-2")
                                        .build()))
                                .encryptionKey(Key.fromKeyArn(stack, "ReplicaKey",
                                        "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"))
                                .build())
                        .build())
                .openSearch(StreamingPipelineOpenSearchOptions.builder()
                        .domain(Domain.fromDomainAttributes(stack, "SearchDomain", DomainAttributes.builder()
                                .domainArn("arn:aws:es:us-east-1:111122223333:domain/clickstream")
                                .domainEndpoint("https://search-clickstream-abc123xyz.us-east-1.es.amazonaws.com")
                                .build()))
                        .build())
                .build();
        app.synth();
    }
}
