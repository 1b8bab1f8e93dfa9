package dev.hearth.environment;

import dev.hearth.os.Linux;
import dev.hearth.os.OutputPipe;
import dev.hearth.os.OutputPipes;
import dev.hearth.os.Poller;
import dev.hearth.os.UnixSocket;
import dev.hearth.sandbox.ExitStatus;
import dev.hearth.sandbox.Sandbox;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * A forked child's output as the environment reads it: one unix connection carrying stdout and stderr,
 * handed to the poller after the fork handshake, with an already-ended pipe standing for stderr.
 */
class ForkConnectionOutputTest {
    @TempDir
    Path dir;
    private Vertx vertx;
    private Context context;
    private Poller poller;
    private ServerSocketChannel listener;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<String> ends = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        assumeThat(Linux.unavailable()).as("native processes on this machine").isEmpty();
        vertx = Vertx.vertx();
        context = vertx.getOrCreateContext();
        poller = Poller.start("test-poller");
        listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(dir.resolve("control.sock")));
    }

    @AfterEach
    void stop() throws Exception {
        if (poller != null) {
            listener.close();
            poller.close();
            vertx.close();
        }
    }

    private <T> T onContext(Callable<T> call) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                result.complete(call.call());
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(5, TimeUnit.SECONDS);
    }

    private static void send(SocketChannel peer, String text) throws Exception {
        ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (buffer.hasRemaining()) {
            peer.write(buffer);
        }
    }

    @Test
    void afterTheHandshake_theConnectionsOutputIsDrainedBeforeEnd_andItsCloseEndsBothStreams() throws Exception {
        try (UnixSocket socket = UnixSocket.connect(dir.resolve("control.sock"), poller);
             SocketChannel child = listener.accept()) {
            // The child's answer and its first output in one write: the handshake must leave the output unread.
            send(child, "port 0\nfirst\n");
            StringBuilder answer = new StringBuilder();
            for (int c = socket.read(); c != '\n'; c = socket.read()) {
                answer.append((char) c);
            }
            assertThat(answer).hasToString("port 0");
            ProcessOutput output = new ProcessOutput(vertx, context, lines::addAll, () -> ends.add("ended"));
            Sandbox sandbox = new ConnectionSandbox(new OutputPipes(socket.output(), OutputPipe.ended()));
            onContext(() -> {
                output.start(sandbox);
                return null;
            });
            send(child, "second\nno newline");

            List<String> atSettle = onContext(() -> {
                List<String> seen = new CopyOnWriteArrayList<>();
                output.afterSettled(() -> seen.addAll(lines));
                return seen;
            });

            assertThat(atSettle).containsExactly("first", "second", "no newline");
            assertThat(ends).as("only the stand-in for stderr has ended").hasSize(1);
            child.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> ends.size() == 2);
            assertThat(onContext(output::ended)).isTrue();
            assertThat(poller.watched()).isZero();
        }
    }

    /** What ProcessOutput asks of a forked sandbox: its pipes. */
    private record ConnectionSandbox(OutputPipes pipes) implements Sandbox {
        public String id() {
            return "forked";
        }

        public long pid() {
            return -1;
        }

        public InputStream stdout() {
            throw new AssertionError("a sandbox with pipes is not read through its streams");
        }

        public InputStream stderr() {
            throw new AssertionError("a sandbox with pipes is not read through its streams");
        }

        public Optional<OutputPipes> outputPipes() {
            return Optional.of(pipes);
        }

        public CompletableFuture<ExitStatus> exit() {
            return new CompletableFuture<>();
        }

        public void kill() {
        }

        public OptionalLong maxMemoryUsedBytes() {
            return OptionalLong.empty();
        }

        public void close() {
        }
    }
}
