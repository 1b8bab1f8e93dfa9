package dev.hearth.registry;

import dev.hearth.core.Arns;
import dev.hearth.core.Ids;
import dev.hearth.store.CodeStore;
import dev.hearth.store.FunctionStore;
import dev.hearth.store.LayerStore;

import java.time.Clock;
import java.util.concurrent.Executor;

/** Creates the registry; the composition root's one entry into this package. */
public final class Registries {
    private Registries() {
    }

    /** The control plane and its in-memory directory for the data plane, sharing one cached store. */
    public record Parts(FunctionRegistry registry, FunctionDirectory directory, VersionRegistry versions,
                        LayerRegistry layers) {
    }

    /** @param layers layer versions; their code lives in {@code code} with the functions' */
    public static Parts create(FunctionStore store, LayerStore layers, CodeStore code, Arns arns, Ids ids, Clock clock,
                               Executor background) {
        return create(store, layers, code, arns, ids, clock, background, new SnapshotGate());
    }

    /** As above; publishing a SnapStart version waits for its snapshot at {@code snapshots}. */
    public static Parts create(FunctionStore store, LayerStore layers, CodeStore code, Arns arns, Ids ids, Clock clock,
                               Executor background, SnapshotGate snapshots) {
        CachingFunctionStore cached = new CachingFunctionStore(store);
        CodeReferences references = new CodeReferences(cached, layers, code, code.layerStacks());
        DefaultLayerRegistry layerRegistry = new DefaultLayerRegistry(layers, code, references, arns, ids, clock);
        Publisher publisher = new Publisher(cached, new FunctionActivator(cached, code, ids, background, snapshots),
                ids, clock);
        return new Parts(new DefaultFunctionRegistry(cached, code, references, layerRegistry::resolve, arns, ids, clock,
                background, snapshots), new MemoryFunctionDirectory(cached, arns),
                new DefaultVersionRegistry(cached, publisher, arns, ids), layerRegistry);
    }

    /** The control plane alone (tests that need no invocations). */
    public static FunctionRegistry functions(FunctionStore store, LayerStore layers, CodeStore code, Arns arns,
                                             Ids ids, Clock clock, Executor background) {
        return create(store, layers, code, arns, ids, clock, background).registry();
    }
}
