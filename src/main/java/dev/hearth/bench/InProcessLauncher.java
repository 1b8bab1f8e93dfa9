package dev.hearth.bench;

import dev.hearth.os.Linux;
import dev.hearth.os.Poller;
import dev.hearth.os.SilentPipes;
import dev.hearth.sandbox.Isolation;
import dev.hearth.sandbox.Sandbox;
import dev.hearth.sandbox.SandboxLauncher;
import dev.hearth.sandbox.SandboxSpec;

import java.io.IOException;
import java.util.Optional;

/**
 * The bench node's launcher: functions whose environment variables hold {@link #MARKER} run as an
 * {@link InProcessRuntime}; every other function goes to the node's real launcher. Only the harness
 * builds a node with it.
 *
 * <p>Where the node reads processes' output through native pipes ({@link Linux#nativeProcesses}), each
 * in-process runtime gets a pair of {@link SilentPipes} watched by this launcher's own poller, so that
 * the node reads its (empty) output the way it reads a spawned runtime's. Thread-safe.
 */
final class InProcessLauncher implements SandboxLauncher {

    /** The environment variable that asks for the in-process runtime. */
    static final String MARKER = "HEARTH_BENCH_IN_PROCESS";

    private final SandboxLauncher real;
    /** Started with the first in-process runtime, when native pipes are in use here. */
    private Poller poller;

    InProcessLauncher(SandboxLauncher real) {
        this.real = real;
    }

    @Override
    public Sandbox launch(SandboxSpec spec) throws IOException {
        if ("1".equals(spec.environment().get(MARKER))) {
            Optional<SilentPipes> pipes = Linux.nativeProcesses() ? Optional.of(SilentPipes.open(poller()))
                    : Optional.empty();
            return new InProcessRuntime(spec, pipes);
        }
        return real.launch(spec);
    }

    private synchronized Poller poller() throws IOException {
        if (poller == null) {
            poller = Poller.start("hearth-bench-poller");
        }
        return poller;
    }

    /** SnapStart templates are real sandboxes: their fork servers are the real launcher's. */
    @Override
    public java.util.Optional<dev.hearth.sandbox.ForkServer> attachForkServer(Sandbox sandbox) throws IOException {
        return real.attachForkServer(sandbox);
    }

    @Override
    public Isolation isolation() {
        return real.isolation();
    }

    @Override
    public void close() {
        real.close();
        synchronized (this) {
            if (poller != null) {
                poller.close();
            }
        }
    }
}
