package dev.hearth.pool;

import dev.hearth.environment.Environment;

/**
 * An environment leased for one invocation; give it back with {@link EnvironmentPool#release}.
 *
 * @param cold whether the environment was started for this lease (a cold start)
 */
public record Lease(PoolKey key, Environment environment, boolean cold) {
}
