package dev.hearth.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class SandboxesTest {

    @TempDir
    Path work;

    @Test
    void probe_isQuick_andAgreesWithDetect() {
        Sandboxes.probe(); // warm the JVM's process machinery: the first start of a process is slower
        long start = System.nanoTime();
        Isolation probed = Sandboxes.probe();
        long millis = (System.nanoTime() - start) / 1_000_000;

        try (SandboxLauncher launcher = Sandboxes.detect(work)) {
            Isolation detected = launcher.isolation();
            assertThat(millis).isLessThan(1000);
            assertThat(detected.bubblewrap()).isEqualTo(probed.bubblewrap());
            assertThat(detected.unprivilegedUid()).isEqualTo(probed.unprivilegedUid());
            assertThat(detected.cgroups()).isEqualTo(probed.cgroups());
            assertThat(detected.complete()).isEqualTo(detected.advice().isEmpty() || detected.complete());
        }
    }

    @Test
    void detect_writesTheSandboxesPasswdAndAnEmptyOpt() {
        try (SandboxLauncher launcher = Sandboxes.detect(work)) {
            assertThat(work.resolve("etc/passwd")).content().contains("sbx_user1051:x:");
            assertThat(work.resolve("etc/group")).content().contains("sbx_user1051:x:");
            assertThat(work.resolve("empty")).isEmptyDirectory();
            assertThat(launcher.isolation().advice()).allSatisfy(a -> assertThat(a).contains(":"));
        }
    }
}
