package dev.cdkstreamingpipeline.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CountAggregateTest {
    private final CountAggregate aggregate = new CountAggregate();
    private final SeedEvent event = new SeedEvent("e", "click", "u", 0L);

    @Test
    void startsAtZero() {
        assertEquals(0L, aggregate.getResult(aggregate.createAccumulator()));
    }

    @Test
    void countsEachEventOnce() {
        Long count = aggregate.createAccumulator();
        for (int i = 0; i < 3; i++) {
            count = aggregate.add(event, count);
        }

        assertEquals(3L, aggregate.getResult(count));
    }

    @Test
    void mergesPartialCounts() {
        // Merging happens when Flink combines accumulators of the same window, e.g. for merging window assigners.
        Long two = aggregate.add(event, aggregate.add(event, aggregate.createAccumulator()));
        Long one = aggregate.add(event, aggregate.createAccumulator());

        assertEquals(3L, aggregate.getResult(aggregate.merge(two, one)));
        assertEquals(2L, aggregate.getResult(aggregate.merge(two, aggregate.createAccumulator())));
    }
}
