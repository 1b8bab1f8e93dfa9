package dev.hearth.async;

import java.util.Map;

/**
 * Sends a message to an SQS queue named by its ARN on the configured SQS-compatible endpoint.
 * Blocking; call from virtual threads. Throws on any failure (the event stays queued and is sent again).
 */
public interface SqsSender extends AutoCloseable {

    /** Sends {@code body} with String message attributes. */
    void send(String queueArn, String body, Map<String, String> attributes);

    @Override
    void close();

    /** A sender for the endpoint, e.g. {@code http://127.0.0.1:9324}. */
    static SqsSender forEndpoint(String endpoint) {
        return new SdkSqsSender(java.net.URI.create(endpoint));
    }
}
