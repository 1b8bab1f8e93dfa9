package dev.hearth.runtimes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BootstrapFilesTest {

    private static final ClassLoader LOADER = BootstrapFilesTest.class.getClassLoader();

    @TempDir
    Path unpackDir;

    @Test
    void unpack_writesEveryRuntimeIntoAContentNamedDirectory() {
        BootstrapFiles files = BootstrapFiles.unpack(unpackDir, LOADER);

        assertThat(files.root().getParent()).isEqualTo(unpackDir);
        assertThat(files.root().getFileName().toString()).matches("[0-9a-f]{16}");
        assertThat(files.python().resolve("bootstrap.py")).isRegularFile();
        assertThat(files.node().resolve("index.cjs")).isRegularFile();
        assertThat(files.java().resolve("lib/aws-lambda-java-runtime-interface-client-2.9.0.jar")).isRegularFile();
        assertThat(files.java().resolve("lib/aws-lambda-java-core-1.4.0.jar")).isRegularFile();
        assertThat(files.java().resolve("lib/aws-lambda-java-serialization-1.2.0.jar")).isRegularFile();
        assertThat(files.java().resolve("lib/utils-lite-2.34.0.jar")).isRegularFile();
        assertThat(files.java().resolve("lib/annotations-2.34.0.jar")).isRegularFile();
        assertThat(files.provided()).isEmptyDirectory();
        assertThat(files.jniLibrary()).isPresent();
        assertThat(files.java().resolve("lib/jni").resolve(files.jniLibrary().orElseThrow())).isRegularFile();
    }

    @Test
    void unpack_makesTheFilesReadOnlyForEveryone() throws IOException {
        BootstrapFiles files = BootstrapFiles.unpack(unpackDir, LOADER);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.python().resolve("bootstrap.py"))))
                .isEqualTo("r--r--r--");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.java().resolve("lib"))))
                .isEqualTo("r-xr-xr-x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.root()))).isEqualTo("r-xr-xr-x");
    }

    @Test
    void unpack_twice_reusesTheDirectory_andLeavesNoStaging() throws IOException {
        Path first = BootstrapFiles.unpack(unpackDir, LOADER).root();
        Path second = BootstrapFiles.unpack(unpackDir, LOADER).root();

        assertThat(second).isEqualTo(first);
        try (Stream<Path> entries = Files.list(unpackDir)) {
            assertThat(entries).containsExactly(first);
        }
    }

    @Test
    void readBundled_fromAJar_findsTheSameFilesAsFromClassesDirectory(@TempDir Path jarDir) throws IOException {
        SortedMap<String, byte[]> fromDirectory = BootstrapFiles.readBundled(LOADER);
        Path jar = jarDir.resolve("hearth.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Map.Entry<String, byte[]> file : fromDirectory.entrySet()) {
                out.putNextEntry(new JarEntry(BootstrapFiles.RESOURCE_ROOT + file.getKey()));
                out.write(file.getValue());
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry(BootstrapFiles.RESOURCE_ROOT + "LaunchPlanner.class"));
            out.write(new byte[]{1, 2, 3});
            out.closeEntry();
        }
        try (URLClassLoader jarLoader = new URLClassLoader(new URL[]{jar.toUri().toURL()}, null)) {
            SortedMap<String, byte[]> fromJar = BootstrapFiles.readBundled(jarLoader);

            assertThat(fromJar.keySet()).isEqualTo(fromDirectory.keySet());
            assertThat(fromJar.get("python/bootstrap.py")).isEqualTo(fromDirectory.get("python/bootstrap.py"));
        }
    }

    @Test
    void readBundled_withoutTheBootstraps_failsWithAClearMessage() throws IOException {
        try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
            assertThatThrownBy(() -> BootstrapFiles.readBundled(empty))
                    .hasMessageContaining("missing from Hearth's class path");
        }
    }

    @Test
    void jniLibraryName_followsTheRicsPlatformNames() {
        assertThat(BootstrapFiles.jniLibraryName("amd64", false)).contains("libaws-lambda-jni.linux-x86_64.so");
        assertThat(BootstrapFiles.jniLibraryName("aarch64", false)).contains("libaws-lambda-jni.linux-aarch_64.so");
        assertThat(BootstrapFiles.jniLibraryName("amd64", true)).contains("libaws-lambda-jni.linux_musl-x86_64.so");
        assertThat(BootstrapFiles.jniLibraryName("ppc64le", false)).isEqualTo(Optional.empty());
    }
}
