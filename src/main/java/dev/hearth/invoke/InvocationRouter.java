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

    static InvocationRouter create(FunctionDirectory directory, EnvironmentPool pool, CodeStore code, Arns arns,
                                   Clock clock) {
        return new DefaultInvocationRouter(directory, pool, code, arns, clock);
    }
}
