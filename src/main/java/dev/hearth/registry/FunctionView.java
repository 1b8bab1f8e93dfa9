package dev.hearth.registry;

import java.util.Map;

/**
 * A function version as a caller asked for it.
 *
 * @param version   the stored version
 * @param qualified whether the caller named a qualifier; AWS then reports a qualified FunctionArn
 * @param tags      the function's tags
 */
public record FunctionView(FunctionVersion version, boolean qualified, Map<String, String> tags) {
}
