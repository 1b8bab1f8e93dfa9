package dev.hearth.environment;

import dev.hearth.logs.FunctionLogs;
import dev.hearth.runtimes.ManagedRuntimes;
import dev.hearth.sandbox.SandboxLauncher;
import io.vertx.core.Vertx;

import java.time.Clock;

/**
 * Starts environments: opens the Runtime API endpoint, launches the sandboxed runtime, and begins init.
 * Thread-safe.
 */
public interface EnvironmentFactory extends AutoCloseable {

    /**
     * The factory of the node: each environment gets its own Runtime API endpoint on {@code vertx}, a
     * sandbox from {@code launcher} running what {@code runtimes} says, and a log stream in {@code logs}
     * named after the day {@code clock} gives.
     */
    static EnvironmentFactory create(Vertx vertx, SandboxLauncher launcher, ManagedRuntimes runtimes, FunctionLogs logs,
                                     Clock clock, EnvironmentSettings settings) {
        return create(vertx, launcher, runtimes, logs, clock, settings, StemCellSettings.off());
    }

    /**
     * As above, and cold starts become stem cells ({@code cells}) where one matches: sandboxes started
     * ahead of demand with the interpreter and bootstrap loaded, refilled in the background.
     */
    static EnvironmentFactory create(Vertx vertx, SandboxLauncher launcher, ManagedRuntimes runtimes, FunctionLogs logs,
                                     Clock clock, EnvironmentSettings settings, StemCellSettings cells) {
        return new LocalEnvironmentFactory(vertx, launcher, runtimes, logs, clock, settings, cells, java.util.Optional.empty());
    }

    /**
     * As above, and environments of SnapStart versions ({@code snap-start} specs) are forked from their
     * version's snapshot in {@code snapshots} (made by {@link Snapshots#prepare}, or on demand).
     */
    static EnvironmentFactory create(Vertx vertx, SandboxLauncher launcher, ManagedRuntimes runtimes, FunctionLogs logs,
                                     Clock clock, EnvironmentSettings settings, StemCellSettings cells,
                                     Snapshots snapshots) {
        return new LocalEnvironmentFactory(vertx, launcher, runtimes, logs, clock, settings, cells,
                java.util.Optional.of((SnapshotTemplates) snapshots));
    }

    /**
     * Starts a new environment for {@code spec}. The returned environment is initialising; hand it an
     * invocation right away (cold start) or wait for {@code ready}. Failures to launch (no interpreter,
     * cannot exec) surface as a failed invocation outcome ({@code Runtime.InvalidEntrypoint} etc.), not as
     * an exception.
     */
    Environment start(EnvironmentSpec spec);

    /** Shuts every environment down. */
    @Override
    void close();
}
