package dev.cdkstreamingpipeline.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class JobSettingsTest {
    @Test
    void readsTheSourceStreamAndDefaultsTheWindows() {
        JobSettings settings = JobSettings.fromPropertyGroups(groups(source("ingest", "eu-west-1"), null));

        assertEquals("ingest", settings.getSourceStreamName());
        assertEquals("eu-west-1", settings.getRegion());
        assertEquals(Duration.ofSeconds(60), settings.getWindowSettings().getWindowSize());
        assertEquals(Duration.ofSeconds(30), settings.getWindowSettings().getMaxOutOfOrderness());
    }

    @Test
    void readsTheTuningGroup() {
        Properties tuning = new Properties();
        tuning.setProperty(JobSettings.WINDOW_SIZE_SECONDS, " 300 ");
        tuning.setProperty(JobSettings.OUT_OF_ORDERNESS_SECONDS, "0");

        WindowSettings windows = JobSettings.fromPropertyGroups(groups(source("ingest", "eu-west-1"), tuning)).getWindowSettings();

        assertEquals(Duration.ofMinutes(5), windows.getWindowSize());
        assertEquals(Duration.ZERO, windows.getMaxOutOfOrderness());
    }

    @Test
    void failsClearlyWithoutTheSourceGroup() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> JobSettings.fromPropertyGroups(new HashMap<>()));

        assertTrue(e.getMessage().startsWith("Missing runtime property group FlinkApplicationProperties"), e.getMessage());
    }

    @Test
    void failsClearlyWithoutTheStream() {
        Properties source = source("ingest", "eu-west-1");
        source.remove(JobSettings.SOURCE_STREAM_NAME);

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> JobSettings.fromPropertyGroups(groups(source, null)));

        assertEquals("Missing runtime property source.stream.name in group FlinkApplicationProperties", e.getMessage());
    }

    @Test
    void rejectsWindowSizesThatAreNotWholePositiveSeconds() {
        for (String invalid : new String[] {"1m", "1.5", ""}) {
            Properties tuning = new Properties();
            tuning.setProperty(JobSettings.WINDOW_SIZE_SECONDS, invalid);

            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> JobSettings.fromPropertyGroups(groups(source("ingest", "eu-west-1"), tuning)));
            assertTrue(e.getMessage().startsWith("Invalid runtime property window.size.seconds in group EventCounts"), e.getMessage());
        }
        Properties zero = new Properties();
        zero.setProperty(JobSettings.WINDOW_SIZE_SECONDS, "0");
        assertThrows(IllegalArgumentException.class, () -> JobSettings.fromPropertyGroups(groups(source("ingest", "eu-west-1"), zero)));
    }

    @Test
    void failsClearlyOutsideManagedFlink() {
        assumeFalse(Files.exists(Path.of("/etc/flink/application_properties.json")), "this machine has Managed Flink's properties file");

        IllegalStateException e = assertThrows(IllegalStateException.class, JobSettings::fromRuntime);

        assertEquals("Missing runtime property group FlinkApplicationProperties (groups present: []). This job runs on "
                + "Managed Service for Apache Flink, whose runtime properties name the source stream in that group: "
                + "source.stream.name and aws.region.", e.getMessage());
    }

    private static Properties source(String streamName, String region) {
        Properties source = new Properties();
        source.setProperty(JobSettings.SOURCE_STREAM_NAME, streamName);
        source.setProperty(JobSettings.AWS_REGION, region);
        source.setProperty("source.stream.arn", "arn:aws:kinesis:" + region + ":111122223333:stream/" + streamName);
        return source;
    }

    private static Map<String, Properties> groups(Properties source, Properties tuning) {
        Map<String, Properties> groups = new HashMap<>();
        groups.put(JobSettings.SOURCE_GROUP, source);
        if (tuning != null) {
            groups.put(JobSettings.TUNING_GROUP, tuning);
        }
        return groups;
    }
}
