package dev.hearth.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A process test: the code store run by an ordinary user. Root may rename and write where an ordinary
 * user may not (a read-only directory cannot be moved to another parent by its owner), so a suite run
 * as root — as CI runs — would not see such failures. When the tests run as root and {@code setpriv}
 * exists, this runs the store in a child JVM as {@code nobody}; otherwise the other tests already run
 * unprivileged.
 */
class CodeStoreAsUnprivilegedUserTest {

    @TempDir
    Path dir;

    /** Runs in the child JVM as nobody: stores and unpacks a zip, then prints the modes it sees. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            CodeStore store = new CodeStore(Path.of(args[0]));
            CodeArtifact artifact = store.put(Files.readAllBytes(Path.of(args[1])));
            Path unpacked = store.unpack(artifact.sha256Hex());
            System.out.println(PosixFilePermissions.toString(Files.getPosixFilePermissions(unpacked)) + " "
                    + PosixFilePermissions.toString(Files.getPosixFilePermissions(unpacked.resolve("bootstrap"))) + " "
                    + PosixFilePermissions.toString(Files.getPosixFilePermissions(unpacked.resolve("lib/data.txt"))));
            store.delete(artifact.sha256Hex());
            System.out.println("deleted=" + !Files.exists(unpacked));
        }
    }

    @Test
    void putUnpackAndDelete_workForAnOrdinaryUser() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "already unprivileged: the other tests cover it");
        Path setpriv = Path.of("/usr/bin/setpriv");
        assumeTrue(Files.isExecutable(setpriv), "setpriv is not installed");
        Path classes = locationOf(CodeStore.class);
        Path testClasses = locationOf(Child.class);
        assumeTrue(readableByOthers(classes) && readableByOthers(testClasses), "class directories not readable by nobody");

        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path zip = dir.resolve("code.zip");
        try (var fs = java.nio.file.FileSystems.newFileSystem(zip,
                Map.of("create", "true", "enablePosixFileAttributes", "true"))) {
            Files.writeString(fs.getPath("/bootstrap"), "#!/bin/sh\n");
            Files.setPosixFilePermissions(fs.getPath("/bootstrap"), PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.createDirectories(fs.getPath("/lib"));
            Files.writeString(fs.getPath("/lib/data.txt"), "data");
        }
        Files.setPosixFilePermissions(zip, PosixFilePermissions.fromString("rw-r--r--"));

        Process child = new ProcessBuilder(setpriv.toString(), "--reuid=65534", "--regid=65534", "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classes + File.pathSeparator + testClasses, Child.class.getName(),
                dir.resolve("code").toString(), zip.toString())
                .redirectErrorStream(true).start();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child finished").isTrue();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(child.exitValue()).as(output).isZero();
        assertThat(output).isEqualTo("r-xr-xr-x r-xr-xr-x r--r--r--\ndeleted=true\n");
    }

    private static Path locationOf(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** True if every directory from / down to {@code path} lets others in. */
    private static boolean readableByOthers(Path path) throws java.io.IOException {
        for (Path p = path; p != null; p = p.getParent()) {
            if (!PosixFilePermissions.toString(Files.getPosixFilePermissions(p)).endsWith("x")) {
                return false;
            }
        }
        return true;
    }
}
