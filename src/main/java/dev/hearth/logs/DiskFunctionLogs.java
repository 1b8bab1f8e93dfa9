package dev.hearth.logs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link FunctionLogs} on the local disk: one JSON-lines file per stream, written by a single
 * background thread that drains a bounded queue ({@link WriterQueue}: appends wake it only when it sleeps).
 *
 * <p>Threading: {@link LogStream#append} runs on any thread, often an event loop, so it only offers to
 * the queue; when the queue is full the event is dropped and counted rather than making the caller wait
 * (a chatty function must not stall the node). The writer thread owns every file handle. {@link #flush}
 * and {@link #close} block until the writer has caught up; they are for shutdown and tests, never for an
 * event loop. The read methods go to disk on the calling thread. Deletions ({@link #deleteStream},
 * {@link #deleteGroup}) are queued to the writer like appends and waited for.
 *
 * <p>Longer than the usual class: the writer loop, the handles it serves and deletions all share the
 * private queue and open-file table, which is the point of having one writer.
 */
final class DiskFunctionLogs implements FunctionLogs {
    private static final Logger LOG = LoggerFactory.getLogger(DiskFunctionLogs.class);
    /** Streams whose files stay open between batches; older ones are closed and reopened on demand. */
    private static final int MAX_OPEN_FILES = 128;
    private static final int MAX_BATCH = 4096;

    private final Path logsDir;
    private final Clock clock;
    private final WriterQueue<Entry> queue;
    private final ConcurrentMap<Key, Stream> streams = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong bytesWritten = new AtomicLong();
    private final Thread writer;
    private final Object lifecycle = new Object();
    private volatile boolean closed;

    DiskFunctionLogs(Path logsDir, Clock clock, int queueCapacity) {
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queue capacity must be positive, got " + queueCapacity);
        }
        this.logsDir = logsDir.toAbsolutePath().normalize();
        this.clock = clock;
        this.queue = new WriterQueue<>(queueCapacity);
        try {
            Files.createDirectories(this.logsDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the logs directory " + this.logsDir, e);
        }
        this.writer = Thread.ofPlatform().daemon().name("hearth-log-writer").start(new WriterLoop());
    }

    @Override
    public LogStream open(String logGroup, String streamName) {
        Stream stream = streams.computeIfAbsent(new Key(logGroup, streamName),
                k -> new Stream(k, LogFiles.streamFile(logsDir, logGroup, streamName)));
        // Creating the file is disk work too; let the writer do it so the stream is listed even before
        // its first event. Losing this to a full queue only delays the file to the first append.
        queue.offer(new Create(stream));
        return stream;
    }

    @Override
    public void flush() {
        Barrier barrier = new Barrier(new CompletableFuture<>());
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            enqueue(barrier);
        }
        barrier.done().join();
    }

    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            enqueue(new Stop());
        }
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void enqueue(Entry entry) {
        try {
            queue.put(entry);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the log writer", e);
        }
    }

    @Override
    public List<String> groups() {
        return list(logsDir, true, "");
    }

    @Override
    public List<String> streams(String logGroup) {
        return list(logsDir.resolve(LogFiles.encode(logGroup)), false, LogFiles.SUFFIX);
    }

    private static List<String> list(Path dir, boolean directories, String suffix) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String file = entry.getFileName().toString();
                if (Files.isDirectory(entry) != directories || !file.endsWith(suffix)) {
                    continue;
                }
                LogFiles.decode(file.substring(0, file.length() - suffix.length())).ifPresent(names::add);
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        Collections.sort(names);
        return names;
    }

    @Override
    public List<LogEvent> read(String logGroup, String streamName) {
        Path file = LogFiles.streamFile(logsDir, logGroup, streamName);
        List<LogEvent> events = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                LogFiles.parseLine(line).ifPresent(events::add);
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return events;
    }

    @Override
    public long droppedEvents() {
        return dropped.get();
    }

    @Override
    public long bytesWritten() {
        return bytesWritten.get();
    }

    @Override
    public void deleteStream(String logGroup, String streamName) {
        runOnWriter(new Delete(logGroup, Optional.of(streamName), new CompletableFuture<>()));
    }

    @Override
    public void deleteGroup(String logGroup) {
        runOnWriter(new Delete(logGroup, Optional.empty(), new CompletableFuture<>()));
    }

    /**
     * Deletes on the writer thread, which owns the open files: a file deleted under an open writer would
     * keep taking appends into an unlinked inode, and its space would not come back until it is closed.
     */
    private void runOnWriter(Delete delete) {
        synchronized (lifecycle) {
            if (closed) {
                deleteFiles(delete.group(), delete.stream());
                return;
            }
            enqueue(delete);
        }
        delete.done().join();
    }

    private void deleteFiles(String group, Optional<String> stream) {
        Path target = stream.map(s -> LogFiles.streamFile(logsDir, group, s))
                .orElse(logsDir.resolve(LogFiles.encode(group)));
        try {
            LogFiles.deleteRecursively(target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + target, e);
        }
    }

    private record Key(String group, String stream) {
    }

    private sealed interface Entry {
    }

    private record Append(Stream stream, long timestampMillis, String message) implements Entry {
    }

    private record Create(Stream stream) implements Entry {
    }

    private record Barrier(CompletableFuture<Void> done) implements Entry {
    }

    /** Deletes one stream, or the whole group when {@code stream} is empty. */
    private record Delete(String group, Optional<String> stream, CompletableFuture<Void> done) implements Entry {
    }

    private record Stop() implements Entry {
    }

    /** The handle appenders hold; cheap, never touches the disk. */
    private final class Stream implements LogStream {
        private final Key key;
        private final Path file;
        /** Events of this stream dropped since the writer last wrote a notice about them. */
        private final AtomicLong droppedHere = new AtomicLong();

        Stream(Key key, Path file) {
            this.key = key;
            this.file = file;
        }

        @Override
        public String logGroup() {
            return key.group();
        }

        @Override
        public String streamName() {
            return key.stream();
        }

        @Override
        public void append(long timestampMillis, String message) {
            if (closed || !queue.offer(new Append(this, timestampMillis, message))) {
                droppedHere.incrementAndGet();
                dropped.incrementAndGet();
            }
        }
    }

    /** Runs on the writer thread only; owns every open file. */
    private final class WriterLoop implements Runnable {
        private final Map<Stream, Writer> open = new LinkedHashMap<>(16, 0.75f, true);
        private final List<Writer> dirty = new ArrayList<>();
        private final List<Entry> batch = new ArrayList<>(MAX_BATCH);
        private final StringBuilder line = new StringBuilder(256);

        @Override
        public void run() {
            boolean running = true;
            while (running) {
                // Only Stop ends the writer (interrupts are ignored): events queued before close must still
                // reach the disk.
                queue.drainTo(batch, MAX_BATCH);
                for (Entry entry : batch) {
                    running &= handle(entry);
                }
                batch.clear();
                flushDirty();
            }
            for (Writer w : open.values()) {
                closeQuietly(w);
            }
            open.clear();
        }

        private boolean handle(Entry entry) {
            switch (entry) {
                case Append append -> write(append.stream(), append.timestampMillis(), append.message());
                case Create create -> writerFor(create.stream());
                case Barrier barrier -> {
                    noticeAllDrops();
                    flushDirty();
                    barrier.done().complete(null);
                }
                case Delete delete -> delete(delete);
                case Stop stop -> {
                    noticeAllDrops();
                    flushDirty();
                    return false;
                }
            }
            return true;
        }

        private void write(Stream stream, long timestampMillis, String message) {
            Writer w = writerFor(stream);
            if (w == null) {
                return;
            }
            long lost = stream.droppedHere.getAndSet(0);
            line.setLength(0);
            if (lost > 0) {
                LogFiles.appendJsonLine(line, clock.millis(), dropNotice(lost));
            }
            LogFiles.appendJsonLine(line, timestampMillis, message);
            try {
                w.append(line);
                markDirty(w);
                // Characters, not bytes: close enough to tell the janitor that a sweep is due.
                bytesWritten.addAndGet(line.length());
            } catch (IOException e) {
                LOG.warn("cannot write to log stream {} {}: {}", stream.logGroup(), stream.streamName(), e.toString());
            }
        }

        private void delete(Delete delete) {
            flushDirty();
            var it = open.entrySet().iterator();
            while (it.hasNext()) {
                var e = it.next();
                Key key = e.getKey().key;
                if (key.group().equals(delete.group()) && delete.stream().map(key.stream()::equals).orElse(true)) {
                    closeQuietly(e.getValue());
                    it.remove();
                }
            }
            try {
                deleteFiles(delete.group(), delete.stream());
                delete.done().complete(null);
            } catch (RuntimeException e) {
                delete.done().completeExceptionally(e);
            }
        }

        private void noticeAllDrops() {
            for (Stream stream : streams.values()) {
                long lost = stream.droppedHere.getAndSet(0);
                Writer w = lost > 0 ? writerFor(stream) : null;
                if (w == null) {
                    continue;
                }
                line.setLength(0);
                LogFiles.appendJsonLine(line, clock.millis(), dropNotice(lost));
                try {
                    w.append(line);
                    markDirty(w);
                } catch (IOException e) {
                    LOG.warn("cannot write to log stream {} {}: {}", stream.logGroup(), stream.streamName(), e.toString());
                }
            }
        }

        private static String dropNotice(long lost) {
            return "[hearth] " + lost + " log event" + (lost == 1 ? " was" : "s were")
                    + " dropped: the log writer could not keep up";
        }

        private Writer writerFor(Stream stream) {
            Writer w = open.get(stream);
            if (w != null) {
                return w;
            }
            try {
                w = openForAppend(stream.file);
            } catch (IOException e) {
                LOG.warn("cannot open log stream {} {}: {}", stream.logGroup(), stream.streamName(), e.toString());
                return null;
            }
            open.put(stream, w);
            if (open.size() > MAX_OPEN_FILES) {
                var eldest = open.entrySet().iterator().next();
                closeQuietly(eldest.getValue());
                dirty.remove(eldest.getValue());
                open.remove(eldest.getKey());
            }
            return w;
        }

        /**
         * Opens (creating) a stream's file. Its group's directory nearly always exists already (every stream
         * of a group after the first): the open is tried first, and the directory made only when it fails
         * for want of it, so a new stream costs one {@code open} rather than a failing {@code mkdir}, the two
         * exceptions it raises, a {@code stat} and the {@code open}.
         */
        private static Writer openForAppend(Path file) throws IOException {
            try {
                return Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (NoSuchFileException e) {
                Files.createDirectories(file.getParent());
                return Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
        }

        private void markDirty(Writer w) {
            // A batch usually touches few streams; a linear scan beats hashing here.
            if (!dirty.contains(w)) {
                dirty.add(w);
            }
        }

        private void flushDirty() {
            for (Writer w : dirty) {
                try {
                    w.flush();
                } catch (IOException e) {
                    LOG.warn("cannot flush a log stream: {}", e.toString());
                }
            }
            dirty.clear();
        }

        private static void closeQuietly(Writer w) {
            try {
                w.close();
            } catch (IOException e) {
                LOG.warn("cannot close a log stream: {}", e.toString());
            }
        }
    }
}
