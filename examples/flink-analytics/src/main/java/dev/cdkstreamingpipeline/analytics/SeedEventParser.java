package dev.cdkstreamingpipeline.analytics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.function.Predicate;

/**
 * Parses the JSON seed events producers put on the ingest stream. Required: {@code event_id}, {@code event_type},
 * {@code timestamp} (ISO-8601 with a zone offset) and {@code user_id}, all non-blank strings; optional: {@code page}
 * (a string) and {@code metadata} (an object).
 */
public final class SeedEventParser {
    // Trailing tokens mean two records were concatenated or one was cut: neither is the event the producer sent.
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private SeedEventParser() {
    }

    public static SeedEvent parse(String record) throws InvalidSeedEventException {
        JsonNode root;
        try {
            root = MAPPER.readTree(record);
        } catch (JsonProcessingException e) {
            throw new InvalidSeedEventException("not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidSeedEventException("not a JSON object");
        }
        String eventId = requiredText(root, "event_id");
        String eventType = requiredText(root, "event_type");
        String userId = requiredText(root, "user_id");
        long timestampMillis = parseTimestamp(requiredText(root, "timestamp"));
        requireTypeIfPresent(root, "page", JsonNode::isTextual, "a string");
        requireTypeIfPresent(root, "metadata", JsonNode::isObject, "an object");
        return new SeedEvent(eventId, eventType, userId, timestampMillis);
    }

    private static String requiredText(JsonNode root, String field) throws InvalidSeedEventException {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new InvalidSeedEventException("missing " + field);
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw new InvalidSeedEventException(field + " is not a non-blank string");
        }
        return node.asText();
    }

    private static void requireTypeIfPresent(JsonNode root, String field, Predicate<JsonNode> hasType,
            String typeName) throws InvalidSeedEventException {
        JsonNode node = root.get(field);
        if (node != null && !hasType.test(node)) {
            throw new InvalidSeedEventException(field + " is not " + typeName);
        }
    }

    // An offset is required: a local time would be read in the JVM's zone and shift events between windows.
    private static long parseTimestamp(String text) throws InvalidSeedEventException {
        try {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            // ArithmeticException: a valid date too far from 1970 for epoch milliseconds.
            throw new InvalidSeedEventException("timestamp is not an ISO-8601 instant with a zone offset: " + text);
        }
    }
}
