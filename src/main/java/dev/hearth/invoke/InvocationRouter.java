package dev.hearth.invoke;

import dev.hearth.core.Arns;
import dev.hearth.pool.EnvironmentPool;
import dev.hearth.registry.FunctionDirectory;
import dev.hearth.store.CodeStore;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/**
 * Every invocation, whatever its source, goes through here (ARCHITECTURE §1). Thread-safe;
 * {@link #invoke} never blocks: it runs on the caller's event loop up to handing the event over.
 */
public interface InvocationRouter {

    /**
     * Runs one invocation. The future fails with a {@link dev.hearth.core.LambdaException} for request
     * errors (not found, bad payload, function not active); function errors are results with
     * {@code functionError} set.
     */
    CompletableFuture<InvocationResult> invoke(InvocationCall call);

    /** The pool key of a function version: environments serve one configuration only. */
    static dev.hearth.pool.PoolKey poolKey(dev.hearth.registry.FunctionVersion version) {
        return DefaultInvocationRouter.keyOf(version);
    }

    /** A router without concurrency settings: the default account limit, nothing reserved. */
    static InvocationRouter create(FunctionDirectory directory, EnvironmentPool pool, CodeStore code, Arns arns,
                                   Clock clock) {
        return create(directory, pool, code, arns, clock, Unlimited.DEFAULT);
    }

    /** A router that admits invocations by {@code concurrency} (reserved concurrency, unreserved pool). */
    static InvocationRouter create(FunctionDirectory directory, EnvironmentPool pool, CodeStore code, Arns arns,
                                   Clock clock, dev.hearth.registry.ConcurrencySettings concurrency) {
        return new DefaultInvocationRouter(directory, pool, code, arns, clock, concurrency);
    }

    /**
     * Keeps the environments of every provisioned concurrency configuration of {@code registry}, started
     * from {@code router}'s specs, until closed. Attach before {@link dev.hearth.registry.ConcurrencyRegistry#recover} so that
     * stored configurations are provisioned at start-up.
     */
    static AutoCloseable provision(InvocationRouter router, dev.hearth.registry.ConcurrencyRegistry registry,
                                   FunctionDirectory directory, EnvironmentPool pool) {
        if (!(router instanceof DefaultInvocationRouter r)) {
            throw new IllegalArgumentException("provisioning needs the router create() made");
        }
        Provisioner provisioner = new Provisioner(registry, directory, pool, r::spec);
        registry.addProvisionedListener(provisioner::onProvisioned);
        return provisioner;
    }

    /**
     * The environment spec {@code router} would start {@code version} with, for a SnapStart snapshot
     * (initialization type {@code snap-start}). Blocking: unpacks the code the first time.
     */
    static dev.hearth.environment.EnvironmentSpec snapshotSpec(InvocationRouter router,
                                                               dev.hearth.registry.FunctionVersion version) {
        if (!(router instanceof DefaultInvocationRouter r)) {
            throw new IllegalArgumentException("snapshot specs need the router create() made");
        }
        return r.spec(version, DefaultInvocationRouter.ON_DEMAND);
    }

    /** The default account limit, nothing reserved. */
    enum Unlimited implements dev.hearth.registry.ConcurrencySettings {
        DEFAULT;

        @Override
        public java.util.OptionalInt reserved(String functionName) {
            return java.util.OptionalInt.empty();
        }

        @Override
        public int unreservedPool() {
            return dev.hearth.config.ConcurrencyConfig.DEFAULT_ACCOUNT_LIMIT;
        }

        @Override
        public int accountLimit() {
            return dev.hearth.config.ConcurrencyConfig.DEFAULT_ACCOUNT_LIMIT;
        }
    }
}
