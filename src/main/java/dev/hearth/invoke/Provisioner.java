package dev.hearth.invoke;

import dev.hearth.environment.EnvironmentSpec;
import dev.hearth.pool.EnvironmentPool;
import dev.hearth.pool.ProvisionedProgress;
import dev.hearth.registry.Alias;
import dev.hearth.registry.ConcurrencyRegistry;
import dev.hearth.registry.FunctionDirectory;
import dev.hearth.registry.FunctionVersion;
import dev.hearth.registry.ProvisionedConfig;
import dev.hearth.registry.ProvisionedStatus;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Turns provisioned concurrency configurations into provisioned sets in the pool: for each one, the
 * version it names (an alias: the alias's primary version; when the alias moves, the set moves with it)
 * gets that many environments started with
 * {@code AWS_LAMBDA_INITIALIZATION_TYPE=provisioned-concurrency}; their progress goes back to the
 * registry as the configuration's status. Removing the configuration (or its version, or the function)
 * closes the set.
 *
 * <p>Listener callbacks run on the control plane's virtual threads; the pool calls back from any thread.
 */
final class Provisioner implements AutoCloseable {

    private record Key(String functionName, String qualifier) {
    }

    /** A provisioned set and what it was started for: the same again (an alias edit) keeps it. */
    private record Active(dev.hearth.pool.PoolKey poolKey, int requested, EnvironmentPool.Provisioned set) {
    }

    private final ConcurrencyRegistry registry;
    private final FunctionDirectory directory;
    private final EnvironmentPool pool;
    private final BiFunction<FunctionVersion, String, EnvironmentSpec> specs;
    private final Map<Key, Active> sets = new ConcurrentHashMap<>();

    Provisioner(ConcurrencyRegistry registry, FunctionDirectory directory, EnvironmentPool pool,
                BiFunction<FunctionVersion, String, EnvironmentSpec> specs) {
        this.registry = registry;
        this.directory = directory;
        this.pool = pool;
        this.specs = specs;
    }

    void onProvisioned(String functionName, String qualifier, Optional<ProvisionedConfig> now) {
        Key key = new Key(functionName, qualifier);
        Active old = now.isPresent() ? null : sets.remove(key);
        if (old != null) {
            old.set().close();
        }
        if (now.isEmpty()) {
            return;
        }
        String versionName = directory.alias(functionName, qualifier).map(Alias::functionVersion).orElse(qualifier);
        Optional<FunctionVersion> found = directory.version(functionName, versionName);
        if (found.isEmpty()) {
            registry.reportProvisioned(functionName, qualifier, new ProvisionedStatus(0, 0,
                    ProvisionedStatus.State.FAILED, Optional.of("Version " + versionName + " does not exist.")));
            return;
        }
        FunctionVersion version = found.get();
        dev.hearth.pool.PoolKey poolKey = DefaultInvocationRouter.keyOf(version);
        Active current = sets.get(key);
        if (current != null && current.poolKey().equals(poolKey) && current.requested() == now.get().requested()) {
            return; // e.g. an alias's description changed: its environments stay as they are
        }
        EnvironmentPool.Provisioned set = pool.provision(poolKey,
                version.config().memorySize(), now.get().requested(),
                () -> specs.apply(version, DefaultInvocationRouter.PROVISIONED),
                progress -> registry.reportProvisioned(functionName, qualifier, status(progress)));
        Active replaced = sets.put(key, new Active(poolKey, now.get().requested(), set));
        if (replaced != null) {
            replaced.set().close();
        }
    }

    static ProvisionedStatus status(ProvisionedProgress p) {
        ProvisionedStatus.State state = p.failure().isPresent() ? ProvisionedStatus.State.FAILED
                : p.ready() ? ProvisionedStatus.State.READY : ProvisionedStatus.State.IN_PROGRESS;
        return new ProvisionedStatus(p.allocated(), p.available(), state, p.failure());
    }

    @Override
    public void close() {
        sets.values().forEach(a -> a.set().close());
        sets.clear();
    }
}
