"""The dev streaming pipeline, from Python: the same stack as examples/pipeline-stack.ts.

    pip install -r requirements.txt   # plus the cdk-streaming-pipeline wheel
    python app.py                     # writes cdk.out/ (or $CDK_OUTDIR)
"""
import os

from aws_cdk import App, Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_opensearchservice as opensearch
from aws_cdk import aws_s3 as s3
from cdk_streaming_pipeline import (
    DataLakeReplication,
    DataProcessingOption,
    HttpIngestionOptions,
    KinesisAgentFlow,
    KinesisAgentProducerOptions,
    PipelinePreset,
    S3DataLakeSinkOptions,
    StreamingPipeline,
    StreamingPipelineOpenSearchOptions,
)

app = App(outdir=os.environ.get("CDK_OUTDIR", "cdk.out"))
stack = Stack(app, "streaming-pipeline-dev")
StreamingPipeline(
    stack,
    "Pipeline",
    preset=PipelinePreset.DEV,
    http_ingestion=HttpIngestionOptions(),
    kinesis_agent=KinesisAgentProducerOptions(
        flows=[
            KinesisAgentFlow(
                file_pattern="/var/log/clickstream/*.log",
                data_processing_options=[DataProcessingOption.single_line()],
            )
        ]
    ),
    data_lake=S3DataLakeSinkOptions(
        replication=DataLakeReplication(
            bucket=s3.Bucket.from_bucket_attributes(
                stack, "Replica", bucket_name="streaming-pipeline-dr-replica", region="us-west-2"
            ),
            encryption_key=kms.Key.from_key_arn(
                stack,
                "ReplicaKey",
                "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            ),
        )
    ),
    open_search=StreamingPipelineOpenSearchOptions(
        domain=opensearch.Domain.from_domain_attributes(
            stack,
            "SearchDomain",
            domain_arn="arn:aws:es:us-east-1:111122223333:domain/clickstream",
            domain_endpoint="https://search-clickstream-abc123xyz.us-east-1.es.amazonaws.com",
        )
    ),
)
app.synth()
