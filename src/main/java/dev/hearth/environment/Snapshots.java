package dev.hearth.environment;

import dev.hearth.logs.FunctionLogs;
import dev.hearth.runtimes.ManagedRuntimes;
import dev.hearth.sandbox.SandboxLauncher;
import io.vertx.core.Vertx;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * SnapStart snapshots of published versions, one template process each: the version's runtime started
 * once with {@code AWS_LAMBDA_INITIALIZATION_TYPE=snap-start}, its init and before-snapshot hooks run, then
 * kept as a fork server ({@link dev.hearth.sandbox.ForkServer}). Every new environment of the version is a
 * fork of it (see {@link EnvironmentFactory}), restored in milliseconds; its after-restore hooks run there.
 *
 * <p>Where the machine cannot give forked environments a private {@code /tmp} (no user namespaces for the
 * sandbox), the first template finds out, it is dropped, a warning is logged once, and SnapStart versions
 * start as ordinary cold starts of type {@code snap-start} (both hook kinds then run in every environment).
 *
 * <p>Threading: thread-safe; nothing blocks but {@link #close}.
 */
public interface Snapshots extends AutoCloseable {

    static Snapshots create(Vertx vertx, SandboxLauncher launcher, ManagedRuntimes runtimes, FunctionLogs logs,
                            Clock clock, EnvironmentSettings settings) {
        return new SnapshotTemplates(vertx, launcher, runtimes, logs, clock, settings);
    }

    /** Why a snapshot could not be made: the init error's type and message, as the runtime reported them. */
    record Failure(String errorType, String errorMessage) {
    }

    /**
     * Makes the snapshot of a version ({@code spec} of type {@code snap-start}) unless it exists: completes
     * empty once environments can be forked from it (or will start ordinarily, see above), or with why init
     * or a before-snapshot hook failed. INIT_START, the init's output and INIT_REPORT go to a log stream of
     * the version's log group.
     */
    CompletableFuture<Optional<Failure>> prepare(EnvironmentSpec spec);

    /**
     * Where each template's memory is counted while it lives: {@code +MemorySize} when it starts and
     * {@code -MemorySize} once it has ended (the pool's budget, bound after the pool exists).
     */
    void countMemoryIn(java.util.function.LongConsumer budget);

    /** Ends the snapshot of a version (deleted): its template process is killed. */
    void discard(String functionArn, String version);

    /** Kills every template. */
    @Override
    void close();
}
