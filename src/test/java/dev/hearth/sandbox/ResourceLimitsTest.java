package dev.hearth.sandbox;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ResourceLimitsTest {

    private static SandboxSpec spec(int memoryMb, int pids) {
        return new SandboxSpec("s", List.of("/x"), Map.of(), Path.of("/t"), Path.of("/r"), Optional.empty(), List.of(),
                512, memoryMb, pids);
    }

    @Test
    void memory_isTheSpecsInBytes() {
        assertThat(ResourceLimits.of(spec(128, 10), 2, 0).memoryBytes()).isEqualTo(128L * 1024 * 1024);
    }

    @Test
    void cpu_growsWithMemory_oneVcpuPer1769Mb() {
        assertThat(ResourceLimits.of(spec(1769, 10), 4, 0).cpuQuotaMicros()).isEqualTo(100_000);
        assertThat(ResourceLimits.of(spec(3538, 10), 4, 0).cpuQuotaMicros()).isEqualTo(200_000);
        assertThat(ResourceLimits.of(spec(512, 10), 4, 0).cpuQuotaMicros()).isEqualTo(28_943);
        assertThat(ResourceLimits.of(spec(512, 10), 4, 0).cpuPeriodMicros()).isEqualTo(100_000);
    }

    @Test
    void cpu_neverDropsBelowWhat128MbGets() {
        assertThat(ResourceLimits.of(spec(128, 10), 2, 0).cpuQuotaMicros()).isEqualTo(7_236);
        assertThat(ResourceLimits.of(spec(64, 10), 2, 0).cpuQuotaMicros()).isEqualTo(7_236);
    }

    @Test
    void cpu_neverExceedsTheMachinesCores() {
        assertThat(ResourceLimits.of(spec(10_240, 10), 2, 0).cpuQuotaMicros()).isEqualTo(200_000);
        assertThat(ResourceLimits.of(spec(10_240, 10), 1, 0).cpuQuotaMicros()).isEqualTo(100_000);
    }

    @Test
    void startUp_mayUseTheWholeMachine() {
        assertThat(ResourceLimits.of(spec(128, 10), 2, 0).initCpuQuotaMicros()).isEqualTo(200_000);
        assertThat(ResourceLimits.of(spec(128, 10), 0, 0).initCpuQuotaMicros()).isEqualTo(100_000);
    }

    @Test
    void pids_addTheLaunchersOwnTasks() {
        assertThat(ResourceLimits.of(spec(128, 64), 2, 2).pids()).isEqualTo(66);
        assertThat(ResourceLimits.of(spec(128, 64), 2, 0).pids()).isEqualTo(64);
    }
}
