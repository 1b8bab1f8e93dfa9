package dev.hearth.sandbox;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The fork hand-over's one read of a child's {@code /proc/<pid>/status}, against real processes. */
class UnixForkServerStatusTest {

    @Test
    void status_ofAProcess_givesItsInnermostPidAndItsRealIdsAsProcShowsThem() throws Exception {
        Process p = new ProcessBuilder("/bin/sleep", "30").start();
        try {
            UnixForkServer.ProcStatus status = UnixForkServer.status(p.pid()).orElseThrow();

            String text = Files.readString(Path.of("/proc", Long.toString(p.pid()), "status"));
            assertThat(status.hostPid()).isEqualTo(p.pid());
            // Not in a pid namespace of its own: NSpid's last field is the pid the node sees.
            assertThat(status.innermostPid()).isEqualTo(p.pid());
            assertThat(UnixForkServer.innermostPid(p.pid())).isEqualTo(p.pid());
            assertThat(text).containsPattern("\nUid:\\s+" + status.uid() + "\\s")
                    .containsPattern("\nGid:\\s+" + status.gid() + "\\s");
            assertThat(status.uid()).matches("\\d+");
            assertThat(status.gid()).matches("\\d+");
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void status_ofAProcessThatIsGone_isEmpty() throws Exception {
        Process p = new ProcessBuilder("/bin/true").start();
        p.waitFor();
        long pid = p.pid();

        assertThat(UnixForkServer.status(pid)).isEmpty();
        assertThat(UnixForkServer.innermostPid(pid)).isEqualTo(-1);
    }
}
