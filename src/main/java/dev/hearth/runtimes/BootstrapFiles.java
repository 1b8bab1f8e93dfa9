package dev.hearth.runtimes;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The runtime files Hearth ships in its own resources ({@code python/bootstrap.py},
 * {@code node/index.cjs}, {@code java/lib/*.jar}), unpacked once into {@code <unpackDir>/<content hash>/}
 * and made read-only. Each directory below it is mounted as one runtime's {@code /var/runtime}.
 *
 * <p>The directory is named after the content, so a Hearth with changed bootstraps unpacks next to the
 * old ones instead of changing files under running environments, and a restart with the same build
 * reuses what is there. Unpacking writes a temporary directory and renames it into place, so a
 * directory that exists is complete, even when two nodes share the unpack directory.
 *
 * <p>Called once at start-up, from the composition root; immutable afterwards.
 */
final class BootstrapFiles {

    static final String RESOURCE_ROOT = "dev/hearth/runtimes/";
    private static final List<String> RUNTIME_DIRS = List.of("python", "node", "java");
    private static final String ANCHOR = "python/bootstrap.py";
    private static final String RIC_JAR_PREFIX = "java/lib/aws-lambda-java-runtime-interface-client-";
    static final String JNI_DIR = "lib/jni";

    private final Path root;
    private final Optional<String> jniLibrary;

    BootstrapFiles(Path root, Optional<String> jniLibrary) {
        this.root = root;
        this.jniLibrary = jniLibrary;
    }

    Path root() {
        return root;
    }

    Path python() {
        return root.resolve("python");
    }

    Path node() {
        return root.resolve("node");
    }

    Path java() {
        return root.resolve("java");
    }

    /** An empty directory: {@code provided} runtimes bring their own bootstrap, yet get a /var/runtime. */
    Path provided() {
        return root.resolve("provided");
    }

    /**
     * The file name under {@code java/lib/jni} of the RIC's native library for this machine. It is
     * extracted ahead of time because the RIC would otherwise copy it to {@code /tmp/.libaws-lambda-jni.so}
     * on every start: a cost, and a race between environments that share {@code /tmp} (plain processes).
     */
    Optional<String> jniLibrary() {
        return jniLibrary;
    }

    /** Unpacks the bundled runtime files under {@code unpackDir} unless this content is already there. */
    static BootstrapFiles unpack(Path unpackDir, ClassLoader loader) {
        try {
            SortedMap<String, byte[]> files = readBundled(loader);
            Optional<String> jni = jniLibraryName(System.getProperty("os.arch", ""), Files.exists(muslLoader()));
            Files.createDirectories(unpackDir);
            Path root = unpackDir.resolve(contentHash(files, jni));
            if (!Files.isDirectory(root)) {
                writeAtomically(root, files, jni);
            }
            return new BootstrapFiles(root, jni);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the runtime bootstraps into " + unpackDir, e);
        }
    }

    /** Every bundled runtime file, by its path relative to {@link #RESOURCE_ROOT}. */
    static SortedMap<String, byte[]> readBundled(ClassLoader loader) throws IOException {
        URL anchor = loader.getResource(RESOURCE_ROOT + ANCHOR);
        if (anchor == null) {
            throw new IOException("the runtime bootstraps are missing from Hearth's class path (" + RESOURCE_ROOT
                    + ANCHOR + ")");
        }
        SortedMap<String, byte[]> files = new TreeMap<>();
        switch (anchor.getProtocol()) {
            case "file" -> {
                Path base;
                try {
                    base = Path.of(anchor.toURI()).getParent().getParent();
                } catch (URISyntaxException e) {
                    throw new IOException(e);
                }
                for (String dir : RUNTIME_DIRS) {
                    if (!Files.isDirectory(base.resolve(dir))) {
                        continue;
                    }
                    try (Stream<Path> walk = Files.walk(base.resolve(dir))) {
                        for (Path file : walk.filter(Files::isRegularFile).toList()) {
                            files.put(base.relativize(file).toString(), Files.readAllBytes(file));
                        }
                    }
                }
            }
            case "jar" -> {
                JarURLConnection connection = (JarURLConnection) anchor.openConnection();
                connection.setUseCaches(false);
                try (JarFile jar = connection.getJarFile()) {
                    for (JarEntry entry : jar.stream().toList()) {
                        String name = entry.getName();
                        if (entry.isDirectory() || !name.startsWith(RESOURCE_ROOT)) {
                            continue;
                        }
                        String relative = name.substring(RESOURCE_ROOT.length());
                        if (RUNTIME_DIRS.stream().anyMatch(dir -> relative.startsWith(dir + "/"))) {
                            try (InputStream in = jar.getInputStream(entry)) {
                                files.put(relative, in.readAllBytes());
                            }
                        }
                    }
                }
            }
            default -> throw new IOException("cannot list the runtime bootstraps at " + anchor);
        }
        if (files.keySet().stream().noneMatch(name -> name.startsWith(RIC_JAR_PREFIX))) {
            throw new IOException("the Java runtime interface client is missing from Hearth's resources ("
                    + RESOURCE_ROOT + "java/lib); the build copies it in generate-resources");
        }
        return files;
    }

    /**
     * The RIC jar's name for its native library on this platform ({@code JniHelper} tries the same four),
     * or empty on an architecture it has none for (the RIC then fails with its own message).
     */
    static Optional<String> jniLibraryName(String osArch, boolean musl) {
        String arch = switch (osArch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch_64";
            default -> null;
        };
        return Optional.ofNullable(arch).map(a -> "libaws-lambda-jni.linux" + (musl ? "_musl" : "") + "-" + a + ".so");
    }

    private static Path muslLoader() {
        String arch = "aarch64".equals(System.getProperty("os.arch")) ? "aarch64" : "x86_64";
        return Path.of("/lib/ld-musl-" + arch + ".so.1");
    }

    private static String contentHash(SortedMap<String, byte[]> files, Optional<String> jni) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                digest.update(file.getKey().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(Integer.toString(file.getValue().length).getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(file.getValue());
            }
            digest.update(jni.orElse("").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static void writeAtomically(Path root, SortedMap<String, byte[]> files, Optional<String> jni)
            throws IOException {
        Path staging = Files.createTempDirectory(root.getParent(), ".unpacking-");
        try {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                Path target = staging.resolve(file.getKey());
                Files.createDirectories(target.getParent());
                Files.write(target, file.getValue());
            }
            Files.createDirectories(staging.resolve("provided"));
            if (jni.isPresent()) {
                extractJni(staging, files, jni.get());
            }
            FileTrees.makeReadOnly(staging);
            try {
                Files.move(staging, root, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
                // Another node unpacked the same content first; its copy is complete and identical.
                FileTrees.deleteTree(staging);
            }
        } catch (IOException | RuntimeException e) {
            FileTrees.deleteTree(staging);
            throw e;
        }
    }

    private static void extractJni(Path staging, SortedMap<String, byte[]> files, String library) throws IOException {
        String ricJar = files.keySet().stream().filter(name -> name.startsWith(RIC_JAR_PREFIX)).findFirst()
                .orElseThrow();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(files.get(ricJar)))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                if (entry.getName().equals("jni/" + library)) {
                    Path target = staging.resolve("java").resolve(JNI_DIR).resolve(library);
                    Files.createDirectories(target.getParent());
                    Files.write(target, zip.readAllBytes());
                    return;
                }
            }
        }
        throw new IOException(ricJar + " has no jni/" + library);
    }
}
