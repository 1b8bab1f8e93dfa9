package dev.hearth.registry;

/**
 * The function version an invocation runs, as resolved from the caller's name and qualifier.
 *
 * @param invokedArn the ARN as invoked: qualified when the caller gave a qualifier
 */
public record ResolvedFunction(FunctionVersion version, String invokedArn) {
}
