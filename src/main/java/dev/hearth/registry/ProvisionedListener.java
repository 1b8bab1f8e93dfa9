package dev.hearth.registry;

import java.util.Optional;

/**
 * Told after a provisioned concurrency configuration was set ({@code now} present) or removed (empty),
 * including at start-up for every stored one. Called on the committing thread (a virtual thread); must
 * not block for long.
 */
@FunctionalInterface
public interface ProvisionedListener {
    void onProvisioned(String functionName, String qualifier, Optional<ProvisionedConfig> now);
}
