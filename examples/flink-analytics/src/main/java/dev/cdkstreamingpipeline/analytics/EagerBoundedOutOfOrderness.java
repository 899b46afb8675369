package dev.cdkstreamingpipeline.analytics;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Flink's bounded out-of-orderness watermarks, emitted as soon as an event advances them instead of on the next
 * periodic tick. Which events count as late then depends on the events alone, not on how fast they were processed,
 * so a replay after a restart drops the same late events, and tests can check lateness exactly. Operators forward
 * only watermarks that advance, so the cost is one watermark per new maximum timestamp.
 */
final class EagerBoundedOutOfOrderness implements WatermarkGenerator<SeedEvent> {
    private final long maxOutOfOrdernessMillis;
    private long maxTimestamp = Long.MIN_VALUE;

    EagerBoundedOutOfOrderness(Duration maxOutOfOrderness) {
        this.maxOutOfOrdernessMillis = maxOutOfOrderness.toMillis();
    }

    @Override
    public void onEvent(SeedEvent event, long eventTimestamp, WatermarkOutput output) {
        if (eventTimestamp > maxTimestamp) {
            maxTimestamp = eventTimestamp;
            // Minus one: an event exactly maxOutOfOrderness behind the newest one is still on time.
            output.emitWatermark(new Watermark(maxTimestamp - maxOutOfOrdernessMillis - 1));
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        // Nothing to add: the watermark can only advance with an event, and onEvent already emitted it.
    }
}
