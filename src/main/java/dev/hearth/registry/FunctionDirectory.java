package dev.hearth.registry;

import java.util.Optional;

/**
 * The data plane's view of the registry: resolves a function name for an invocation from memory — no
 * store access on the invoke path — and reports changes to listeners (the pool retires environments
 * of old configurations). Thread-safe; {@link #resolve} never blocks.
 */
public interface FunctionDirectory {

    /**
     * Resolves a function name (name, partial ARN or ARN) and qualifier, with AWS's validation and
     * errors: a malformed name, a foreign region, or a function or qualifier that does not exist.
     */
    ResolvedFunction resolve(String functionName, Optional<String> qualifier);

    void addListener(FunctionListener listener);
}
