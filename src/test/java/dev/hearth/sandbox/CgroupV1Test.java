package dev.hearth.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class CgroupV1Test {

    @TempDir
    Path dir;

    @Test
    void onlineCpus_countsRangesAndSingleCpus() throws IOException {
        Path online = dir.resolve("online");
        Files.writeString(online, "0-1\n");
        assertThat(CgroupV1.onlineCpus(online)).isEqualTo(2);

        Files.writeString(online, "0-3,6,8-9\n");
        assertThat(CgroupV1.onlineCpus(online)).isEqualTo(7);

        Files.writeString(online, "0\n");
        assertThat(CgroupV1.onlineCpus(online)).isEqualTo(1);
    }

    @Test
    void onlineCpus_whenUnreadable_isSoLargeThatEveryQuotaIsWritten() throws IOException {
        assertThat(CgroupV1.onlineCpus(dir.resolve("missing"))).isEqualTo(Integer.MAX_VALUE);

        Path garbled = Files.writeString(dir.resolve("garbled"), "zero-one\n");
        assertThat(CgroupV1.onlineCpus(garbled)).isEqualTo(Integer.MAX_VALUE);
    }
}
