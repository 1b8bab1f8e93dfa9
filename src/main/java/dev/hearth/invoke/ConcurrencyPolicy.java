package dev.hearth.invoke;

import dev.hearth.core.ErrorCode;
import dev.hearth.core.LambdaException;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Whether one more invocation of a function may run, as AWS decides it. Pure and stateless.
 *
 * <p>A function with reserved concurrency runs at most that many invocations at once (0: none) and
 * never touches the shared pool; a function without one shares the account's unreserved pool with every
 * other such function. Invocations served by a provisioned environment of a function without a
 * reservation are bounded by the provisioned environments themselves (that concurrency was taken out of
 * the unreserved pool when it was configured), so they do not count against the pool.
 */
public final class ConcurrencyPolicy {

    /** AWS's ThrottleReason for a function at its reserved concurrency. */
    public static final String RESERVED_LIMIT = "ReservedFunctionConcurrentInvocationLimitExceeded";
    /** AWS's ThrottleReason for the account's (here: the unreserved pool's) concurrency. */
    public static final String ACCOUNT_LIMIT = "ConcurrentInvocationLimitExceeded";
    /** AWS's message on every concurrency throttle. */
    public static final String RATE_EXCEEDED = "Rate Exceeded.";

    /** Which counter an admitted invocation occupies. */
    public enum Slot {
        /** One of the function's reserved concurrency. */
        RESERVED,
        /** One of the account's unreserved pool. */
        UNRESERVED,
        /** A provisioned environment of a function without reservation: counted for the function only. */
        PROVISIONED
    }

    private ConcurrencyPolicy() {
    }

    /** The counter an invocation occupies. */
    public static Slot slot(OptionalInt reserved, boolean provisionedEnvironment) {
        if (reserved.isPresent()) {
            return Slot.RESERVED;
        }
        return provisionedEnvironment ? Slot.PROVISIONED : Slot.UNRESERVED;
    }

    /**
     * The throttle reason if one more invocation cannot run, given the invocations now running in its
     * slot; empty when it may run.
     *
     * @param running        invocations now occupying {@code slot}'s counter (the function's for
     *                       RESERVED, the pool's for UNRESERVED)
     * @param unreservedPool the size of the unreserved pool
     */
    public static Optional<String> throttle(Slot slot, OptionalInt reserved, int running, int unreservedPool) {
        return switch (slot) {
            case RESERVED -> running >= reserved.orElseThrow() ? Optional.of(RESERVED_LIMIT) : Optional.empty();
            case UNRESERVED -> running >= unreservedPool ? Optional.of(ACCOUNT_LIMIT) : Optional.empty();
            case PROVISIONED -> Optional.empty();
        };
    }

    /** AWS's throttle error: 429 TooManyRequestsException, "Rate Exceeded.", with the reason. */
    public static LambdaException throttled(String reason) {
        return new LambdaException(ErrorCode.TOO_MANY_REQUESTS, RATE_EXCEEDED, Map.of("Reason", reason), null);
    }
}
