package dev.hearth.sandbox;

import dev.hearth.os.OutputPipes;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A sandbox's top process, however the launcher started it: through {@code posix_spawn} and pidfds
 * ({@link NativeTopProcess}, watched by the launcher's one poller thread) or through the JDK's
 * {@link Process} ({@link JdkTopProcess}, the fallback, which costs a reaper thread per process).
 *
 * <p>Threading: thread-safe.
 */
interface TopProcess {

    long pid();

    /** Completes with the exit code, or 128 + the signal that killed the process (the JDK's convention). */
    CompletableFuture<Integer> exitValue();

    InputStream stdout();

    InputStream stderr();

    /** The pipe to standard input; one that leads nowhere unless the process was started with a pipe. */
    OutputStream stdin();

    /** Non-blocking output pipes, when the process has them. */
    Optional<OutputPipes> pipes();

    /** The process's descendants now (read from {@code /proc}). */
    List<ProcessHandle> descendants();

    /** SIGKILL to the top process. */
    void kill();

    /** Releases the node's ends of the process's pipes (and its pidfd once reaped). */
    void release();
}
