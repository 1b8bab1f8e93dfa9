package dev.hearth.registry;

import java.util.Optional;

/**
 * Told after an alias was created or changed ({@code now} present) or deleted ({@code now} empty). The
 * settings kept per qualifier (provisioned concurrency, event-invoke configs) follow their alias with it.
 * Called on the committing thread (a virtual thread) while the registry's write lock is held; must not
 * block for long and must not write aliases or versions.
 */
@FunctionalInterface
public interface AliasListener {
    void onAliasChanged(String functionName, String aliasName, Optional<Alias> now);
}
