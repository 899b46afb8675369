package dev.cdkstreamingpipeline.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs the job's topology on a local Flink cluster, from raw records to window counts. */
class EventCountsJobTest {
    // Retained, so that the counters of the finished job can still be read.
    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(1)
                    .setConfiguration(METRICS.addToConfiguration(new Configuration()))
                    .build());

    private static final WindowSettings ONE_MINUTE_WINDOWS = new WindowSettings(Duration.ofSeconds(60), Duration.ofSeconds(30));

    @Test
    void countsEventsPerTypeAndWindowDroppingInvalidAndLateRecords() throws Exception {
        List<String> records = List.of(
                event("page_view", "10:00:05"),
                event("click", "10:00:20"),
                event("page_view", "10:00:50"),
                event("page_view", "10:01:10"),          // watermark 10:00:39.999
                event("click", "10:00:45"),              // out of order, within 30 s: counted
                "not json at all",                       // invalid
                "{\"event_id\":\"e\",\"timestamp\":\"2024-01-15T10:01:00Z\",\"user_id\":\"u\"}", // invalid: no event_type
                event("purchase", "10:01:35"),           // watermark 10:01:04.999 closes [10:00, 10:01)
                event("click", "10:00:58"),              // its window has closed: late, dropped
                event("page_view", "10:01:40"),
                event("PAGE_VIEW", "10:01:41"),          // event types are case-sensitive
                event("page_view", "10:01:05").replace("\"2024-01-15T10:01:05Z\"", "\"2024-01-15 10:01:05\""), // invalid
                event("page_view", "10:01:05"),          // behind the watermark, but its window is still open
                event("click", "10:02:10"),
                event("signup", "10:03:29.999"),         // watermark 10:02:59.998 closes [10:01, 10:02)
                event("purchase", "10:02:59.999"),       // exactly 30 s behind the newest event: on time
                event("signup", "10:03:31"),             // watermark 10:03:00.999 closes [10:02, 10:03)
                event("purchase", "10:02:30"),           // late, dropped
                event("signup", "10:03:00"),
                event("click", "10:02:00").replace("\"click\"", "42")); // invalid: numeric event_type

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        // One subtask: with several, which records are late would depend on how records are spread over them.
        env.setParallelism(1);
        CloseableIterator<WindowCount> results = EventCountsJob.countEventsPerType(env.fromData(records), ONE_MINUTE_WINDOWS)
                .collectAsync();
        JobClient job = env.executeAsync("event-counts-test");
        List<WindowCount> counts = new ArrayList<>();
        try (results) {
            results.forEachRemaining(counts::add);
        }
        job.getJobExecutionResult().get();

        counts.sort(Comparator.comparingLong(WindowCount::getWindowStartMillis).thenComparing(WindowCount::getEventType));
        assertEquals(List.of(
                count("10:00", "click", 2),
                count("10:00", "page_view", 2),
                count("10:01", "PAGE_VIEW", 1),
                count("10:01", "page_view", 3),
                count("10:01", "purchase", 1),
                count("10:02", "click", 1),
                count("10:02", "purchase", 1),
                count("10:03", "signup", 3)), counts);
        // Under the group Managed Flink publishes to CloudWatch, or nobody would see it there.
        assertEquals(4, counterTotal(job.getJobID(),
                "\\." + ParseSeedEvents.MANAGED_FLINK_METRIC_GROUP + "\\." + ParseSeedEvents.INVALID_RECORDS_METRIC + "$"));
        assertEquals(2, counterTotal(job.getJobID(), "\\.numLateRecordsDropped$"));
    }

    private static String event(String type, String time) {
        return "{\"event_id\":\"evt_" + type + "_" + time + "\",\"event_type\":\"" + type + "\","
                + "\"timestamp\":\"2024-01-15T" + time + "Z\",\"user_id\":\"user_456\",\"page\":\"/products/item-789\"}";
    }

    private static WindowCount count(String windowStart, String type, long count) {
        long start = Instant.parse("2024-01-15T" + windowStart + ":00Z").toEpochMilli();
        return new WindowCount(start, start + 60_000, type, count);
    }

    /** The value of the one counter of the job whose identifier matches the regular expression. */
    private static long counterTotal(JobID job, String identifierPattern) {
        Map<String, Metric> metrics = METRICS.findMetrics(job, identifierPattern);
        assertEquals(1, metrics.size(), () -> "one counter matching " + identifierPattern + ", found " + metrics.keySet());
        return ((Counter) metrics.values().iterator().next()).getCount();
    }
}
