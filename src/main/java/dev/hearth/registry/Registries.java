package dev.hearth.registry;

import dev.hearth.core.Arns;
import dev.hearth.core.Ids;
import dev.hearth.store.CodeStore;
import dev.hearth.store.FunctionStore;

import java.time.Clock;
import java.util.concurrent.Executor;

/** Creates the registry; the composition root's one entry into this package. */
public final class Registries {
    private Registries() {
    }

    public static FunctionRegistry functions(FunctionStore store, CodeStore code, Arns arns, Ids ids, Clock clock,
                                             Executor background) {
        return new DefaultFunctionRegistry(store, code, arns, ids, clock, background);
    }
}
