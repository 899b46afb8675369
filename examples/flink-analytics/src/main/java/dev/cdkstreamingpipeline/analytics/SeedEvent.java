package dev.cdkstreamingpipeline.analytics;

import java.util.Objects;

/**
 * A seed event from the ingest stream, reduced to what the job uses. A Flink POJO (public no-argument constructor,
 * getters and setters), so that Flink serializes it with its own POJO serializer instead of falling back to Kryo.
 */
public class SeedEvent {
    private String eventId;
    private String eventType;
    private String userId;
    private long timestampMillis;

    public SeedEvent() {
    }

    public SeedEvent(String eventId, String eventType, String userId, long timestampMillis) {
        this.eventId = eventId;
        this.eventType = eventType;
        this.userId = userId;
        this.timestampMillis = timestampMillis;
    }

    public String getEventId() {
        return eventId;
    }

    public void setEventId(String eventId) {
        this.eventId = eventId;
    }

    public String getEventType() {
        return eventType;
    }

    public void setEventType(String eventType) {
        this.eventType = eventType;
    }

    public String getUserId() {
        return userId;
    }

    public void setUserId(String userId) {
        this.userId = userId;
    }

    /** When the event happened, in milliseconds since the epoch: its event time. */
    public long getTimestampMillis() {
        return timestampMillis;
    }

    public void setTimestampMillis(long timestampMillis) {
        this.timestampMillis = timestampMillis;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof SeedEvent)) {
            return false;
        }
        SeedEvent that = (SeedEvent) other;
        return timestampMillis == that.timestampMillis
                && Objects.equals(eventId, that.eventId)
                && Objects.equals(eventType, that.eventType)
                && Objects.equals(userId, that.userId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, eventType, userId, timestampMillis);
    }

    @Override
    public String toString() {
        return "SeedEvent{eventId=" + eventId + ", eventType=" + eventType + ", userId=" + userId
                + ", timestampMillis=" + timestampMillis + "}";
    }
}
