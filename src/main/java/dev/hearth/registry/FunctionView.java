package dev.hearth.registry;

import java.util.Map;
import java.util.Optional;

/**
 * A function version as a caller asked for it.
 *
 * @param version   the stored version (for an alias, the version the alias points to)
 * @param qualified whether the caller named a qualifier; AWS then reports a qualified FunctionArn
 * @param tags      the function's tags
 * @param alias     the alias the caller named, if any: AWS then reports the alias's ARN as FunctionArn
 */
public record FunctionView(FunctionVersion version, boolean qualified, Map<String, String> tags,
                           Optional<String> alias) {

    public FunctionView(FunctionVersion version, boolean qualified, Map<String, String> tags) {
        this(version, qualified, tags, Optional.empty());
    }

    /** The qualifier of the FunctionArn AWS reports: the alias, the version, or none. */
    public Optional<String> arnQualifier() {
        return qualified ? alias.or(() -> Optional.of(version.version())) : Optional.empty();
    }
}
