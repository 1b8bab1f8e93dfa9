package dev.hearth.pool;

import java.util.Optional;

/**
 * Where a provisioned set stands.
 *
 * @param requested environments the set keeps
 * @param allocated environments started and not stopped (initialising or initialised)
 * @param available of those, initialised: idle or serving
 * @param failure   why the set gave up (an environment's init failed, or the memory budget is full)
 */
public record ProvisionedProgress(int requested, int allocated, int available, Optional<String> failure) {

    public boolean ready() {
        return failure.isEmpty() && available >= requested;
    }
}
