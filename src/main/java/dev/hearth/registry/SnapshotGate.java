package dev.hearth.registry;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Where publishing a SnapStart version waits for its snapshot: the version stays {@code Pending} until
 * the bound {@link Preparer} has run its init and before-snapshot hooks, then becomes {@code Active}, or
 * {@code Failed} with the init error as its reason. The composition root binds the preparer once the
 * data path exists (the registry is built before it); unbound, versions activate as without SnapStart.
 *
 * <p>Threading: thread-safe; {@link #await} blocks and is called from the activator's virtual threads.
 */
public final class SnapshotGate {

    /** Makes a version's snapshot; completes empty when made, or with the reason it could not be. */
    @FunctionalInterface
    public interface Preparer {
        CompletableFuture<Optional<String>> prepare(FunctionVersion version);
    }

    private volatile Preparer preparer;

    public void bind(Preparer bound) {
        this.preparer = bound;
    }

    /**
     * Whether environments of {@code version} start from a snapshot: a published version of a function with
     * {@code SnapStart.ApplyOn=PublishedVersions} on python3.12 or later. (Java accepts the setting too, and
     * reports it, but its environments start as before.)
     */
    public static boolean appliesTo(FunctionVersion version) {
        return !FunctionVersion.LATEST.equals(version.version()) && appliesTo(version.config());
    }

    static boolean appliesTo(FunctionConfig config) {
        return "PublishedVersions".equals(config.snapStartApplyOn())
                && config.runtime().filter(r -> r.matches("python3\\.(1[2-9]|[2-9]\\d)")).isPresent();
    }

    /** Whether publishing a version of {@code config} must wait for a snapshot. */
    boolean holds(FunctionConfig config) {
        return preparer != null && appliesTo(config);
    }

    /** Makes the snapshot and waits for it: empty when made, else the version's failure reason. */
    Optional<String> await(FunctionVersion version) {
        Preparer bound = preparer;
        if (bound == null || !appliesTo(version)) {
            return Optional.empty();
        }
        try {
            return bound.prepare(version).join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            return Optional.of("Lambda could not create the snapshot: " + e.getMessage());
        }
    }
}
