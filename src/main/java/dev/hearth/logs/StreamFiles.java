package dev.hearth.logs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * Reading stream files without loading them whole: a summary from the first and last lines, and a
 * scan that hands each event with its index to a visitor, which may stop it early. Blocking; call from
 * virtual threads. Reads race only with appends, which a reader sees as a file that grows (a line cut
 * short at the end is skipped, as {@link LogFiles#parseLine} does).
 */
final class StreamFiles {
    /** The first window read from the end of a file to find its last line; doubled until a line fits. */
    private static final int TAIL_WINDOW = 16 * 1024;

    private StreamFiles() {
    }

    /** Receives events in file order; returns false to stop the scan. */
    @FunctionalInterface
    interface Visitor {
        boolean visit(long index, LogEvent event);
    }

    /** A stream's summary; empty when its file is gone. */
    static Optional<LogStreamInfo> summary(String name, Path file) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        long modified = attributes.lastModifiedTime().toMillis();
        // Where the file system records no birth time, Java reports the modification time instead.
        long created = Math.min(attributes.creationTime().toMillis(), modified);
        Optional<Long> first = firstEvent(file).map(LogEvent::timestampMillis);
        Optional<Long> last = first.isEmpty() ? Optional.empty() : lastEvent(file).map(LogEvent::timestampMillis);
        // The file's time comes from the file system's clock, which can lag the node's by a tick.
        long ingested = Math.max(modified, last.orElse(0L));
        return Optional.of(new LogStreamInfo(name, created, first, last, ingested, attributes.size()));
    }

    /** Visits events from the start of the file; returns how many events the file held up to where it stopped. */
    static long scan(Path file, Visitor visitor) {
        long index = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                Optional<LogEvent> event = LogFiles.parseLine(line);
                if (event.isEmpty()) {
                    continue;
                }
                if (!visitor.visit(index++, event.get())) {
                    break;
                }
            }
        } catch (NoSuchFileException e) {
            return index;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return index;
    }

    private static Optional<LogEvent> firstEvent(Path file) {
        LogEvent[] first = new LogEvent[1];
        scan(file, (index, event) -> {
            first[0] = event;
            return false;
        });
        return Optional.ofNullable(first[0]);
    }

    private static Optional<LogEvent> lastEvent(Path file) {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long size = in.length();
            for (long window = TAIL_WINDOW; ; window *= 2) {
                long start = Math.max(0, size - window);
                byte[] bytes = new byte[(int) (size - start)];
                in.seek(start);
                in.readFully(bytes);
                String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
                // The first piece may be the tail of a longer line, unless the window starts the file.
                int firstWhole = start == 0 ? 0 : 1;
                for (int i = lines.length - 1; i >= firstWhole; i--) {
                    Optional<LogEvent> event = LogFiles.parseLine(lines[i]);
                    if (event.isPresent()) {
                        return event;
                    }
                }
                if (start == 0) {
                    return Optional.empty();
                }
            }
        } catch (java.io.FileNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
