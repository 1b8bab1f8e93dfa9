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

    @Test
    void onlineCpus_countsRangesAndSingleCpus() throws IOException {
        Path online = dir.resolve("online");
        Files.writeString(online, "0-1\n");
        assertThat(CgroupFiles.onlineCpus(online)).isEqualTo(2);

        Files.writeString(online, "0-3,6,8-9\n");
        assertThat(CgroupFiles.onlineCpus(online)).isEqualTo(7);

        Files.writeString(online, "0\n");
        assertThat(CgroupFiles.onlineCpus(online)).isEqualTo(1);
    }

    @Test
    void onlineCpus_whenUnreadable_isSoLargeThatEveryQuotaIsWritten() throws IOException {
        assertThat(CgroupFiles.onlineCpus(dir.resolve("missing"))).isEqualTo(Integer.MAX_VALUE);

        Path garbled = Files.writeString(dir.resolve("garbled"), "zero-one\n");
        assertThat(CgroupFiles.onlineCpus(garbled)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void throttlesInit_onlyWhenTheStartUpAllowanceIsLessThanEveryOnlineCpu() {
        ResourceLimits twoCores = new ResourceLimits(128L << 20, 7236, 200_000, 100_000, 66);
        assertThat(CgroupFiles.throttlesInit(twoCores, 2)).isFalse();
        assertThat(CgroupFiles.throttlesInit(twoCores, 4)).isTrue();
        assertThat(CgroupFiles.throttlesInit(twoCores, Integer.MAX_VALUE)).isTrue();
    }
}
