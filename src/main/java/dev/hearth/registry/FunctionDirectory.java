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

    /**
     * Validates a function name and optional qualifier (from the path, the {@code Qualifier} parameter,
     * or a qualified ARN) for a control-plane operation, with the same errors as {@link #resolve}.
     * Reads memory only.
     */
    Qualified target(String functionName, Optional<String> qualifier);

    /**
     * An alias of a function (bare function name), from memory; empty if the function or the alias does
     * not exist. Callers that need an alias's versions (provisioned concurrency) read them here.
     */
    Optional<Alias> alias(String functionName, String aliasName);

    /** A published version or {@code $LATEST} of a function (bare function name), from memory. */
    Optional<FunctionVersion> version(String functionName, String version);

    void addListener(FunctionListener listener);

    /** Registers a listener of alias creation, change and deletion. */
    void addAliasListener(AliasListener listener);

    /** Registers a check that may refuse an alias change before it is stored. */
    void addAliasGuard(AliasGuard guard);
}
