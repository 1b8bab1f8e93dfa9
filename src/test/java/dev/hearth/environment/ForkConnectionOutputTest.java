package dev.hearth.environment;

import dev.hearth.os.Linux;
import dev.hearth.os.OutputPipe;
import dev.hearth.os.OutputPipes;
import dev.hearth.os.UnixSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

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
    private OutputLoop loop;
    private ServerSocketChannel listener;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<String> ends = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        assumeThat(Linux.unavailable()).as("native processes on this machine").isEmpty();
        loop = new OutputLoop();
        listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(dir.resolve("control.sock")));
    }

    @AfterEach
    void stop() throws Exception {
        if (loop != null) {
            listener.close();
            loop.close();
        }
    }

    private static void send(SocketChannel peer, String text) throws Exception {
        ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (buffer.hasRemaining()) {
            peer.write(buffer);
        }
    }

    @Test
    void afterTheHandshake_theConnectionsOutputIsDrainedBeforeEnd_andItsCloseEndsBothStreams() throws Exception {
        try (UnixSocket socket = UnixSocket.connect(dir.resolve("control.sock"), loop.poller);
             SocketChannel child = listener.accept()) {
            // The child's answer and its first output in one write: the handshake must leave the output unread.
            send(child, "port 0\nfirst\n");
            StringBuilder answer = new StringBuilder();
            for (int c = socket.read(); c != '\n'; c = socket.read()) {
                answer.append((char) c);
            }
            assertThat(answer).hasToString("port 0");
            ProcessOutput output = new ProcessOutput(loop.vertx, loop.context, lines::addAll, () -> ends.add("ended"));
            PipesSandbox sandbox = PipesSandbox.ofConnection(new OutputPipes(socket.output(), OutputPipe.ended()));
            loop.onContext(() -> output.start(sandbox));
            send(child, "second\nno newline");

            List<String> atSettle = loop.onContext(() -> {
                List<String> seen = new CopyOnWriteArrayList<>();
                output.afterSettled(() -> seen.addAll(lines));
                return seen;
            });

            assertThat(atSettle).containsExactly("first", "second", "no newline");
            assertThat(ends).as("only the stand-in for stderr has ended").hasSize(1);
            child.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> ends.size() == 2);
            assertThat(loop.onContext(output::ended)).isTrue();
            assertThat(loop.poller.watched()).isZero();
        }
    }
}
