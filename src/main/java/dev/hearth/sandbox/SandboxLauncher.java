package dev.hearth.sandbox;

import java.io.IOException;
import java.util.Optional;

/**
 * Starts sandboxes. Implementations: bubblewrap + cgroups, or a plain process where those are missing
 * (see {@link Isolation}). Thread-safe; {@link #launch} blocks briefly (fork/exec) and is called from
 * virtual threads.
 */
public interface SandboxLauncher extends AutoCloseable {

    Sandbox launch(SandboxSpec spec) throws IOException;

    /**
     * Launches a stem cell ({@link StemSandbox}): as {@link #launch}, except that the process's standard
     * input is a pipe kept for {@link StemSandbox#specialise}. {@code spec.memoryMb()} is the nominal limit
     * while it waits. Empty when this launcher has no such thing (then every start is a plain launch).
     */
    default Optional<StemSandbox> launchStem(SandboxSpec spec) throws IOException {
        return Optional.empty();
    }

    /**
     * Attaches to the fork server ({@code hearth_fork.py}) listening in {@code sandbox}, one this launcher
     * started: children it forks get cgroups and limits from this launcher. Empty when this launcher
     * cannot give forked children their own limits and {@code /tmp} (plain processes). Blocking.
     */
    default Optional<ForkServer> attachForkServer(Sandbox sandbox) throws IOException {
        return Optional.empty();
    }

    /** What isolation this launcher gives on this machine. */
    Isolation isolation();

    /** Kills every sandbox still running. */
    @Override
    void close();
}
