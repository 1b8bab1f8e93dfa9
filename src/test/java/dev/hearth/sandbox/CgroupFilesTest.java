package dev.hearth.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class CgroupFilesTest {

    @TempDir
    Path dir;

    @Test
    void pids_areReadOnePerLine_withOrWithoutAFinalNewline() throws IOException {
        Path procs = dir.resolve("cgroup.procs");
        Files.writeString(procs, "12\n345\n");
        assertThat(CgroupFiles.pids(procs)).containsExactly(12L, 345L);

        Files.writeString(procs, "7\n4194304");
        assertThat(CgroupFiles.pids(procs)).containsExactly(7L, 4194304L);

        Files.writeString(procs, "");
        assertThat(CgroupFiles.pids(procs)).isEmpty();
    }

    @Test
    void pids_ofAGroupAlreadyGone_areNone() {
        assertThat(CgroupFiles.pids(dir.resolve("gone/cgroup.procs"))).isEmpty();
    }
}
