package dev.hearth.environment;

import dev.hearth.sandbox.ExitStatus;
import dev.hearth.sandbox.Sandbox;
import dev.hearth.sandbox.SandboxSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A sandbox whose process is a {@link RuntimeScript} on a virtual thread: stdout and stderr are pipes,
 * the exit status follows from how the script ends, and {@link #kill} interrupts it like SIGKILL.
 */
final class ScriptedSandbox implements Sandbox {
    private final SandboxSpec spec;
    private final PipedInputStream stdout = new PipedInputStream(64 * 1024);
    private final PipedInputStream stderr = new PipedInputStream(64 * 1024);
    private final PipedOutputStream stdoutWriter;
    private final PipedOutputStream stderrWriter;
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    private final AtomicInteger kills = new AtomicInteger();
    private final AtomicInteger closes = new AtomicInteger();
    private volatile OptionalLong maxMemory = OptionalLong.empty();
    private Thread process;

    ScriptedSandbox(SandboxSpec spec) throws IOException {
        this.spec = spec;
        this.stdoutWriter = new PipedOutputStream(stdout);
        this.stderrWriter = new PipedOutputStream(stderr);
    }

    void start(RuntimeScript script, HttpClient http) {
        PrintStream out = new PrintStream(stdoutWriter, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(stderrWriter, true, StandardCharsets.UTF_8);
        FakeRuntime runtime = new FakeRuntime(spec.environment(), http, out, err);
        process = Thread.ofVirtual().name("scripted-runtime-" + spec.id()).start(() -> {
            ExitStatus status;
            try {
                script.run(runtime);
                status = code(0);
            } catch (FakeRuntime.Exit e) {
                status = e.oom ? new ExitStatus(OptionalInt.empty(), OptionalInt.of(9), true) : code(e.code);
            } catch (InterruptedException e) {
                status = killed();
            } catch (Exception e) {
                if (kills.get() > 0) {
                    status = killed();
                } else {
                    e.printStackTrace(err);
                    status = code(1);
                }
            }
            closePipes();
            exit.complete(status);
        });
    }

    private static ExitStatus code(int code) {
        return new ExitStatus(OptionalInt.of(code), OptionalInt.empty(), false);
    }

    private static ExitStatus killed() {
        return new ExitStatus(OptionalInt.empty(), OptionalInt.of(9), false);
    }

    private void closePipes() {
        try {
            stdoutWriter.close();
            stderrWriter.close();
        } catch (IOException e) {
            // already closed
        }
    }

    SandboxSpec spec() {
        return spec;
    }

    int kills() {
        return kills.get();
    }

    int closes() {
        return closes.get();
    }

    void reportMaxMemory(long bytes) {
        maxMemory = OptionalLong.of(bytes);
    }

    @Override
    public String id() {
        return spec.id();
    }

    /**
     * No process: -1, as the bench's in-process runtime reports. A made-up pid would have the environment write
     * its output sync markers into {@code /proc/<pid>/fd/1} of whatever real process has that pid on the
     * machine running the tests.
     */
    @Override
    public long pid() {
        return -1;
    }

    @Override
    public InputStream stdout() {
        return stdout;
    }

    @Override
    public InputStream stderr() {
        return stderr;
    }

    @Override
    public CompletableFuture<ExitStatus> exit() {
        return exit;
    }

    @Override
    public void kill() {
        kills.incrementAndGet();
        process.interrupt();
    }

    @Override
    public OptionalLong maxMemoryUsedBytes() {
        return maxMemory;
    }

    @Override
    public void close() {
        closes.incrementAndGet();
        kill();
    }
}
