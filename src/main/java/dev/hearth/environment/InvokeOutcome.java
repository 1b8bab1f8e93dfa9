package dev.hearth.environment;

/**
 * What the caller of an invocation gets back: the function's response or a function error (raised by
 * the user's code and reported by the runtime, or produced by the platform for timeouts, crashes, OOM,
 * init failures and oversized responses — all reported to callers as {@code Unhandled}).
 */
public sealed interface InvokeOutcome {

    /** The runtime posted a response. */
    record Success(byte[] body, String contentType) implements InvokeOutcome {
    }

    /**
     * The invocation failed.
     *
     * @param errorType the AWS error type, e.g. {@code Runtime.ExitError}, {@code Sandbox.Timedout}, or the
     *                  (normalised) type the runtime reported
     * @param body      the JSON error payload returned to the caller
     */
    record Failure(String errorType, byte[] body) implements InvokeOutcome {
    }
}
