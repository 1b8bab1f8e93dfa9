package dev.hearth.registry;

import java.util.Optional;

/**
 * A function, and a version or alias of it when the request named one, as a control-plane operation
 * other than the function's own (concurrency, event-invoke configs, URLs) addresses it. Validated:
 * the function and the qualifier exist.
 *
 * @param functionName the bare function name
 * @param qualifier    {@code $LATEST}, a version number or an alias name; empty when unqualified
 */
public record Qualified(String functionName, Optional<String> qualifier, Kind kind) {

    public enum Kind { UNQUALIFIED, LATEST, VERSION, ALIAS }
}
