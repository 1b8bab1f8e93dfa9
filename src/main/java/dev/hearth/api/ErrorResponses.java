package dev.hearth.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.core.ErrorCode;
import dev.hearth.core.LambdaException;

import java.util.Map;

/**
 * The one place that turns errors into HTTP (ARCHITECTURE §4.6): the status of the error code, the
 * {@code x-amzn-ErrorType} header and the JSON body in the style AWS uses for that code.
 */
final class ErrorResponses {
    private ErrorResponses() {
    }

    static ApiResponse of(LambdaException e) {
        ErrorCode code = e.code();
        ObjectNode body = Json.object();
        String message = e.getMessage();
        switch (code.bodyStyle()) {
            case USER_CAPITALISED -> {
                body.put("Type", "User");
                body.put("Message", message);
            }
            case USER_LOWERCASE -> {
                body.put("Type", "User");
                body.put("message", message);
            }
            case PLAIN_LOWERCASE -> body.put("message", message);
            case PLAIN_CAPITALISED -> body.put("Message", message);
            case SERVICE_CAPITALISED -> {
                body.put("Type", "Service");
                body.put("Message", message);
            }
        }
        e.extraFields().forEach(body::put);
        return new ApiResponse(code.httpStatus(), Map.of("x-amzn-ErrorType", code.awsName()), Json.write(body),
                "application/json");
    }
}
