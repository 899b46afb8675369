package dev.cdkstreamingpipeline.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;

class WindowCountTest {
    @Test
    void rendersOneJsonLineWithIsoWindowBounds() {
        WindowCount count = new WindowCount(Instant.parse("2024-01-15T10:30:00Z").toEpochMilli(),
                Instant.parse("2024-01-15T10:31:00Z").toEpochMilli(), "page_view", 42);

        assertEquals("{\"window_start\":\"2024-01-15T10:30:00Z\",\"window_end\":\"2024-01-15T10:31:00Z\","
                + "\"event_type\":\"page_view\",\"count\":42}", count.toJson());
    }

    @Test
    void escapesEventTypesFromProducers() {
        String json = new WindowCount(0, 60_000, "say \"hi\"\n", 1).toJson();

        assertEquals("{\"window_start\":\"1970-01-01T00:00:00Z\",\"window_end\":\"1970-01-01T00:01:00Z\","
                + "\"event_type\":\"say \\\"hi\\\"\\n\",\"count\":1}", json);
    }

    @Test
    void eventsAndResultsAreFlinkPojos() {
        // Kryo, Flink's fallback, is slower and breaks state compatibility when a class changes.
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(SeedEvent.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(WindowCount.class);
    }
}
