package dev.hearth.os;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The write end of a child's standard-input pipe (blocking). Writes block while the pipe is full, so
 * call from virtual threads or threads that may wait for the child to read.
 *
 * <p>Threading: writes and close are serialised.
 */
final class FdOutputStream extends OutputStream {
    private final int fd;
    private boolean closed;

    FdOutputStream(int fd) {
        this.fd = fd;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("Stream closed");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment from = arena.allocate(Math.max(1, len));
            MemorySegment.copy(b, off, from, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, len);
            long done = 0;
            while (done < len) {
                long n = Syscalls.write(fd, from.asSlice(done), len - done);
                if (n == -Syscalls.EINTR) {
                    continue;
                }
                if (n < 0) {
                    throw new IOException(n == -32 ? "Broken pipe" : "write failed: errno " + -n);
                }
                done += n;
            }
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Syscalls.close(fd);
        }
    }
}
