package dev.cdkstreamingpipeline.analytics;

import java.time.Duration;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.connectors.kinesis.FlinkKinesisConsumer;
import org.apache.flink.streaming.connectors.kinesis.config.AWSConfigConstants;
import org.apache.flink.streaming.connectors.kinesis.config.ConsumerConfigConstants;

/**
 * Counts the seed events of the ingest stream per event type in tumbling event-time windows and logs each count as
 * a JSON line. Managed Flink configures checkpointing and parallelism; the job sets neither.
 */
public final class EventCountsJob {
    /**
     * How long a source subtask may receive nothing before its watermark stops holding back the others: with more
     * subtasks than shards, or a shard without producers, windows would otherwise never close.
     */
    static final Duration IDLE_SOURCE_TIMEOUT = Duration.ofMinutes(1);

    private EventCountsJob() {
    }

    // addSource is deprecated in Flink 1.20, and the legacy Kinesis consumer needs it (see kinesisSource).
    @SuppressWarnings("deprecation")
    public static void main(String[] args) throws Exception {
        JobSettings settings = JobSettings.fromRuntime();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DataStream<String> records = env.addSource(kinesisSource(settings))
                .name("Ingest stream " + settings.getSourceStreamName())
                // Stable ids let Managed Flink restore the shard positions and open windows from a snapshot taken
                // before the job's code changed.
                .uid("ingest-stream");
        countEventsPerType(records, settings.getWindowSettings())
                .map(WindowCount::toJson)
                .name("To JSON")
                .sinkTo(new LogSink())
                .name("Log");
        env.execute("event-counts");
    }

    /**
     * The job's topology from raw records to window counts, apart from source and sink so that tests run exactly
     * what the job runs: parse and drop invalid records, assign event time, count per event type and window. Events
     * later than the maximum out-of-orderness behind the newest event are dropped by their window, which Flink counts
     * in the window operator's {@code numLateRecordsDropped} metric.
     */
    public static DataStream<WindowCount> countEventsPerType(DataStream<String> records, WindowSettings windowSettings) {
        Duration maxOutOfOrderness = windowSettings.getMaxOutOfOrderness();
        WatermarkStrategy<SeedEvent> watermarks = WatermarkStrategy
                .<SeedEvent>forGenerator(context -> new EagerBoundedOutOfOrderness(maxOutOfOrderness))
                .withTimestampAssigner((event, recordTimestamp) -> event.getTimestampMillis())
                .withIdleness(IDLE_SOURCE_TIMEOUT);
        return records
                .flatMap(new ParseSeedEvents())
                .name("Parse seed events")
                .assignTimestampsAndWatermarks(watermarks)
                .name("Event time")
                .keyBy(SeedEvent::getEventType, Types.STRING)
                .window(TumblingEventTimeWindows.of(windowSettings.getWindowSize()))
                .aggregate(new CountAggregate(), new ToWindowCount())
                .name("Count per event type")
                .uid("count-per-event-type");
    }

    /**
     * The legacy Kinesis consumer, which tracks shard positions in checkpoints: the 1.20 build of the connector
     * with {@code KinesisStreamsSource} is not available to this build (see the README). It starts at the newest
     * record when the application starts without a snapshot; with one, it resumes where the snapshot was taken.
     */
    private static FlinkKinesisConsumer<String> kinesisSource(JobSettings settings) {
        Properties config = new Properties();
        config.setProperty(AWSConfigConstants.AWS_REGION, settings.getRegion());
        config.setProperty(ConsumerConfigConstants.STREAM_INITIAL_POSITION, ConsumerConfigConstants.InitialPosition.LATEST.name());
        // A shard allows five GetRecords calls a second, shared by every polling reader; the default 200 ms interval
        // would take them all. Once a second leaves the rest to others and adds at most a second of lag.
        config.setProperty(ConsumerConfigConstants.SHARD_GETRECORDS_INTERVAL_MILLIS, "1000");
        return new FlinkKinesisConsumer<>(settings.getSourceStreamName(), new SimpleStringSchema(), config);
    }
}
