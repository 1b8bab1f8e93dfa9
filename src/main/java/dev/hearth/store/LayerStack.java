package dev.hearth.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The {@code /opt} of a function's layers: the layers' zips unpacked in order into one read-only
 * directory, a later layer's file replacing an earlier one's at the same path, as Lambda extracts
 * layers. A stack is built once per ordered list of layer code hashes, kept under
 * {@code <stacks>/<key>/} (the code store owns one, {@link CodeStore#layerStacks()}) and shared by every environment whose function has that list; a single layer
 * needs no merge, so its unpacked code directory in the {@link CodeStore} is the stack.
 *
 * <p>Each layer is first unpacked by the code store, with its zip-slip and zip-bomb checks; merging then
 * copies those trees, so nothing here reads a zip. Next to each stack, {@code <key>.layers} lists its
 * hashes, for {@link #retainOnly}. Threading: blocking I/O, called from virtual threads on the cold path;
 * safe for concurrent use (two builders of one stack race harmlessly to the same result).
 */
public final class LayerStack {

    private static final String MANIFEST = ".layers";

    private final CodeStore code;
    private final Path stacks;
    private final Path scratch;

    LayerStack(CodeStore code, Path stacksDir) {
        this.code = code;
        this.stacks = stacksDir;
        this.scratch = stacksDir.resolve("tmp");
        try {
            Files.createDirectories(scratch);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the layer stacks under " + stacksDir, e);
        }
    }

    /**
     * The read-only directory to show at {@code /opt} for layers with these code hashes, in the function's
     * order; empty without layers. Builds it the first time.
     */
    public Optional<Path> optDir(List<String> layerHashes) throws IOException {
        if (layerHashes.isEmpty()) {
            return Optional.empty();
        }
        if (layerHashes.size() == 1) {
            return Optional.of(code.unpack(layerHashes.getFirst()));
        }
        String key = key(layerHashes);
        Path dir = stacks.resolve(key);
        if (Files.isDirectory(dir)) {
            return Optional.of(dir);
        }
        Path temp = Files.createTempDirectory(scratch, key);
        try {
            for (String hash : layerHashes) {
                overlay(code.unpack(hash), temp);
            }
            CodeStore.makeReadOnly(temp);
            Files.writeString(stacks.resolve(key + MANIFEST), String.join("\n", layerHashes), StandardCharsets.US_ASCII);
            try {
                CodeStore.moveAtomically(temp, dir);
            } catch (IOException raced) {
                if (!Files.isDirectory(dir)) {
                    throw raced;
                }
                CodeStore.deleteTree(temp); // another cold start built the same stack first
                return Optional.of(dir);
            }
            // As in CodeStore.unpack: the top directory becomes read-only only once it is in place.
            Files.setPosixFilePermissions(dir, CodeStore.READ_EXECUTE);
            return Optional.of(dir);
        } catch (IOException | RuntimeException e) {
            CodeStore.deleteTree(temp);
            throw e;
        }
    }

    /** Copies the tree {@code layer} over {@code into}: a path in both ends up as the layer has it. */
    private static void overlay(Path layer, Path into) throws IOException {
        try (Stream<Path> paths = Files.walk(layer)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                String relative = layer.relativize(source).toString();
                if (relative.isEmpty()) {
                    continue;
                }
                Path target = into.resolve(relative);
                boolean exists = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
                if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
                    if (exists && !Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                        Files.delete(target); // an earlier layer's file where this layer has a directory
                    }
                    Files.createDirectories(target);
                } else {
                    if (exists && Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                        CodeStore.deleteTree(target); // an earlier layer's directory where this one has a file
                    }
                    // Keeps the mode, so an executable stays executable; files are made read-only at the end.
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /** Removes the stacks that include a layer hash not in {@code liveHashes} (its code is gone or going). */
    public void retainOnly(Set<String> liveHashes) {
        try (Stream<Path> entries = Files.list(stacks)) {
            for (Path manifest : entries.filter(p -> p.getFileName().toString().endsWith(MANIFEST)).toList()) {
                String name = manifest.getFileName().toString();
                String key = name.substring(0, name.length() - MANIFEST.length());
                List<String> hashes = Files.readAllLines(manifest, StandardCharsets.US_ASCII);
                if (!liveHashes.containsAll(hashes)) {
                    CodeStore.deleteTree(stacks.resolve(key));
                    Files.deleteIfExists(manifest);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + stacks, e);
        }
    }

    /** Clears stacks a crash interrupted while they were being built. Called once at start. */
    public void clearScratch() {
        try (Stream<Path> leftovers = Files.list(scratch)) {
            leftovers.forEach(CodeStore::deleteTree);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + scratch, e);
        }
    }

    private static String key(List<String> hashes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(String.join("\n", hashes).getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
