package dev.hearth.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * An error of the CloudWatch Logs API, rendered in the AWS JSON 1.1 protocol's style: HTTP 400 (500 for
 * the service's own failures) with {@code {"__type": "<Exception>", "message": "..."}} and the
 * {@code x-amzn-ErrorType} header. Kept apart from {@link ErrorResponses}, which renders the Lambda
 * API's REST-JSON errors. Unchecked; thrown by handlers, rendered by {@link LogsRoutes}.
 */
final class LogsError extends RuntimeException {
    static final String CONTENT_TYPE = "application/x-amz-json-1.1";

    private final String type;
    private final int status;

    LogsError(String type, String message) {
        this(type, 400, message);
    }

    LogsError(String type, int status, String message) {
        super(message);
        this.type = type;
        this.status = status;
    }

    static LogsError invalidParameter(String message) {
        return new LogsError("InvalidParameterException", message);
    }

    /** AWS's wording for a value outside a member's constraint. */
    static LogsError validation(String member, Object value, String constraint) {
        String shown = value == null ? "null" : "'" + value + "'";
        return invalidParameter("1 validation error detected: Value " + shown + " at '" + member
                + "' failed to satisfy constraint: " + constraint);
    }

    ApiResponse response() {
        ObjectNode body = Json.object();
        body.put("__type", type);
        body.put("message", getMessage());
        return new ApiResponse(status, Map.of("x-amzn-ErrorType", type), Json.write(body), CONTENT_TYPE);
    }
}
