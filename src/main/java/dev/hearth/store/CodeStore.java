package dev.hearth.store;

import dev.hearth.core.LambdaException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Code zips stored content-addressed by SHA-256 under {@code <data>/code/blobs/<hex>.zip}, each
 * unpacked at most once into a read-only directory {@code <data>/code/unpacked/<hex>/} that every
 * environment of every function with that code shares.
 *
 * <p>Writes are atomic (temporary file, fsync, rename), so a crash leaves either the whole blob or none.
 * Threading: blocking I/O, called from virtual threads; safe for concurrent use (two writers of the same
 * content race harmlessly to the same bytes).
 */
public final class CodeStore {

    /** AWS's limits on a zip package. */
    public static final long MAX_ZIPPED_BYTES = 52_428_800L;
    public static final long MAX_UNZIPPED_BYTES = 262_144_000L;

    /** Directories, and files whose entry is executable. */
    static final Set<PosixFilePermission> READ_EXECUTE = Set.copyOf(PosixFilePermissions.fromString("r-xr-xr-x"));
    private static final Set<PosixFilePermission> READ_ONLY_FILE = Set.copyOf(PosixFilePermissions.fromString("r--r--r--"));

    static final String NOT_A_ZIP =
            "Could not unzip uploaded file. Please check your file, then try to upload again.";

    private final Path blobs;
    private final Path unpacked;
    private final Path scratch;
    private final LayerStack stacks;

    public CodeStore(Path codeDir) {
        this.blobs = codeDir.resolve("blobs");
        this.unpacked = codeDir.resolve("unpacked");
        this.scratch = codeDir.resolve("tmp");
        try {
            Files.createDirectories(blobs);
            Files.createDirectories(unpacked);
            Files.createDirectories(scratch);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the code store under " + codeDir, e);
        }
        this.stacks = new LayerStack(this, codeDir.resolve("stacks"));
    }

    /** The merged layer directories built from this store's code, under {@code <code>/stacks}. */
    public LayerStack layerStacks() {
        return stacks;
    }

    /**
     * Checks that {@code zip} is a readable zip within AWS's unzipped limit and stores it. Throws
     * AWS's {@code InvalidParameterValueException} when it is not; nothing is stored then.
     */
    public CodeArtifact put(byte[] zip) {
        return check(zip, true);
    }

    /** Checks {@code zip} as {@link #put} does, storing nothing (for DryRun requests). */
    public CodeArtifact inspect(byte[] zip) {
        return check(zip, false);
    }

