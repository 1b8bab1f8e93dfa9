package dev.hearth.runtimes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The two tree operations runtime directories need: sealing one read-only once it is complete (the
 * environments run as an unprivileged user and must not change it), and removing a staging tree that
 * was sealed or half-written. Blocking file I/O.
 */
final class FileTrees {

    private FileTrees() {
    }

    /** Read-only for everyone: directories r-xr-xr-x, files r--r--r--. */
    static void makeReadOnly(Path dir) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(dir)) {
            paths = new ArrayList<>(walk.toList());
        }
        paths.sort(Comparator.reverseOrder());
        for (Path path : paths) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(
                    Files.isDirectory(path) ? "r-xr-xr-x" : "r--r--r--"));
        }
    }

    /**
     * Deletes a tree, making its directories writable first (a sealed tree cannot be emptied otherwise).
     * Best effort: a leftover staging tree is harmless (staging names start with a dot).
     */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> paths = new ArrayList<>(walk.toList());
            for (Path path : paths) {
                if (Files.isDirectory(path)) {
                    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
                }
            }
            paths.sort(Comparator.reverseOrder());
            for (Path path : paths) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // best effort, as documented
        }
    }
}
