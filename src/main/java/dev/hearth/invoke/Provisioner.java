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
 * version it names (an alias: the alias's primary version, as it pointed when the configuration was set)
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

    private final ConcurrencyRegistry registry;
    private final FunctionDirectory directory;
    private final EnvironmentPool pool;
    private final BiFunction<FunctionVersion, String, EnvironmentSpec> specs;
    private final Map<Key, EnvironmentPool.Provisioned> sets = new ConcurrentHashMap<>();

    Provisioner(ConcurrencyRegistry registry, FunctionDirectory directory, EnvironmentPool pool,
                BiFunction<FunctionVersion, String, EnvironmentSpec> specs) {
        this.registry = registry;
        this.directory = directory;
        this.pool = pool;
        this.specs = specs;
    }

    void onProvisioned(String functionName, String qualifier, Optional<ProvisionedConfig> now) {
        Key key = new Key(functionName, qualifier);
        EnvironmentPool.Provisioned old = now.isPresent() ? null : sets.remove(key);
        if (old != null) {
            old.close();
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
        EnvironmentPool.Provisioned set = pool.provision(DefaultInvocationRouter.keyOf(version),
                version.config().memorySize(), now.get().requested(),
                () -> specs.apply(version, DefaultInvocationRouter.PROVISIONED),
                progress -> registry.reportProvisioned(functionName, qualifier, status(progress)));
        EnvironmentPool.Provisioned replaced = sets.put(key, set);
        if (replaced != null) {
            replaced.close();
        }
    }

    static ProvisionedStatus status(ProvisionedProgress p) {
        ProvisionedStatus.State state = p.failure().isPresent() ? ProvisionedStatus.State.FAILED
                : p.ready() ? ProvisionedStatus.State.READY : ProvisionedStatus.State.IN_PROGRESS;
        return new ProvisionedStatus(p.allocated(), p.available(), state, p.failure());
    }

    @Override
    public void close() {
        sets.values().forEach(EnvironmentPool.Provisioned::close);
        sets.clear();
    }
}
