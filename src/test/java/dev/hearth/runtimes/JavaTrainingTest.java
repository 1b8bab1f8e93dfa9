package dev.hearth.runtimes;

import dev.hearth.runtimes.HostRuntimes.Jdk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A training run where bubblewrap is found but cannot make its namespace (no user namespaces, a container
 * without the privilege): the run falls back to a plain process and still leaves a complete cache, as
 * before training ran under bubblewrap. (Training under bubblewrap itself is covered end to end by
 * {@code JavaInvokeTest}, whose cached cold start checks the RIC's code source.)
 */
@Timeout(300)
class JavaTrainingTest {

    @TempDir
    Path unpackDir;
    @TempDir
    Path caches;

    @Test
    void bubblewrapThatCannotRun_fallsBackToAPlainTrainingRun_andStillWritesTheCache() throws Exception {
        Optional<Jdk> jdk = HostProbe.probe().jdkFor(JavaClassDataCache.MIN_FEATURE);
        assumeTrue(jdk.isPresent(), "no JDK 25 or newer on this machine");
        Path failing = Path.of("/bin/false");
        assumeTrue(Files.isExecutable(failing), "no /bin/false here");
        BootstrapFiles files = BootstrapFiles.unpack(unpackDir, JavaTrainingTest.class.getClassLoader());
        Path target = caches.resolve("cache");

        new JavaTraining(files, List.of(failing)).train(jdk.get(), target);

        assertThat(target.resolve(JavaClassDataCache.ARCHIVE)).isRegularFile();
        assertThat(Files.size(target.resolve(JavaClassDataCache.ARCHIVE))).isPositive();
        assertThat(target.resolve("lib/aws-lambda-java-runtime-interface-client-2.9.0.jar")).isRegularFile();
        assertThat(listing(caches)).containsExactly("cache");
    }

    private static List<String> listing(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).toList();
        }
    }
}
