package dev.hearth.registry;

import java.util.Optional;

/**
 * Told after one version of a function changed in the store ({@code $LATEST} created, updated,
 * activated; a version published) or was deleted ({@code now} empty). Called on the committing thread
 * (a virtual thread); must not block for long.
 */
@FunctionalInterface
public interface FunctionListener {
    void onChanged(String functionName, String version, Optional<FunctionVersion> now);
}
