package dev.hearth.bench;

import dev.hearth.os.OutputPipes;
import dev.hearth.os.SilentPipes;
import dev.hearth.sandbox.ExitStatus;
import dev.hearth.sandbox.Sandbox;
import dev.hearth.sandbox.SandboxSpec;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * A runtime without a process, for the platform-overhead row: a thread that speaks the Runtime
 * API like a minimal runtime client (one keep-alive HTTP/1.1 connection, {@code GET /next}, then
 * {@code POST /response} echoing the event, through {@link RuntimeWire}), so that a warm invoke through
 * it costs the platform's path and the two loopback round trips of the protocol, and nothing of an
 * interpreter.
 *
 * <p>It prints nothing. Its output is a pair of {@link SilentPipes} where the node reads spawned runtimes'
 * output through native pipes, so that the node's reading costs what a quiet process's does (a read that
 * finds the pipe empty when the runtime asks for its next event); elsewhere, two streams that stay empty
 * until it is killed (it reports no pid, -1, so the environment writes no output sync markers). It owns
 * every loopback connection (it runs inside the node).
 */
final class InProcessRuntime implements Sandbox {

    private final SandboxSpec spec;
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    private final SilentStream stdout = new SilentStream();
    private final SilentStream stderr = new SilentStream();
    private final Optional<SilentPipes> pipes;
    private final Thread loop;
    private volatile Socket socket;

    InProcessRuntime(SandboxSpec spec, Optional<SilentPipes> pipes) {
        this.spec = spec;
        this.pipes = pipes;
        String api = spec.environment().get("AWS_LAMBDA_RUNTIME_API");
        // A platform thread, not a virtual one: a runtime process blocked in recv() is woken by the kernel
        // directly, whereas a virtual thread parked on a socket is woken by a poller thread that then
        // schedules it on a carrier, one more hand-off that the row would charge to the platform.
        this.loop = Thread.ofPlatform().daemon().name("in-process-runtime-" + spec.id()).start(() -> run(api));
    }

    private void run(String api) {
        int colon = api.lastIndexOf(':');
        try (Socket s = new Socket(api.substring(0, colon), Integer.parseInt(api.substring(colon + 1)))) {
            socket = s;
            s.setTcpNoDelay(true);
            RuntimeWire wire = new RuntimeWire(s.getInputStream(), s.getOutputStream(), api);
            while (!Thread.currentThread().isInterrupted()) {
                wire.askNext();
                wire.readResponse();
                wire.postResponseEchoingEvent();
                wire.readResponse();
            }
            finish(new ExitStatus(OptionalInt.of(0), OptionalInt.empty(), false));
        } catch (IOException | RuntimeException e) {
            finish(new ExitStatus(OptionalInt.empty(), OptionalInt.of(9), false));
        }
    }

    private void finish(ExitStatus status) {
        pipes.ifPresent(SilentPipes::close);
        stdout.end();
        stderr.end();
        exit.complete(status);
    }

    @Override
    public String id() {
        return spec.id();
    }

    @Override
    public Optional<OutputPipes> outputPipes() {
        return pipes.map(SilentPipes::pipes);
    }

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
        loop.interrupt();
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing is all a kill needs; the loop ends either way
            }
        }
        finish(new ExitStatus(OptionalInt.empty(), OptionalInt.of(9), false));
    }

    @Override
    public boolean ownsLoopbackConnection(int clientPort, int serverPort) {
        return true;
    }

    @Override
    public OptionalLong maxMemoryUsedBytes() {
        return OptionalLong.empty();
    }

    @Override
    public void close() {
        kill();
    }

    /** An output stream of a process that prints nothing: blocks readers until the runtime ends. */
    private static final class SilentStream extends InputStream {
        private final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);

        void end() {
            ended.countDown();
        }

        @Override
        public int read() throws IOException {
            try {
                ended.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return len == 0 ? 0 : read();
        }
    }
}
