package dev.hearth.config;

import java.time.Duration;

/**
 * The asynchronous invocation queue. Immutable; validated on construction.
 *
 * @param retryBaseDelay the delay before the first retry of a failed event; the second waits twice as
 *                       long (AWS: about 1 and 2 minutes; shorter for development and tests)
 * @param sqsEndpoint    the SQS-compatible endpoint that SQS destinations and dead-letter queues are
 *                       sent to; empty when none is configured
 */
public record AsyncConfig(Duration retryBaseDelay, String sqsEndpoint) {

    public static final Duration DEFAULT_RETRY_BASE_DELAY = Duration.ofMinutes(1);

    public AsyncConfig {
        if (retryBaseDelay.isNegative()) {
            throw new IllegalArgumentException("retry delay must not be negative, got " + retryBaseDelay);
        }
        java.util.Objects.requireNonNull(sqsEndpoint, "sqsEndpoint");
        if (!sqsEndpoint.isEmpty() && !sqsEndpoint.matches("https?://[^/?#\\s]+(/\\S*)?")) {
            throw new IllegalArgumentException("the SQS endpoint must be an http(s) URL such as"
                    + " http://127.0.0.1:9324, got '" + sqsEndpoint + "'");
        }
    }

    public static AsyncConfig defaults() {
        return new AsyncConfig(DEFAULT_RETRY_BASE_DELAY, "");
    }

    public AsyncConfig withRetryBaseDelay(Duration delay) {
        return new AsyncConfig(delay, sqsEndpoint);
    }

    public AsyncConfig withSqsEndpoint(String endpoint) {
        return new AsyncConfig(retryBaseDelay, endpoint);
    }
}
