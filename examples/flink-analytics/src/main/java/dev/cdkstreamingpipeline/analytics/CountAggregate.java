package dev.cdkstreamingpipeline.analytics;

import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * Counts the events of a window incrementally, so that a window keeps one number in state instead of its events.
 */
public class CountAggregate implements AggregateFunction<SeedEvent, Long, Long> {
    private static final long serialVersionUID = 1L;

    @Override
    public Long createAccumulator() {
        return 0L;
    }

    @Override
    public Long add(SeedEvent event, Long count) {
        return count + 1;
    }

    @Override
    public Long getResult(Long count) {
        return count;
    }

    @Override
    public Long merge(Long a, Long b) {
        return a + b;
    }
}
