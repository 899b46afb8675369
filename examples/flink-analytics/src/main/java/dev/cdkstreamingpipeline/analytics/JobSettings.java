package dev.cdkstreamingpipeline.analytics;

import com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * The job's settings, from Managed Flink's runtime properties. The library's {@code FlinkApplication} construct
 * fills the group {@value #SOURCE_GROUP} with the source stream and owns it, so the job's own tuning lives in a
 * group of its own, {@value #TUNING_GROUP}, which the construct's {@code propertyGroups} sets.
 */
public final class JobSettings {
    public static final String SOURCE_GROUP = "FlinkApplicationProperties";
    public static final String SOURCE_STREAM_NAME = "source.stream.name";
    public static final String AWS_REGION = "aws.region";

    public static final String TUNING_GROUP = "EventCounts";
    public static final String WINDOW_SIZE_SECONDS = "window.size.seconds";
    public static final String OUT_OF_ORDERNESS_SECONDS = "watermark.out.of.orderness.seconds";

    private final String sourceStreamName;
    private final String region;
    private final WindowSettings windowSettings;

    private JobSettings(String sourceStreamName, String region, WindowSettings windowSettings) {
        this.sourceStreamName = sourceStreamName;
        this.region = region;
        this.windowSettings = windowSettings;
    }

    /**
     * Reads the runtime properties Managed Flink passes to the application. Outside Managed Flink the runtime
     * library finds no properties file and returns no groups, which fails with the message of a missing group.
     */
    public static JobSettings fromRuntime() {
        try {
            return fromPropertyGroups(KinesisAnalyticsRuntime.getApplicationProperties());
        } catch (IOException e) {
            throw new IllegalStateException("Could not read the Managed Flink runtime properties: " + e.getMessage(), e);
        }
    }

    /** Reads the settings from runtime property groups, by group id. */
    public static JobSettings fromPropertyGroups(Map<String, Properties> groups) {
        Properties source = groups.get(SOURCE_GROUP);
        if (source == null) {
            throw new IllegalStateException("Missing runtime property group " + SOURCE_GROUP + " (groups present: "
                    + groups.keySet() + "). This job runs on Managed Service for Apache Flink, whose runtime properties "
                    + "name the source stream in that group: " + SOURCE_STREAM_NAME + " and " + AWS_REGION + ".");
        }
        Properties tuning = groups.getOrDefault(TUNING_GROUP, new Properties());
        WindowSettings windowSettings = new WindowSettings(
                seconds(tuning, WINDOW_SIZE_SECONDS, WindowSettings.DEFAULT_WINDOW_SIZE),
                seconds(tuning, OUT_OF_ORDERNESS_SECONDS, WindowSettings.DEFAULT_MAX_OUT_OF_ORDERNESS));
        return new JobSettings(required(source, SOURCE_STREAM_NAME), required(source, AWS_REGION), windowSettings);
    }

    private static String required(Properties group, String key) {
        String value = group.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("Missing runtime property " + key + " in group " + SOURCE_GROUP);
        }
        return value.trim();
    }

    private static Duration seconds(Properties group, String key, Duration fallback) {
        String value = group.getProperty(key);
        if (value == null) {
            return fallback;
        }
        try {
            return Duration.ofSeconds(Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("Invalid runtime property " + key + " in group " + TUNING_GROUP + ": \""
                    + value + "\". Allowed: a whole number of seconds.", e);
        }
    }

    public String getSourceStreamName() {
        return sourceStreamName;
    }

    public String getRegion() {
        return region;
    }

    public WindowSettings getWindowSettings() {
        return windowSettings;
    }
}
