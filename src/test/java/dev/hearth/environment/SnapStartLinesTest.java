package dev.hearth.environment;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** SnapStart's log lines: where a cold start shows Init Duration, a restored environment shows its restore. */
class SnapStartLinesTest {

    @Test
    void report_ofARestoredEnvironment_hasRestoreAndBilledRestoreDuration_andNoInitDuration() {
        assertThat(LogLines.report("id", 2.156, 3, 128, 67, 3.214, null))
                .isEqualTo("REPORT RequestId: id\tDuration: 2.16 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\t"
                        + "Max Memory Used: 67 MB\tRestore Duration: 3.21 ms\tBilled Restore Duration: 4 ms\t");
        assertThat(LogLines.report("id", 1, 1, 128, 40, 0.2, new Fault.Timeout("3.00")))
                .endsWith("Restore Duration: 0.20 ms\tBilled Restore Duration: 1 ms\tStatus: timeout");
    }

    @Test
    void snapshotAndRestoreLines_nameTheirPhase() {
        assertThat(LogLines.initReport(151.456)).isEqualTo("INIT_REPORT Init Duration: 151.46 ms");
        assertThat(LogLines.restoreStart("python:3.12.v1", "arn:x")).isEqualTo(
                "RESTORE_START Runtime Version: python:3.12.v1\tRuntime Version ARN: arn:x");
        assertThat(LogLines.restoreReport(2.5)).isEqualTo("RESTORE_REPORT Restore Duration: 2.50 ms");
    }
}
