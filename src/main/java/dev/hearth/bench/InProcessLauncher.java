package dev.hearth.bench;

import dev.hearth.sandbox.Isolation;
import dev.hearth.sandbox.Sandbox;
import dev.hearth.sandbox.SandboxLauncher;
import dev.hearth.sandbox.SandboxSpec;

import java.io.IOException;

/**
 * The bench node's launcher: functions whose environment variables hold {@link #MARKER} run as an
 * {@link InProcessRuntime}; every other function goes to the node's real launcher. Only the harness
 * builds a node with it.
 */
final class InProcessLauncher implements SandboxLauncher {

    /** The environment variable that asks for the in-process runtime. */
    static final String MARKER = "HEARTH_BENCH_IN_PROCESS";

    private final SandboxLauncher real;

    InProcessLauncher(SandboxLauncher real) {
        this.real = real;
    }

    @Override
    public Sandbox launch(SandboxSpec spec) throws IOException {
        if ("1".equals(spec.environment().get(MARKER))) {
            return new InProcessRuntime(spec);
        }
        return real.launch(spec);
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
    }
}
