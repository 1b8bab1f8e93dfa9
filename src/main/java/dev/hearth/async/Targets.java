package dev.hearth.async;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.core.Arns;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.Ids;
import dev.hearth.core.LambdaException;
import dev.hearth.registry.FunctionDirectory;
import dev.hearth.store.EventQueueStore.NewEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a destination or dead-letter ARN into the queued event that delivers to it: an asynchronous
 * invocation of a function on this node, or a message for an SQS queue on the configured endpoint. A
 * target that cannot be reached (a function that does not exist, SQS without an endpoint, SNS) is logged
 * with the event's request id and skipped: AWS too drops records it cannot deliver. Thread-safe;
 * {@link #resolve} reads memory only.
 */
final class Targets {
    private static final Logger LOG = LoggerFactory.getLogger(Targets.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FunctionDirectory directory;
    private final Arns arns;
    private final Ids ids;
    private final Clock clock;
    private final boolean sqsConfigured;

    Targets(FunctionDirectory directory, Arns arns, Ids ids, Clock clock, boolean sqsConfigured) {
        this.directory = directory;
        this.arns = arns;
        this.ids = ids;
        this.clock = clock;
        this.sqsConfigured = sqsConfigured;
    }

    /** The event delivering {@code body} to {@code arn} for the event {@code requestId}, or empty. */
    Optional<NewEvent> resolve(String arn, byte[] body, Map<String, String> sqsAttributes, String requestId) {
        String[] parts = arn.split(":", 6);
        String service = parts.length > 2 ? parts[2] : "";
        return switch (service) {
            case "lambda" -> function(arn, body, requestId);
            case "sqs" -> queue(arn, body, sqsAttributes, requestId);
            default -> {
                LOG.warn("event {}: cannot deliver to {}: Hearth delivers to Lambda functions and SQS queues only",
                        requestId, arn);
                yield Optional.empty();
            }
        };
    }

    private Optional<NewEvent> function(String arn, byte[] body, String requestId) {
        try {
            FunctionRef ref = FunctionRef.parse(arn, FunctionRef.Form.NAMESPACED)
                    .orElseThrow(() -> LambdaException.invalidParameter("not a function ARN"));
            if (ref.accountId().filter(a -> !a.equals(arns.accountId())).isPresent()) {
                throw LambdaException.notFound("the function belongs to another account");
            }
            String name = directory.resolve(arn, Optional.empty()).version().functionName();
            return Optional.of(NewEvent.invoke(ids.requestId(), name, ref.qualifier(), body, clock.millis(),
                    Optional.empty()));
        } catch (LambdaException e) {
            LOG.warn("event {}: cannot deliver to {}: {}", requestId, arn, e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<NewEvent> queue(String arn, byte[] body, Map<String, String> attributes, String requestId) {
        if (!sqsConfigured) {
            LOG.warn("event {}: cannot deliver to {}: no SQS endpoint is configured (--sqs-endpoint)", requestId, arn);
            return Optional.empty();
        }
        Optional<String> attributesJson;
        try {
            attributesJson = attributes.isEmpty() ? Optional.empty()
                    : Optional.of(JSON.writeValueAsString(new LinkedHashMap<>(attributes)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a string map always serialises", e);
        }
        return Optional.of(NewEvent.sqs(requestId, arn, body, attributesJson, clock.millis()));
    }
}
