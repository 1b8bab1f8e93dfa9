package dev.hearth.invoke;

import java.util.Optional;

/**
 * An Invoke request as the API received it.
 *
 * @param clientContext the decoded {@code X-Amz-Client-Context} JSON, if sent
 */
public record InvocationCall(String requestId, String functionName, Optional<String> qualifier, InvocationType type,
                             boolean tailLog, byte[] payload, Optional<String> clientContext,
                             Optional<String> traceId) {
}
