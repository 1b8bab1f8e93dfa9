package dev.hearth.bench;

import dev.hearth.sandbox.Isolation;
import dev.hearth.sandbox.Sandbox;
import dev.hearth.sandbox.SandboxLauncher;
import dev.hearth.sandbox.SandboxSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts an interpreter's do-nothing command inside a sandbox, the way the node starts runtimes (same
 * launcher, same memory and hence CPU share), with an empty {@code /var/task} and {@code /var/runtime},
 * and times it from launch to exit. Called from the harness thread.
 */
final class SandboxBaseline implements AutoCloseable {

    private static final int PID_LIMIT = 1024;
    private static final int TMP_MB = 512;

    private final SandboxLauncher launcher;
    private final Path emptyTask;
    private final Path emptyRuntime;
    private final int memoryMb;
    private final AtomicInteger sequence = new AtomicInteger();

    SandboxBaseline(SandboxLauncher launcher, Path workDir, int memoryMb) throws IOException {
        this.launcher = launcher;
        this.emptyTask = Files.createDirectories(workDir.resolve("sandbox-task"));
        this.emptyRuntime = Files.createDirectories(workDir.resolve("sandbox-runtime"));
        this.memoryMb = memoryMb;
    }

    Isolation isolation() {
        return launcher.isolation();
    }

    /** Nanoseconds from {@code launch} to the process having exited with status 0. */
    long timeToExit(Interpreter interpreter) throws IOException, InterruptedException {
        SandboxSpec spec = new SandboxSpec("hearth-bench-" + ProcessHandle.current().pid() + "-" + sequence.incrementAndGet(),
                interpreter.baselineCommand(),
                Interpreter.BASELINE_ENV,
                emptyTask, emptyRuntime, Optional.empty(), interpreter.extraReadOnly(), TMP_MB, memoryMb, PID_LIMIT);
        long t0 = System.nanoTime();
        try (Sandbox sandbox = launcher.launch(spec)) {
            var status = sandbox.exit().get(60, TimeUnit.SECONDS);
            long elapsed = System.nanoTime() - t0;
            if (status.signal().isPresent() || status.exitCode().orElse(-1) != 0) {
                String err = new String(sandbox.stderr().readNBytes(2000), java.nio.charset.StandardCharsets.UTF_8);
                throw new IOException(interpreter.baselineName() + " in the sandbox ended with " + status.describe()
                        + (err.isBlank() ? "" : ": " + err.strip()));
            }
            return elapsed;
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException(interpreter.baselineName() + " in the sandbox did not exit: " + e, e);
        }
    }

    /**
     * Sandboxes started per second when {@code n} do-nothing commands are launched {@code parallel} at a
     * time, each to its exit: the rate the sandbox and interpreter alone allow.
     */
    double launchRate(Interpreter interpreter, int n, int parallel) throws InterruptedException {
        java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(parallel);
        AtomicInteger failures = new AtomicInteger();
        long t0 = System.nanoTime();
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                slots.acquire();
                threads.submit(() -> {
                    try {
                        timeToExit(interpreter);
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    } finally {
                        slots.release();
                    }
                });
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " of " + n + " sandboxed " + interpreter.baselineName()
                    + " launches failed");
        }
        return n / seconds;
    }

    /** PSS of one idle interpreter ({@code python3 -c 'import time; time.sleep(60)'}) in a sandbox, in bytes. */
    long idlePssBytes(Interpreter python) throws IOException, InterruptedException {
        SandboxSpec spec = new SandboxSpec("hearth-bench-" + ProcessHandle.current().pid() + "-" + sequence.incrementAndGet(),
                List.of(python.executable().toString(), "-c", "import time; time.sleep(60)"), Interpreter.BASELINE_ENV,
                emptyTask, emptyRuntime, Optional.empty(), python.extraReadOnly(), TMP_MB, memoryMb, PID_LIMIT);
        try (Sandbox sandbox = launcher.launch(spec)) {
            Thread.sleep(500);
            return ProcessMemory.pssOfTree(sandbox.pid());
        }
    }

    @Override
    public void close() {
        launcher.close();
    }
}
