package dev.hearth.environment;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The error payloads of the Runtime API and of platform-made function errors, and the rules AWS applies
 * to the errors runtimes report. Pure functions; thread-safe.
 */
final class ErrorBodies {
    /** RAPID's MaxPayloadSize: 6 MiB plus 100 bytes of overhead, for responses and errors alike. */
    static final int MAX_PAYLOAD_BYTES = 6 * 1024 * 1024 + 100;
    static final String ERROR_CAUSE_CONTENT_TYPE = "application/vnd.aws.lambda.error.cause+json";

    private static final Pattern VALID_ERROR_TYPE = Pattern.compile("(Runtime|Function)\\.[A-Z][a-zA-Z]+");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ErrorBodies() {
    }

    /** {@code {"errorMessage":"…","errorType":"…"}}: the order the Runtime API and most AWS errors use. */
    static String messageFirst(String errorMessage, String errorType) {
        return "{\"errorMessage\":\"" + quote(errorMessage) + "\",\"errorType\":\"" + quote(errorType) + "\"}";
    }

    /** {@code {"errorType":"…","errorMessage":"…"}}: the order of platform errors such as Sandbox.Timedout. */
    static String typeFirst(String errorType, String errorMessage) {
        return "{\"errorType\":\"" + quote(errorType) + "\",\"errorMessage\":\"" + quote(errorMessage) + "\"}";
    }

    static String quote(String text) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(text));
    }

    /**
     * RAPID's {@code GetValidRuntimeOrFunctionErrorType}: a reported error type feeds REPORT and
     * telemetry only when it looks like {@code Runtime.Xxx} or {@code Function.Xxx}; anything else becomes
     * {@code Function.Unknown} or {@code Runtime.Unknown}.
     */
    static String normaliseErrorType(String reported) {
        if (reported != null && VALID_ERROR_TYPE.matcher(reported).matches()) {
            return reported;
        }
        return reported != null && reported.startsWith("Function.") ? "Function.Unknown" : "Runtime.Unknown";
    }

    /**
     * The body the caller gets for an error the runtime reported: the runtime's own bytes, except that
     * for the error-cause content type AWS removes {@code errorCause} (it is meant for X-Ray, not callers).
     */
    static byte[] forCaller(byte[] body, String contentType) {
        if (contentType == null || !contentType.startsWith(ERROR_CAUSE_CONTENT_TYPE)) {
            return body;
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node instanceof ObjectNode object && object.has("errorCause")) {
                object.remove("errorCause");
                return JSON.writeValueAsBytes(object);
            }
            return body;
        } catch (Exception e) {
            // Not JSON after all: pass it on untouched rather than lose what the runtime said.
            return body;
        }
    }

    /** The error type as the runtime gave it in its header, or RAPID's fallback when it gave none. */
    static String reportedType(String errorTypeHeader) {
        return errorTypeHeader == null || errorTypeHeader.isBlank() ? "Runtime.Unknown" : errorTypeHeader;
    }

    /** What the caller gets when the runtime's response (or error) exceeded the payload limit. */
    static InvokeOutcome.Failure responseTooLarge() {
        return new InvokeOutcome.Failure("Function.ResponseSizeTooLarge", utf8(messageFirst(
                "Response payload size exceeded maximum allowed payload size (" + MAX_PAYLOAD_BYTES + " bytes).",
                "Function.ResponseSizeTooLarge")));
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
