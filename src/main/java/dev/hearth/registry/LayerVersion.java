package dev.hearth.registry;

import dev.hearth.store.CodeArtifact;

import java.util.List;
import java.util.Optional;

/**
 * One published version of a layer: immutable once published. The compatibility lists and the licence
 * are present only when the publisher sent them (AWS then omits them from responses too).
 *
 * @param createdMillis when it was published ({@code CreatedDate})
 */
public record LayerVersion(
        String layerName,
        long version,
        String description,
        Optional<List<String>> compatibleRuntimes,
        Optional<List<String>> compatibleArchitectures,
        Optional<String> licenseInfo,
        long createdMillis,
        CodeArtifact code) {

    public LayerVersion {
        compatibleRuntimes = compatibleRuntimes.map(List::copyOf);
        compatibleArchitectures = compatibleArchitectures.map(List::copyOf);
    }

    /** Whether this version lists the runtime and architecture asked for (an absent filter matches). */
    boolean matches(Optional<String> runtime, Optional<String> architecture) {
        return runtime.map(r -> compatibleRuntimes.orElse(List.of()).contains(r)).orElse(true)
                && architecture.map(a -> compatibleArchitectures.orElse(List.of()).contains(a)).orElse(true);
    }
}
