package dev.cdkstreamingpipeline.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SeedEventParserTest {
    private static final String SEED_EVENT = "{\"event_id\":\"evt_123\",\"event_type\":\"page_view\","
            + "\"timestamp\":\"2024-01-15T10:30:00Z\",\"user_id\":\"user_456\",\"page\":\"/products/item-789\","
            + "\"metadata\":{\"browser\":\"Chrome\",\"device\":\"desktop\"}}";

    @Test
    void parsesTheSeedEvent() throws InvalidSeedEventException {
        SeedEvent event = SeedEventParser.parse(SEED_EVENT);

        assertEquals(new SeedEvent("evt_123", "page_view", "user_456",
                Instant.parse("2024-01-15T10:30:00Z").toEpochMilli()), event);
    }

    @Test
    void parsesAnEventWithoutTheOptionalFields() throws InvalidSeedEventException {
        SeedEvent event = SeedEventParser.parse(with("page", null, "metadata", null));

        assertEquals("page_view", event.getEventType());
    }

    @Test
    void convertsZoneOffsetsToTheSameInstant() throws InvalidSeedEventException {
        SeedEvent event = SeedEventParser.parse(with("timestamp", "\"2024-01-15T12:30:00.250+02:00\""));

        assertEquals(Instant.parse("2024-01-15T10:30:00.250Z").toEpochMilli(), event.getTimestampMillis());
    }

    static Stream<Arguments> invalidRecords() {
        return Stream.of(
                Arguments.of("cut off", "{\"event_id\":", "not JSON"),
                Arguments.of("plain text", "hello", "not JSON"),
                Arguments.of("two concatenated events", SEED_EVENT + " {}", "not JSON"),
                Arguments.of("empty record", "", "not a JSON object"),
                Arguments.of("JSON array", "[1,2]", "not a JSON object"),
                Arguments.of("missing event_id", with("event_id", null), "missing event_id"),
                Arguments.of("missing event_type", with("event_type", null), "missing event_type"),
                Arguments.of("missing timestamp", with("timestamp", null), "missing timestamp"),
                Arguments.of("missing user_id", with("user_id", null), "missing user_id"),
                Arguments.of("null event_type", with("event_type", "null"), "missing event_type"),
                Arguments.of("blank event_type", with("event_type", "\" \""), "event_type is not a non-blank string"),
                Arguments.of("numeric event_type", with("event_type", "7"), "event_type is not a non-blank string"),
                Arguments.of("object user_id", with("user_id", "{}"), "user_id is not a non-blank string"),
                Arguments.of("epoch-millis timestamp", with("timestamp", "1705314600000"), "timestamp is not a non-blank string"),
                Arguments.of("timestamp without zone", with("timestamp", "\"2024-01-15T10:30:00\""), "timestamp is not an ISO-8601"),
                Arguments.of("date only", with("timestamp", "\"2024-01-15\""), "timestamp is not an ISO-8601"),
                Arguments.of("impossible date", with("timestamp", "\"2024-02-30T10:30:00Z\""), "timestamp is not an ISO-8601"),
                Arguments.of("beyond epoch millis", with("timestamp", "\"+999999999-12-31T23:59:59Z\""), "timestamp is not an ISO-8601"),
                Arguments.of("numeric page", with("page", "3"), "page is not a string"),
                Arguments.of("string metadata", with("metadata", "\"x\""), "metadata is not an object"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidRecords")
    void rejectsInvalidRecords(String description, String record, String reason) {
        InvalidSeedEventException e = assertThrows(InvalidSeedEventException.class, () -> SeedEventParser.parse(record));

        assertTrue(e.getMessage().startsWith(reason), () -> description + ": unexpected reason \"" + e.getMessage() + "\"");
    }

    /** The seed event with fields replaced by raw JSON values, or removed where the value is null. */
    private static String with(String... fieldsAndValues) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("event_id", "\"evt_123\"");
        fields.put("event_type", "\"page_view\"");
        fields.put("timestamp", "\"2024-01-15T10:30:00Z\"");
        fields.put("user_id", "\"user_456\"");
        fields.put("page", "\"/products/item-789\"");
        fields.put("metadata", "{\"browser\":\"Chrome\",\"device\":\"desktop\"}");
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            if (fieldsAndValues[i + 1] == null) {
                fields.remove(fieldsAndValues[i]);
            } else {
                fields.put(fieldsAndValues[i], fieldsAndValues[i + 1]);
            }
        }
        return fields.entrySet().stream()
                .map(field -> "\"" + field.getKey() + "\":" + field.getValue())
                .collect(Collectors.joining(",", "{", "}"));
    }
}
