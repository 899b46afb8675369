"""The dev streaming pipeline, from Python: the same stack as examples/pipeline-stack.ts.

    pip install -r requirements.txt   # plus the cdk-streaming-pipeline wheel
    python app.py                     # writes cdk.out/ (or $CDK_OUTDIR)
"""
import os

from aws_cdk import App, Stack
from cdk_streaming_pipeline import (
    DataProcessingOption,
    HttpIngestionOptions,
    KinesisAgentFlow,
    KinesisAgentProducerOptions,
    PipelinePreset,
    StreamingPipeline,
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
)
app.synth()
