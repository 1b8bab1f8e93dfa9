package dev.hearth.registry;

import java.time.Instant;
import java.util.Optional;

/**
 * The asynchronous-invocation settings of one function and qualifier ({@code FunctionEventInvokeConfig}).
 * Absent members were not set: AWS omits them from responses and applies its defaults, which
 * {@link #retries()} and {@link #maximumEventAge()} give. Immutable.
 *
 * @param qualifier {@code $LATEST} for the unqualified function, else a version or alias
 */
public record EventInvokeConfig(String functionName, String qualifier, Optional<Integer> maximumRetryAttempts,
                                Optional<Integer> maximumEventAgeInSeconds, Optional<String> onSuccess,
                                Optional<String> onFailure, Instant lastModified) {

    public static final int DEFAULT_RETRY_ATTEMPTS = 2;
    public static final int MAX_RETRY_ATTEMPTS = 2;
    /** Six hours, AWS's default and maximum. */
    public static final int DEFAULT_EVENT_AGE_SECONDS = 21_600;
    public static final int MIN_EVENT_AGE_SECONDS = 60;

    /** The settings of a function that has no config: AWS's defaults and no destinations. */
    public static EventInvokeConfig defaults(String functionName, String qualifier) {
        return new EventInvokeConfig(functionName, qualifier, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Instant.EPOCH);
    }

    /** How many times a function error is retried. */
    public int retries() {
        return maximumRetryAttempts.orElse(DEFAULT_RETRY_ATTEMPTS);
    }

    /** How long an event may wait in the queue before it is discarded to its on-failure target. */
    public java.time.Duration maximumEventAge() {
        return java.time.Duration.ofSeconds(maximumEventAgeInSeconds.orElse(DEFAULT_EVENT_AGE_SECONDS));
    }
}
