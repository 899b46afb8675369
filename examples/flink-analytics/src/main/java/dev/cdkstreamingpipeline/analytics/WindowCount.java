package dev.cdkstreamingpipeline.analytics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/** How many events of one type happened in one window: the job's result. A Flink POJO, like {@link SeedEvent}. */
public class WindowCount {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private long windowStartMillis;
    private long windowEndMillis;
    private String eventType;
    private long count;

    public WindowCount() {
    }

    public WindowCount(long windowStartMillis, long windowEndMillis, String eventType, long count) {
        this.windowStartMillis = windowStartMillis;
        this.windowEndMillis = windowEndMillis;
        this.eventType = eventType;
        this.count = count;
    }

    public long getWindowStartMillis() {
        return windowStartMillis;
    }

    public void setWindowStartMillis(long windowStartMillis) {
        this.windowStartMillis = windowStartMillis;
    }

    /** The end of the window, exclusive. */
    public long getWindowEndMillis() {
        return windowEndMillis;
    }

    public void setWindowEndMillis(long windowEndMillis) {
        this.windowEndMillis = windowEndMillis;
    }

    public String getEventType() {
        return eventType;
    }

    public void setEventType(String eventType) {
        this.eventType = eventType;
    }

    public long getCount() {
        return count;
    }

    public void setCount(long count) {
        this.count = count;
    }

    /**
     * One JSON line, with ISO-8601 window bounds so that the line reads the same in CloudWatch Logs and in Logs
     * Insights queries. Jackson writes it because event types come from producers and may need escaping.
     */
    public String toJson() {
        ObjectNode json = MAPPER.createObjectNode()
                .put("window_start", Instant.ofEpochMilli(windowStartMillis).toString())
                .put("window_end", Instant.ofEpochMilli(windowEndMillis).toString())
                .put("event_type", eventType)
                .put("count", count);
        return json.toString();
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof WindowCount)) {
            return false;
        }
        WindowCount that = (WindowCount) other;
        return windowStartMillis == that.windowStartMillis
                && windowEndMillis == that.windowEndMillis
                && count == that.count
                && Objects.equals(eventType, that.eventType);
    }

    @Override
    public int hashCode() {
        return Objects.hash(windowStartMillis, windowEndMillis, eventType, count);
    }

    @Override
    public String toString() {
        return toJson();
    }
}
