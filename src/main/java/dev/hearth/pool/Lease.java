package dev.hearth.pool;

import dev.hearth.environment.Environment;

/**
 * An environment leased for one invocation; give it back with {@link EnvironmentPool#release}.
 *
 * @param cold        whether the environment was started for this lease (a cold start)
 * @param provisioned whether it is one of a provisioned concurrency set (it goes back to that set)
 */
public record Lease(PoolKey key, Environment environment, boolean cold, boolean provisioned) {

    /** An on-demand environment's lease. */
    public Lease(PoolKey key, Environment environment, boolean cold) {
        this(key, environment, cold, false);
    }
}
