package dev.hearth.registry;

import java.util.Map;
import java.util.Optional;

/** The version and alias requests {@link VersionRegistry} carries out, as typed records parsed by the API. */
public final class VersionCommands {
    private VersionCommands() {
    }

    /** PublishVersion: the preconditions are optional; a description overrides $LATEST's in the version. */
    public record PublishVersion(String functionName, Optional<String> codeSha256, Optional<String> description,
                                 Optional<String> revisionId) {
    }

    /**
     * CreateAlias. {@code routing} is present when the request had {@code RoutingConfig}; its map is the
     * {@code AdditionalVersionWeights} (empty: no additional version).
     */
    public record CreateAlias(String functionName, String name, Optional<String> functionVersion,
                              Optional<String> description, Optional<Map<String, Double>> routing) {
    }

    /** UpdateAlias: absent members keep their value; a present, empty routing map removes the routing. */
    public record UpdateAlias(String functionName, String name, Optional<String> functionVersion,
                              Optional<String> description, Optional<Map<String, Double>> routing,
                              Optional<String> revisionId) {
    }
}
