package dev.hearth.registry;

import java.util.Optional;

/**
 * A function alias: a name that points at one version ({@code $LATEST} or a number) and optionally routes
 * a share of its invocations to one additional published version. Immutable.
 *
 * @param functionVersion the primary version
 * @param routing         the additional version and its weight, when the alias has a routing configuration
 */
public record Alias(String functionName, String name, String functionVersion, Optional<Routing> routing,
                    String description, String revisionId) {

    /** The additional version and the share (0.0–1.0) of invocations routed to it. */
    public record Routing(String version, double weight) {
    }

    /** Whether this alias routes any invocation to {@code version}. */
    public boolean references(String version) {
        return functionVersion.equals(version) || routing.filter(r -> r.version().equals(version)).isPresent();
    }
}
