package dev.hearth.registry;

import java.util.Optional;

/**
 * How far the node got with a provisioned concurrency configuration, as the data plane reports it.
 *
 * @param allocated environments started for the configuration (AllocatedProvisionedConcurrentExecutions)
 * @param available of those, initialised and usable (AvailableProvisionedConcurrentExecutions)
 * @param reason    StatusReason, present when FAILED
 */
public record ProvisionedStatus(int allocated, int available, State state, Optional<String> reason) {

    /** AWS's ProvisionedConcurrencyStatusEnum. */
    public enum State { IN_PROGRESS, READY, FAILED }

    public static ProvisionedStatus starting() {
        return new ProvisionedStatus(0, 0, State.IN_PROGRESS, Optional.empty());
    }
}
