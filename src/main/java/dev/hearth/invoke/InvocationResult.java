package dev.hearth.invoke;

import java.util.Optional;

/**
 * What the Invoke API answers.
 *
 * @param functionError  {@code Unhandled} when the function failed
 * @param logResult      base64 of the invocation log's last 4 KB, when the caller asked for the tail
 */
public record InvocationResult(int status, String executedVersion, Optional<String> functionError, byte[] payload,
                               String contentType, Optional<String> logResult) {
}
