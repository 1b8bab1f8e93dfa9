package dev.hearth.sandbox;

import dev.hearth.os.OutputPipes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The fallback {@link TopProcess}: a {@link Process} from {@link ProcessBuilder}. Its exit is seen by the
 * JDK's process reaper thread and its output only as blocking streams.
 *
 * <p>Threading: thread-safe.
 */
record JdkTopProcess(Process process, CompletableFuture<Integer> exitValue) implements TopProcess {

    JdkTopProcess(Process process) {
        this(process, process.onExit().thenApply(Process::exitValue));
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public InputStream stdout() {
        return process.getInputStream();
    }

    @Override
    public InputStream stderr() {
        return process.getErrorStream();
    }

    @Override
    public OutputStream stdin() {
        return process.getOutputStream();
    }

    @Override
    public Optional<OutputPipes> pipes() {
        return Optional.empty();
    }

    @Override
    public List<ProcessHandle> descendants() {
        return process.descendants().toList();
    }

    @Override
    public void kill() {
        process.destroyForcibly();
    }

    @Override
    public void release() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // Nothing left to flush to a process that is gone.
        }
    }
}
