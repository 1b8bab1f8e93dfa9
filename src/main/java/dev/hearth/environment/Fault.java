package dev.hearth.environment;

import java.time.Instant;
import java.util.List;

/**
 * Why an invocation failed without the runtime answering it normally, or why an environment ended: the
 * error the caller gets, the lines the log gets, and how REPORT describes it. Immutable.
 */
sealed interface Fault {

    /** The error type of the caller's {@code InvokeOutcome.Failure}. */
    String errorType();

    /** The caller's payload for the invocation {@code requestId}. */
    byte[] body(String requestId);

    /** The platform's log lines for the invocation, written after its START line. */
    List<String> logLines(String requestId, Instant now);

    /** True for timeouts: REPORT says {@code Status: timeout} instead of {@code Status: error}. */
    boolean timedOut();

    /** The type REPORT's and INIT_REPORT's {@code Error Type:} shows (normalised as AWS does). */
    String reportedType();

    /** A function or init timeout: {@code Sandbox.Timedout}. {@code seconds} is formatted, e.g. "3.00". */
    record Timeout(String seconds) implements Fault {
        @Override
        public String errorType() {
            return "Sandbox.Timedout";
        }

        @Override
        public byte[] body(String requestId) {
            return ErrorBodies.utf8(ErrorBodies.typeFirst(errorType(),
                    "RequestId: " + requestId + " Error: Task timed out after " + seconds + " seconds"));
        }

        @Override
        public List<String> logLines(String requestId, Instant now) {
            return List.of(LogLines.timeout(now, requestId, seconds));
        }

        @Override
        public boolean timedOut() {
            return true;
        }

        @Override
        public String reportedType() {
            return errorType();
        }
    }

    /**
     * An error the platform found ({@code Runtime.ExitError}, {@code Runtime.OutOfMemory},
     * {@code Runtime.InvalidEntrypoint}, {@code Sandbox.Failure}): AWS words these as
     * {@code "RequestId: <id> Error: <message>"}.
     */
    record Platform(String errorType, String message) implements Fault {
        @Override
        public byte[] body(String requestId) {
            return ErrorBodies.utf8(ErrorBodies.typeFirst(errorType, "RequestId: " + requestId + " Error: " + message));
        }

        @Override
        public List<String> logLines(String requestId, Instant now) {
            return List.of("RequestId: " + requestId + " Error: " + message, errorType);
        }

        @Override
        public boolean timedOut() {
            return false;
        }

        @Override
        public String reportedType() {
            return errorType;
        }
    }

    /**
     * An error the runtime reported through {@code /init/error}: the caller gets the runtime's own
     * payload; the runtime has logged its error itself.
     */
    record Reported(String errorType, String reportedType, byte[] payload) implements Fault {
        @Override
        public byte[] body(String requestId) {
            return payload;
        }

        @Override
        public List<String> logLines(String requestId, Instant now) {
            return List.of();
        }

        @Override
        public boolean timedOut() {
            return false;
        }
    }
}
