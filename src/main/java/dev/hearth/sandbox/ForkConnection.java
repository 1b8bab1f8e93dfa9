package dev.hearth.sandbox;

import dev.hearth.os.OutputPipe;
import dev.hearth.os.OutputPipes;
import dev.hearth.os.Poller;
import dev.hearth.os.UnixSocket;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One fork connection to a {@code hearth_fork.py} server: the node's half of the fork handshake
 * (protocol lines and single bytes), then the forked child's standard output and error, one stream.
 *
 * <p>With the launcher's {@link Poller} it is a {@link UnixSocket}: the child's output becomes a
 * non-blocking pipe the poller watches ({@link #pipes}), so an idle forked environment costs no thread.
 * Without one (native processes unavailable or switched off) it is the JDK's {@link SocketChannel}, read
 * through a blocking stream ({@link #stream}) by a reader thread of its own, as before.
 *
 * <p>Threading: thread-safe as its connection is; reads and writes block, call from virtual threads.
 */
sealed interface ForkConnection extends AutoCloseable permits ForkConnection.Native, ForkConnection.Channel {
    int LINE_LIMIT = 256;

    /** Connects to the server's socket, natively when {@code poller} is there. */
    static ForkConnection open(Path socket, Optional<Poller> poller) throws IOException {
        if (poller.isPresent()) {
            UnixSocket connected = UnixSocket.connect(socket, poller.get());
            try {
                connected.passCredentials(); // the child's first line then names its host pid
            } catch (IOException | RuntimeException e) {
                connected.close();
                throw e;
            }
            return new Native(connected);
        }
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return new Channel(channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    void write(String text) throws IOException;

    /** One byte, or -1 at the end of the connection. */
    int read() throws IOException;

    /** The child's output as pipes the poller watches (stderr an ended pipe: it shares stdout's connection); empty for a channel. */
    Optional<OutputPipes> pipes() throws IOException;

    /** The child's output as a blocking stream, for readers that do not use {@link #pipes}. */
    InputStream stream() throws IOException;

    @Override
    void close();

    /**
     * One line and who wrote it (the process that did, as the kernel reports it to the node: natively
     * only; empty through the JDK's channel).
     */
    default UnixSocket.Line readSentLine() throws IOException {
        return new UnixSocket.Line(readLine(), Optional.empty());
    }

    /** One line, read a byte at a time so that nothing after it (the child's output) is consumed. */
    default String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        while (line.length() < LINE_LIMIT) {
            int c = read();
            if (c < 0) {
                throw new IOException("the fork server closed the connection");
            }
            if (c == '\n') {
                return line.toString();
            }
            line.append((char) c);
        }
        throw new IOException("the fork server sent an overlong line");
    }

    /** Through the launcher's poller. */
    record Native(UnixSocket socket) implements ForkConnection {
        @Override
        public void write(String text) throws IOException {
            socket.write(text.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public int read() throws IOException {
            return socket.read();
        }

        /** Peeked and taken up to its newline: two reads, nothing after it consumed. */
        @Override
        public String readLine() throws IOException {
            return socket.readLine(LINE_LIMIT).text();
        }

        @Override
        public UnixSocket.Line readSentLine() throws IOException {
            return socket.readLine(LINE_LIMIT);
        }

        @Override
        public Optional<OutputPipes> pipes() throws IOException {
            return Optional.of(new OutputPipes(socket.output(), OutputPipe.ended()));
        }

        @Override
        public InputStream stream() throws IOException {
            return socket.output().stream();
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /** Through the JDK (the fallback). */
    record Channel(SocketChannel channel) implements ForkConnection {
        @Override
        public void write(String text) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }

        @Override
        public int read() throws IOException {
            ByteBuffer one = ByteBuffer.allocate(1);
            int n;
            do {
                n = channel.read(one);
            } while (n == 0);
            return n < 0 ? -1 : one.get(0) & 0xff;
        }

        @Override
        public Optional<OutputPipes> pipes() {
            return Optional.empty();
        }

        @Override
        public InputStream stream() {
            return Channels.newInputStream(channel);
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // closed already
            }
        }
    }
}
