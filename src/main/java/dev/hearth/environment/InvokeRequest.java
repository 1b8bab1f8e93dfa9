package dev.hearth.environment;

import java.util.Optional;

/**
 * One invocation handed to an environment.
 *
 * @param requestId          the id the caller and the runtime both see
 * @param payload            the event bytes, passed to the runtime unchanged
 * @param invokedFunctionArn the ARN as invoked (qualified when the caller gave a qualifier)
 * @param deadlineEpochMillis when the function's timeout expires (also sent to the runtime)
 * @param clientContext      the decoded {@code X-Amz-Client-Context} JSON, if any
 * @param cognitoIdentity    the cognito identity JSON, if any
 * @param traceId            the X-Ray trace header value, if any
 */
public record InvokeRequest(String requestId, byte[] payload, String invokedFunctionArn, long deadlineEpochMillis,
                            Optional<String> clientContext, Optional<String> cognitoIdentity,
                            Optional<String> traceId) {
}
