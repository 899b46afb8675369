package dev.cdkstreamingpipeline.analytics;

import java.io.Serializable;
import java.time.Duration;

/** How events are grouped into windows: the part of the settings the topology uses, so tests can build it alone. */
public final class WindowSettings implements Serializable {
    public static final Duration DEFAULT_WINDOW_SIZE = Duration.ofSeconds(60);
    public static final Duration DEFAULT_MAX_OUT_OF_ORDERNESS = Duration.ofSeconds(30);

    private static final long serialVersionUID = 1L;

    private final Duration windowSize;
    private final Duration maxOutOfOrderness;

    public WindowSettings(Duration windowSize, Duration maxOutOfOrderness) {
        if (windowSize.isNegative() || windowSize.isZero()) {
            throw new IllegalArgumentException("The window size must be positive, not " + windowSize);
        }
        if (maxOutOfOrderness.isNegative()) {
            throw new IllegalArgumentException("The maximum out-of-orderness must not be negative, not " + maxOutOfOrderness);
        }
        this.windowSize = windowSize;
        this.maxOutOfOrderness = maxOutOfOrderness;
    }

    /** The length of each tumbling event-time window. */
    public Duration getWindowSize() {
        return windowSize;
    }

    /** How far behind the newest event an event may arrive and still be counted in its window. */
    public Duration getMaxOutOfOrderness() {
        return maxOutOfOrderness;
    }

    @Override
    public String toString() {
        return "WindowSettings{windowSize=" + windowSize + ", maxOutOfOrderness=" + maxOutOfOrderness + "}";
    }
}
