package dev.hearth.sandbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/**
 * One cgroup counter file ({@code memory.max_usage_in_bytes}, {@code memory.peak}) read again and again:
 * REPORT's Max Memory Used reads it at the end of every invocation, on the event loop. Opening the file by
 * path each time (open, fstat, reads, close) cost about 13 µs there; the descriptor is therefore opened on
 * the first read and kept, and each later read is one {@code pread} at offset 0, which makes cgroupfs
 * print the current value afresh (about 3 µs). {@link #close} drops it with the cgroup.
 *
 * <p>Threading: thread-safe. A read that meets a closed or failed descriptor (the cgroup removed, the
 * reading thread interrupted, which closes a {@link FileChannel}) falls back to reading by path, so it
 * answers as {@link CgroupFiles#readLong} does: empty when the file is gone or holds no number.
 */
final class CgroupCounter {
    /** A 64-bit counter in decimal and its newline fit; cgroupfs answers the whole value in one read. */
    private static final int MAX_BYTES = 24;

    private final Path file;
    private volatile FileChannel channel;
    private volatile boolean closed;

    CgroupCounter(Path file) {
        this.file = file;
    }

    OptionalLong read() {
        FileChannel open = channel;
        if (open == null && !closed) {
            open = openOnce();
        }
        if (open != null) {
            try {
                ByteBuffer bytes = ByteBuffer.allocate(MAX_BYTES);
                open.read(bytes, 0);
                return parse(bytes.flip());
            } catch (IOException e) {
                // Closed meanwhile, or the cgroup went: the path says what is left.
            }
        }
        return CgroupFiles.readLong(file);
    }

    private synchronized FileChannel openOnce() {
        if (channel == null && !closed) {
            try {
                channel = FileChannel.open(file, StandardOpenOption.READ);
            } catch (IOException e) {
                return null; // no such counter on this kernel: read by path, which answers empty
            }
        }
        return channel;
    }

    synchronized void close() {
        closed = true;
        FileChannel open = channel;
        channel = null;
        if (open != null) {
            try {
                open.close();
            } catch (IOException e) {
                // Nothing to do: the descriptor is released either way.
            }
        }
    }

    /** A decimal value with optional surrounding whitespace; {@code max} or anything else is no number. */
    static OptionalLong parse(ByteBuffer bytes) {
        long value = 0;
        int digits = 0;
        while (bytes.hasRemaining()) {
            byte b = bytes.get();
            if (b >= '0' && b <= '9') {
                if (value > (Long.MAX_VALUE - (b - '0')) / 10) {
                    return OptionalLong.empty(); // beyond a long: not a counter
                }
                value = value * 10 + (b - '0');
                digits++;
            } else if (b == ' ' || b == '\n' || b == '\t') {
                if (digits > 0) {
                    break;
                }
            } else {
                return OptionalLong.empty();
            }
        }
        return digits == 0 ? OptionalLong.empty() : OptionalLong.of(value);
    }
}
