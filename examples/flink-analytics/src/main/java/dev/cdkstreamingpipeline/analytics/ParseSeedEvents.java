package dev.cdkstreamingpipeline.analytics;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns raw records into seed events and drops the invalid ones, counting them in the metric
 * {@value #INVALID_RECORDS_METRIC}: one bad producer must not stop the job, but it must be visible.
 */
public class ParseSeedEvents extends RichFlatMapFunction<String, SeedEvent> {
    public static final String INVALID_RECORDS_METRIC = "invalidRecords";
    /** Managed Flink publishes to CloudWatch only the custom metrics registered under this group. */
    public static final String MANAGED_FLINK_METRIC_GROUP = "kinesisanalytics";

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ParseSeedEvents.class);

    private transient Counter invalidRecords;

    @Override
    public void open(OpenContext openContext) {
        invalidRecords = getRuntimeContext().getMetricGroup()
                .addGroup(MANAGED_FLINK_METRIC_GROUP)
                .counter(INVALID_RECORDS_METRIC);
    }

    @Override
    public void flatMap(String record, Collector<SeedEvent> out) {
        try {
            out.collect(SeedEventParser.parse(record));
        } catch (InvalidSeedEventException e) {
            invalidRecords.inc();
            // DEBUG, not WARN: a producer sending only bad records would otherwise flood CloudWatch Logs.
            LOG.debug("Dropped an invalid seed event ({}): {}", e.getMessage(), record);
        }
    }
}
