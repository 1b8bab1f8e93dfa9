package dev.hearth.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Makes a directory show another one's tree without copying it: hard links to its files, the same
 * subdirectories with the same modes, the same symbolic links. A stem cell's {@code /var/task} and
 * {@code /opt} are host directories bound read-only into its sandbox when it starts; filling them this
 * way shows the function's code there at once, as the files themselves (a hard link is the file, so
 * whatever a read-only bind of the original would show — content, mode, owner — the link shows too).
 *
 * <p>Threading: stateless; blocking file-system work, call from virtual threads.
 */
public final class TreeLinks {

    private TreeLinks() {
    }

    /** Why a tree was not mirrored: too many entries, or links impossible (another file system). */
    public static final class NotMirrored extends IOException {
        NotMirrored(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Fills the empty directory {@code to} with {@code from}'s tree and gives it {@code from}'s mode.
     *
     * @param maxEntries beyond this many files and directories, mirroring would cost more than the start it
     *                   saves: gives up
     * @throws NotMirrored when it gave up ({@code to} may hold part of the tree; {@link #delete} it)
     */
    public static void mirror(Path from, Path to, int maxEntries) throws IOException {
        int[] entries = {0};
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(from)) {
                    count(entries, maxEntries);
                    Files.createDirectory(to.resolve(from.relativize(dir).toString()));
                }
                return FileVisitResult.CONTINUE;
            }

            /** The mode last, once the directory is filled: a read-only one could not be filled by a non-root node. */
            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                Path target = to.resolve(from.relativize(dir).toString());
                Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                count(entries, maxEntries);
                Path target = to.resolve(from.relativize(file).toString());
                if (attrs.isSymbolicLink()) {
                    Files.createSymbolicLink(target, Files.readSymbolicLink(file));
                } else if (attrs.isRegularFile()) {
                    try {
                        Files.createLink(target, file);
                    } catch (IOException | UnsupportedOperationException e) {
                        throw new NotMirrored("cannot link " + file + " into " + to + ": " + e, e);
                    }
                }
                // Sockets, fifos and devices cannot come out of a zip: nothing else to show.
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void count(int[] entries, int maxEntries) throws NotMirrored {
        if (++entries[0] > maxEntries) {
            throw new NotMirrored("more than " + maxEntries + " entries", null);
        }
    }

    /** Deletes {@code dir} and everything below it (links only: the files they point at stay). Best effort. */
    public static void delete(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        // A mirrored directory may be read-only (its original's mode); only its owner's write bit lets a node
        // that is not root empty it.
        try (Stream<Path> dirs = Files.walk(dir)) {
            dirs.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).forEach(p -> p.toFile().setWritable(true, true));
        } catch (IOException | UncheckedIOException e) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // Left for the next start's sweep of stale cell directories.
        }
    }
}
