package dev.hearth.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class CgroupCounterTest {

    @TempDir
    Path dir;

    @Test
    void read_keepsTheFileOpen_andSeesEachNewValue() throws IOException {
        Path file = Files.writeString(dir.resolve("memory.max_usage_in_bytes"), "262144\n");
        CgroupCounter counter = new CgroupCounter(file);

        assertThat(counter.read()).hasValue(262_144);
        Files.writeString(file, "52686848\n");
        assertThat(counter.read()).hasValue(52_686_848);
        Files.writeString(file, "4096\n");
        assertThat(counter.read()).hasValue(4096);
    }

    @Test
    void read_afterClose_readsByPath_andAMissingFileIsNoValue() throws IOException {
        Path file = Files.writeString(dir.resolve("memory.peak"), "1000\n");
        CgroupCounter counter = new CgroupCounter(file);
        assertThat(counter.read()).hasValue(1000);

        counter.close();
        Files.writeString(file, "2000\n");
        assertThat(counter.read()).hasValue(2000);
        Files.delete(file);
        assertThat(counter.read()).isEmpty();
        assertThat(new CgroupCounter(dir.resolve("absent")).read()).isEmpty();
    }

    @Test
    void parse_takesOneDecimalCounter_andRefusesAnythingElse() {
        assertThat(CgroupCounter.parse(bytes("52428800\n"))).hasValue(52_428_800);
        assertThat(CgroupCounter.parse(bytes(" 7 \n"))).hasValue(7);
        assertThat(CgroupCounter.parse(bytes("9223372036854775807\n"))).hasValue(Long.MAX_VALUE);
        assertThat(CgroupCounter.parse(bytes("9223372036854775808\n"))).isEmpty();
        assertThat(CgroupCounter.parse(bytes("max\n"))).isEmpty();
        assertThat(CgroupCounter.parse(bytes("12ab\n"))).isEmpty();
        assertThat(CgroupCounter.parse(bytes(""))).isEmpty();
    }

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }
}
