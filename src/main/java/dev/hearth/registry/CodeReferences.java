package dev.hearth.registry;

import dev.hearth.store.CodeStore;
import dev.hearth.store.FunctionStore;
import dev.hearth.store.LayerStack;
import dev.hearth.store.LayerStore;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Which stored code is still in use, and the collection of what is not. Code is in use while a function
 * version runs it, a layer version holds it, or a function version has it among its layers — the last
 * one keeps a deleted layer version's code for the functions configured with it, as on AWS.
 *
 * <p>{@link #lock()} serialises storing code and committing the rows that reference it against collecting
 * unreferenced code: every writer of the code store holds it across both steps. Threading: blocking;
 * called from virtual threads.
 */
final class CodeReferences {

    private final FunctionStore functions;
    private final LayerStore layers;
    private final CodeStore code;
    private final LayerStack stacks;
    private final ReentrantLock lock = new ReentrantLock();

    CodeReferences(FunctionStore functions, LayerStore layers, CodeStore code, LayerStack stacks) {
        this.functions = functions;
        this.layers = layers;
        this.code = code;
        this.stacks = stacks;
    }

    ReentrantLock lock() {
        return lock;
    }

    /** Removes stored code, and merged layer stacks, that nothing references. Call with {@link #lock()} held. */
    void collect() {
        Set<String> live = live();
        code.retainOnly(live);
        stacks.retainOnly(live);
    }

    /** Clears what a crash left half-written, then collects. Called once at start. */
    void recover() {
        lock.lock();
        try {
            code.clearScratch();
            stacks.clearScratch();
            collect();
        } finally {
            lock.unlock();
        }
    }

    /** The total size of the layer versions' zips, for the account's code usage. */
    long layerCodeSize() {
        return layers.totalCodeSize();
    }

    private Set<String> live() {
        Set<String> live = new HashSet<>(functions.referencedCode());
        live.addAll(layers.referencedCode());
        for (FunctionStore.VersionRow row : functions.allVersions()) {
            FunctionDocuments.fromRow(row).config().layers().forEach(l -> live.add(l.codeSha256Hex()));
        }
        return live;
    }
}
