package dev.hearth.sandbox;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ExitStatusMappingTest {

    @Test
    void ordinaryCodes_areExitStatuses() {
        assertThat(ProcessSandbox.status(0, false).describe()).isEqualTo("exit status 0");
        assertThat(ProcessSandbox.status(1, false).exitCode()).hasValue(1);
        assertThat(ProcessSandbox.status(128, false).describe()).isEqualTo("exit status 128");
        assertThat(ProcessSandbox.status(255, false).describe()).isEqualTo("exit status 255");
    }

    @Test
    void codesAbove128_areTheSignalsBubblewrapAndTheJdkEncodeThere() {
        assertThat(ProcessSandbox.status(137, false).describe()).isEqualTo("signal: killed");
        assertThat(ProcessSandbox.status(143, false).signal()).hasValue(15);
        assertThat(ProcessSandbox.status(139, false).describe()).isEqualTo("signal: segmentation fault");
        assertThat(ProcessSandbox.status(137, false).exitCode()).isEmpty();
    }

    @Test
    void oomKilled_isCarriedAlong() {
        assertThat(ProcessSandbox.status(137, true).oomKilled()).isTrue();
        assertThat(ProcessSandbox.status(1, true).oomKilled()).isTrue();
    }
}
