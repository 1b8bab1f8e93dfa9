package dev.hearth.async;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * The invocation record AWS sends to an asynchronous invocation's destinations: {@code version},
 * {@code timestamp}, {@code requestContext} (requestId, functionArn, condition, approximateInvokeCount),
 * {@code requestPayload}, and — once the function ran — {@code responseContext} and
 * {@code responsePayload}. Payloads are embedded as JSON when they are JSON, else as a string. Pure.
 */
final class DestinationRecord {

    /** Why the record is sent. */
    enum Condition {
        SUCCESS("Success"), RETRIES_EXHAUSTED("RetriesExhausted"), EVENT_AGE_EXCEEDED("EventAgeExceeded");

        final String awsName;

        Condition(String awsName) {
            this.awsName = awsName;
        }
    }

    /** What the function answered on its last invocation. */
    record Response(int statusCode, String executedVersion, Optional<String> functionError, byte[] payload) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private DestinationRecord() {
    }

    static byte[] of(Instant timestamp, String requestId, String functionArn, Condition condition, int invokeCount,
                     byte[] requestPayload, Optional<Response> response) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("version", "1.0");
        out.put("timestamp", TIMESTAMP.format(timestamp));
        ObjectNode context = out.putObject("requestContext");
        context.put("requestId", requestId);
        context.put("functionArn", functionArn);
        context.put("condition", condition.awsName);
        context.put("approximateInvokeCount", invokeCount);
        out.set("requestPayload", embedded(requestPayload));
        response.ifPresent(r -> {
            ObjectNode rc = out.putObject("responseContext");
            rc.put("statusCode", r.statusCode());
            rc.put("executedVersion", r.executedVersion());
            r.functionError().ifPresent(e -> rc.put("functionError", e));
            out.set("responsePayload", embedded(r.payload()));
        });
        try {
            return JSON.writeValueAsBytes(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /** The {@code errorMessage} of a function error payload, if it has one (for dead-letter attributes). */
    static Optional<String> errorMessage(byte[] payload) {
        JsonNode node = embedded(payload);
        return Optional.ofNullable(node.get("errorMessage")).filter(JsonNode::isTextual).map(JsonNode::textValue);
    }

    private static JsonNode embedded(byte[] payload) {
        if (payload.length == 0) {
            return JsonNodeFactory.instance.nullNode();
        }
        try {
            JsonNode node = JSON.readTree(payload);
            return node == null || node.isMissingNode() ? JsonNodeFactory.instance.nullNode() : node;
        } catch (IOException notJson) {
            return JsonNodeFactory.instance.textNode(new String(payload, StandardCharsets.UTF_8));
        }
    }
}
