package dev.hearth.registry;

import java.util.Optional;

/**
 * The function version an invocation runs, as resolved from the caller's name and qualifier. For an
 * alias with a routing configuration, the version is the one this invocation was routed to.
 *
 * @param invokedArn the ARN as invoked: qualified when the caller gave a qualifier (the alias ARN when
 *                   the caller named an alias)
 * @param alias      the alias name when the caller invoked through an alias
 */
public record ResolvedFunction(FunctionVersion version, String invokedArn, Optional<String> alias) {

    public ResolvedFunction(FunctionVersion version, String invokedArn) {
        this(version, invokedArn, Optional.empty());
    }
}