    private CodeArtifact check(byte[] zip, boolean keep) {
        byte[] digest = sha256(zip);
        String hex = HexFormat.of().formatHex(digest);
        Path target = blobPath(hex);
        Path temp = null;
        try {
            temp = Files.createTempFile(scratch, hex, ".zip");
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.wrap(zip));
                channel.force(true);
            }
            long unzipped = unzippedSize(temp);
            if (unzipped >= MAX_UNZIPPED_BYTES) {
                throw LambdaException.invalidParameter("Unzipped size must be smaller than " + MAX_UNZIPPED_BYTES + " bytes");
            }
            if (keep && !Files.exists(target)) {
                moveAtomically(temp, target);
                temp = null;
                // The rename is durable only once the directory is on disk: without this, a power cut after
                // the caller commits its row could leave a function whose code is gone.
                try (FileChannel dir = FileChannel.open(blobs, StandardOpenOption.READ)) {
                    dir.force(true);
                }
            }
            return new CodeArtifact(hex, Base64.getEncoder().encodeToString(digest), zip.length, unzipped);
        } catch (IOException e) {
            throw LambdaException.service("Cannot store the code: " + e.getMessage(), e);
        } finally {
            deleteQuietly(temp);
        }
    }

    /** The stored zip of {@code sha256Hex}, if it is stored. */
    public java.util.Optional<Path> blob(String sha256Hex) {
        Path path = blobPath(sha256Hex);
        return Files.isRegularFile(path) ? java.util.Optional.of(path) : java.util.Optional.empty();
    }

    /**
     * The read-only directory holding the unpacked code of {@code sha256Hex}, unpacking it first if this
     * is the first time. Throws {@link ZipException} (wrapped) when an entry cannot be read.
     */
    public Path unpack(String sha256Hex) throws IOException {
        Path dir = unpacked.resolve(sha256Hex);
        if (Files.isDirectory(dir)) {
            return dir;
        }
        Path blob = blob(sha256Hex).orElseThrow(() -> new IOException("no stored code " + sha256Hex));
        Path temp = Files.createTempDirectory(scratch, sha256Hex);
        try {
            extract(blob, temp);
            makeReadOnly(temp);
            try {
                moveAtomically(temp, dir);
            } catch (IOException raced) {
                if (!Files.isDirectory(dir)) {
                    throw raced;
                }
                deleteTree(temp); // another thread unpacked the same code first
                return dir;
            }
            // Only now: Linux refuses to move a directory its owner cannot write into another parent
            // (its ".." entry changes), so the top directory stays writable until it is in place.
            Files.setPosixFilePermissions(dir, READ_EXECUTE);
            return dir;
        } catch (IOException | RuntimeException e) {
            deleteTree(temp);
            throw e;
        }
    }

    /** Removes the blob and the unpacked copy of {@code sha256Hex} (no longer referenced). */
    public void delete(String sha256Hex) {
        deleteQuietly(blobPath(sha256Hex));
        deleteTree(unpacked.resolve(sha256Hex));
    }

    private Path blobPath(String hex) {
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a SHA-256 hex digest: " + hex);
        }
        return blobs.resolve(hex + ".zip");
    }

    private static long unzippedSize(Path zip) {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            long total = 0;
            Enumeration<? extends ZipEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                checkEntryName(entry.getName());
                total += Math.max(0, entry.getSize());
            }
            return total;
        } catch (IOException | IllegalArgumentException e) {
            throw LambdaException.invalidParameter(NOT_A_ZIP);
        }
    }

    /** Rejects names that would escape the directory they are unpacked into ("zip slip"). */
    private static void checkEntryName(String name) {
        if (name.startsWith("/") || name.contains("\\") || Stream.of(name.split("/")).anyMatch(".."::equals)) {
            throw new IllegalArgumentException("unsafe entry name " + name);
        }
    }

    /**
     * Extracts through the JDK's zip file system, which exposes each entry's Unix permission bits when
     * opened with {@code enablePosixFileAttributes}. Opened by path, not by URI: a URI-opened zip file
     * system is registered JVM-wide, so two threads unpacking the same code at once would collide.
     * Counts the bytes actually written, because a zip can under-declare its entries' sizes.
     */
    private static void extract(Path zip, Path into) throws IOException {
        long written = 0;
        // Entries without Unix modes (zips made on Windows or by java.util.zip) would otherwise get the
        // zip file system's default of rwxrwxrwx; on AWS they are not executable.
        Map<String, String> env = Map.of("enablePosixFileAttributes", "true", "defaultPermissions", "rw-r--r--");
        try (FileSystem fs = FileSystems.newFileSystem(zip, env)) {
            Path root = fs.getPath("/");
            try (Stream<Path> entries = Files.walk(root)) {
                for (Path entry : (Iterable<Path>) entries::iterator) {
                    String relative = root.relativize(entry).toString();
                    if (relative.isEmpty()) {
                        continue;
                    }
                    checkEntryName(relative);
                    Path out = into.resolve(relative).normalize();
                    if (!out.startsWith(into)) {
                        throw new ZipException("unsafe entry name " + relative);
                    }
                    if (Files.isDirectory(entry)) {
                        Files.createDirectories(out);
                    } else {
                        Files.createDirectories(out.getParent());
                        written += copyWithin(entry, out, MAX_UNZIPPED_BYTES - written);
                        if (isExecutable(entry)) {
                            Files.setPosixFilePermissions(out, READ_EXECUTE);
                        }
                    }
                }
            }
        }
    }

    /** Copies one entry, failing once more than {@code budget} bytes would have been written. */
    private static long copyWithin(Path entry, Path out, long budget) throws IOException {
        long copied = 0;
        try (InputStream in = Files.newInputStream(entry);
             OutputStream sink = Files.newOutputStream(out)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                copied += n;
                if (copied > budget) {
                    throw new ZipException("unzipped size exceeds " + MAX_UNZIPPED_BYTES + " bytes");
                }
                sink.write(buffer, 0, n);
            }
        }
        return copied;
    }

    private static boolean isExecutable(Path entry) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(entry);
            return perms.contains(PosixFilePermission.OWNER_EXECUTE);
        } catch (IOException | UnsupportedOperationException e) {
            return false; // not expected with enablePosixFileAttributes; treat as a plain file
        }
    }

    /**
     * Below {@code root}: files become r--r--r-- (executables stay r-xr-xr-x), directories r-xr-xr-x.
     * {@code root} itself is left for the caller, who must move it first.
     */
    static void makeReadOnly(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                if (p.equals(root)) {
                    continue;
                }
                if (Files.isDirectory(p)) {
                    Files.setPosixFilePermissions(p, READ_EXECUTE);
                } else if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OWNER_EXECUTE)) {
                    // The mode, not Files.isExecutable, which answers for the caller (root may run more).
                    Files.setPosixFilePermissions(p, READ_ONLY_FILE);
                }
            }
        }
    }

    static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static void deleteQuietly(Path path) {
        if (path == null) {
            return;
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // a leftover temporary file is harmless; the scratch dir is cleared at start
        }
    }

    /** Deletes a tree, first making read-only directories writable again. */
    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            var all = paths.sorted(Comparator.reverseOrder()).toList();
            for (Path p : all) {
                if (Files.isDirectory(p)) {
                    p.toFile().setWritable(true, true);
                }
            }
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    /** Removes stored code not in {@code referenced} (left by a crash between storing and committing). */
    public void retainOnly(Set<String> referenced) {
        try (Stream<Path> stored = Files.list(blobs)) {
            for (Path blob : stored.toList()) {
                String name = blob.getFileName().toString();
                String hex = name.endsWith(".zip") ? name.substring(0, name.length() - 4) : name;
                if (!referenced.contains(hex)) {
                    deleteQuietly(blob);
                    deleteTree(unpacked.resolve(hex));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + blobs, e);
        }
    }

    /** Clears leftovers of writes a crash interrupted. Called once at start. */
    public void clearScratch() {
        try (Stream<Path> leftovers = Files.list(scratch)) {
            leftovers.forEach(CodeStore::deleteTree);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + scratch, e);
        }
    }
}
