package dev.hearth.os;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/** Unix connections owned through their descriptor: a handshake of lines, then output the poller watches. */
class UnixSocketTest {
    @TempDir
    Path dir;

    private Poller poller;
    private ServerSocketChannel listener;
    private Path path;

    @BeforeEach
    void start() throws IOException {
        assumeThat(Linux.unavailable()).as("native processes on this machine").isEmpty();
        poller = Poller.start("test-poller");
        path = dir.resolve("s.sock");
        listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(path));
    }

    @AfterEach
    void stop() throws IOException {
        if (listener != null) {
            listener.close();
        }
        if (poller != null) {
            poller.close();
        }
    }

    private static void send(SocketChannel peer, String text) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (buffer.hasRemaining()) {
            peer.write(buffer);
        }
    }

    private static String line(UnixSocket socket) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = socket.read()) != '\n') {
            assertThat(c).as("end of connection").isNotNegative();
            line.append((char) c);
        }
        return line.toString();
    }

    @Test
    void connect_thenWriteAndRead_exchangeWithTheListener() throws Exception {
        try (UnixSocket socket = UnixSocket.connect(path, poller); SocketChannel peer = listener.accept()) {
            socket.write("fork {}\n".getBytes(StandardCharsets.UTF_8));
            ByteBuffer got = ByteBuffer.allocate(8);
            while (got.hasRemaining()) {
                peer.read(got);
            }
            assertThat(new String(got.array(), StandardCharsets.UTF_8)).isEqualTo("fork {}\n");
            send(peer, "42\n");
            assertThat(line(socket)).isEqualTo("42");
        }
    }

    @Test
    void readLine_takesTheLineOnly_leavingWhatFollowsForTheNextRead() throws Exception {
        try (UnixSocket socket = UnixSocket.connect(path, poller); SocketChannel peer = listener.accept()) {
            send(peer, "mounted\nport 5\nfirst log line\n");
            assertThat(socket.readLine(256).text()).isEqualTo("mounted");
            assertThat(socket.readLine(256).text()).isEqualTo("port 5");
            assertThat(line(socket)).isEqualTo("first log line");
        }
    }

    @Test
    void readLine_whenTheLineArrivesInPieces_waitsForItsNewline() throws Exception {
        try (UnixSocket socket = UnixSocket.connect(path, poller); SocketChannel peer = listener.accept()) {
            CompletableFuture<String> read = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    read.complete(socket.readLine(256).text());
                } catch (IOException e) {
                    read.completeExceptionally(e);
                }
            });
            send(peer, "po");
            await().atMost(Duration.ofSeconds(5)).until(() -> poller.watched() == 1);
            assertThat(read).isNotDone();
            send(peer, "rt 7\nafter");
            assertThat(read.get(5, TimeUnit.SECONDS)).isEqualTo("port 7");
            assertThat((char) socket.read()).isEqualTo('a');
        }
    }

    @Test
    void readLine_longerThanTheLimit_orCutByTheEndOfTheConnection_fails() throws Exception {
        try (UnixSocket socket = UnixSocket.connect(path, poller); SocketChannel peer = listener.accept()) {
            send(peer, "x".repeat(20) + "\n");
            assertThatThrownBy(() -> socket.readLine(8)).isInstanceOf(IOException.class).hasMessageContaining("overlong");
        }
        try (UnixSocket socket = UnixSocket.connect(path, poller)) {
            try (SocketChannel peer = listener.accept()) {
                send(peer, "12");
            }
            assertThatThrownBy(() -> socket.readLine(8)).isInstanceOf(IOException.class).hasMessageContaining("closed");
        }
    }

    @Test
    void readLine_withCredentialsPassed_namesTheProcessThatWroteIt() throws Exception {
        try (UnixSocket socket = UnixSocket.connect(path, poller); SocketChannel peer = listener.accept()) {
            send(peer, "41\n");
            assertThat(socket.readLine(256).sender()).as("before SO_PASSCRED").isEmpty();
            socket.passCredentials();
            send(peer, "42\n");
            UnixSocket.Line line = socket.readLine(256);
            assertThat(line.text()).isEqualTo("42");
            assertThat(line.sender()).isPresent();
            assertThat(line.sender().get().pid()).isEqualTo(ProcessHandle.current().pid());
        }
    }

    @Test
    void read_whenNothingHasArrived_waitsForTheNextBytesAndLeavesNoWatchBehind() throws Exception {
        try (UnixSocket socket = UnixSocket.connect(path, poller); SocketChannel peer = listener.accept()) {
            CompletableFuture<Integer> read = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    read.complete(socket.read());
                } catch (IOException e) {
                    read.completeExceptionally(e);
                }
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> poller.watched() == 1);
            assertThat(read).isNotDone();
            send(peer, "u");
            assertThat(read.get(5, TimeUnit.SECONDS)).isEqualTo((int) 'u');
            assertThat(poller.watched()).isZero();
        }
    }

    @Test
    void output_afterTheHandshake_isAPipeWithWhatFollowedTheLastLine_untilThePeerCloses() throws Exception {
        try (UnixSocket socket = UnixSocket.connect(path, poller)) {
            SocketChannel peer = listener.accept();
            // One write: the handshake's answer and the first output arrive together.
            send(peer, "port 5\nfirst log line\n");
            assertThat(line(socket)).isEqualTo("port 5");
            OutputPipe pipe = socket.output();
            assertThat(socket.output()).isSameAs(pipe);
            CompletableFuture<String> all = new CompletableFuture<>();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            byte[] buffer = new byte[4];
            pipe.watch(() -> {
                synchronized (bytes) {
                    int n;
                    while ((n = pipe.read(buffer)) > 0) {
                        bytes.write(buffer, 0, n);
                    }
                    if (n < 0) {
                        all.complete(bytes.toString(StandardCharsets.UTF_8));
                    }
                }
            });
            send(peer, "second\n");
            peer.close();
            assertThat(all.get(5, TimeUnit.SECONDS)).isEqualTo("first log line\nsecond\n");
            assertThatThrownBy(socket::read).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void close_whileAReadWaits_failsTheRead() throws Exception {
        UnixSocket socket = UnixSocket.connect(path, poller);
        try (SocketChannel peer = listener.accept()) {
            CompletableFuture<Integer> read = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    read.complete(socket.read());
                } catch (IOException e) {
                    read.completeExceptionally(e);
                }
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> poller.watched() == 1);
            socket.close();
            assertThatThrownBy(() -> read.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
            assertThat(poller.watched()).isZero();
            assertThatThrownBy(() -> socket.write(new byte[] {'g'})).isInstanceOf(IOException.class);
        }
    }

    @Test
    void read_afterThePeerClosed_saysEnd() throws Exception {
        try (UnixSocket socket = UnixSocket.connect(path, poller)) {
            listener.accept().close();
            assertThat(socket.read()).isEqualTo(-1);
        }
    }

    @Test
    void connect_whenNothingListens_fails() {
        assertThatThrownBy(() -> UnixSocket.connect(dir.resolve("nobody.sock"), poller))
                .isInstanceOf(IOException.class).hasMessageContaining("cannot connect");
    }

    @Test
    void connect_toAPathLongerThanSunPath_isRefusedNotShortened() {
        Path deep = dir.resolve("d".repeat(120)).resolve("s.sock");
        assertThatThrownBy(() -> UnixSocket.connect(deep, poller))
                .isInstanceOf(IOException.class).hasMessageContaining("too long");
    }

    @Test
    void endedPipe_readsAsEnded_andIsReportedAtOnce() throws Exception {
        OutputPipe pipe = OutputPipe.ended();
        assertThat(pipe.read(new byte[8])).isEqualTo(-1);
        CompletableFuture<Void> called = new CompletableFuture<>();
        pipe.watch(() -> called.complete(null));
        assertThat(called).isDone();
        pipe.close();
    }
}
