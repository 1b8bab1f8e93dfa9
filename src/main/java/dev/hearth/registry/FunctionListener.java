package dev.hearth.registry;

import java.util.Optional;

/**
 * Told after a function's {@code $LATEST} changed in the store (created, updated, activated) or was
 * deleted ({@code latest} empty). Called on the committing thread (a virtual thread); must not block
 * for long.
 */
@FunctionalInterface
public interface FunctionListener {
    void onChanged(String functionName, Optional<FunctionVersion> latest);
}
