package dev.hearth.sandbox;

import java.io.IOException;

/**
 * Starts sandboxes. Implementations: bubblewrap + cgroups, or a plain process where those are missing
 * (see {@link Isolation}). Thread-safe; {@link #launch} blocks briefly (fork/exec) and is called from
 * virtual threads.
 */
public interface SandboxLauncher extends AutoCloseable {

    Sandbox launch(SandboxSpec spec) throws IOException;

    /** What isolation this launcher gives on this machine. */
    Isolation isolation();

    /** Kills every sandbox still running. */
    @Override
    void close();
}
