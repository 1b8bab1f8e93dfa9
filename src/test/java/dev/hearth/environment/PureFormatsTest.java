package dev.hearth.environment;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pure parts: log line formats, error rules, the 4 KB tail and the state table. */
class PureFormatsTest {

    @Test
    void report_listsFieldsWithTrailingTabs_initDurationLast_thenTheStatus() {
        assertThat(LogLines.report("id", 2.156, 3, 128, 67, OptionalDouble.of(150.4), null))
                .isEqualTo("REPORT RequestId: id\tDuration: 2.16 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\t"
                        + "Max Memory Used: 67 MB\tInit Duration: 150.40 ms\t");
        assertThat(LogLines.report("id", 3000, 3000, 128, 128, OptionalDouble.empty(), new Fault.Timeout("3.00")))
                .isEqualTo("REPORT RequestId: id\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\t"
                        + "Max Memory Used: 128 MB\tStatus: timeout");
        assertThat(LogLines.report("id", 0.5, 1, 128, 40, OptionalDouble.empty(),
                new Fault.Platform("Runtime.ExitError", "Runtime exited with error: exit status 1")))
                .endsWith("Max Memory Used: 40 MB\tStatus: error\tError Type: Runtime.ExitError");
    }

    @Test
    void platformLines_matchAwsWording() {
        assertThat(LogLines.start("id", "$LATEST")).isEqualTo("START RequestId: id Version: $LATEST");
        assertThat(LogLines.end("id")).isEqualTo("END RequestId: id");
        assertThat(LogLines.initStart("python:3.12.v18", "arn:aws:lambda:us-east-1::runtime:ab"))
                .isEqualTo("INIT_START Runtime Version: python:3.12.v18\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:ab");
        assertThat(LogLines.initReport(10002.084, new Fault.Timeout("10.00")))
                .isEqualTo("INIT_REPORT Init Duration: 10002.08 ms\tPhase: init\tStatus: timeout");
        assertThat(LogLines.timeout(Instant.parse("2024-01-01T00:00:03Z"), "id", "3.00"))
                .isEqualTo("2024-01-01T00:00:03.000Z id Task timed out after 3.00 seconds");
        assertThat(LogLines.seconds(Duration.ofMillis(300))).isEqualTo("0.30");
        assertThat(LogLines.seconds(Duration.ofSeconds(900))).isEqualTo("900.00");
        assertThat(LogLines.appendTwoDecimals(new StringBuilder(), 0.005).toString()).isEqualTo("0.01");
    }

    @Test
    void errorTypes_areNormalisedAsRapidDoes() {
        assertThat(ErrorBodies.normaliseErrorType("Runtime.ImportModuleError")).isEqualTo("Runtime.ImportModuleError");
        assertThat(ErrorBodies.normaliseErrorType("Function.MyError")).isEqualTo("Function.MyError");
        assertThat(ErrorBodies.normaliseErrorType("Function.lower")).isEqualTo("Function.Unknown");
        assertThat(ErrorBodies.normaliseErrorType("Runtime.With1Digit")).isEqualTo("Runtime.Unknown");
        assertThat(ErrorBodies.normaliseErrorType("java.lang.RuntimeException")).isEqualTo("Runtime.Unknown");
        assertThat(ErrorBodies.normaliseErrorType(null)).isEqualTo("Runtime.Unknown");
    }

    @Test
    void errorCause_isStrippedOnlyForItsContentType() {
        byte[] body = "{\"errorMessage\":\"m\",\"errorCause\":{}}".getBytes(StandardCharsets.UTF_8);

        assertThat(new String(ErrorBodies.forCaller(body, "application/json"))).isEqualTo("{\"errorMessage\":\"m\",\"errorCause\":{}}");
        assertThat(new String(ErrorBodies.forCaller(body, ErrorBodies.ERROR_CAUSE_CONTENT_TYPE))).isEqualTo("{\"errorMessage\":\"m\"}");
        assertThat(new String(ErrorBodies.forCaller("not json".getBytes(), ErrorBodies.ERROR_CAUSE_CONTENT_TYPE))).isEqualTo("not json");
    }

    @Test
    void theTail_keepsTheLast4096Bytes_cutAtACharacterBoundary() {
        LogTail tail = new LogTail();
        for (int i = 0; i < 5000; i++) {
            tail.add("€€€ " + i);
        }

        String text = tail.text();

        assertThat(text.getBytes(StandardCharsets.UTF_8).length).isBetween(4094, 4096);
        assertThat(text).endsWith("€€€ 4999\n").doesNotContain("\uFFFD");
        tail.reset();
        tail.add("short");
        assertThat(tail.text()).isEqualTo("short\n");
    }

    @Test
    void theStateTable_allowsTheLifecycle_andRefusesEverythingElse() {
        assertThat(EnvironmentState.STARTING.moveTo(EnvironmentState.INITIALISING)).isEqualTo(EnvironmentState.INITIALISING);
        assertThat(EnvironmentState.INITIALISING.canMoveTo(EnvironmentState.INVOKING)).isTrue();
        assertThat(EnvironmentState.IDLE.canMoveTo(EnvironmentState.INVOKING)).isTrue();
        assertThat(EnvironmentState.INVOKING.canMoveTo(EnvironmentState.RESPONDED)).isTrue();
        assertThat(EnvironmentState.RESPONDED.canMoveTo(EnvironmentState.IDLE)).isTrue();
        assertThat(EnvironmentState.IDLE.canMoveTo(EnvironmentState.FAILED)).isFalse();
        assertThat(EnvironmentState.INVOKING.canMoveTo(EnvironmentState.IDLE)).isFalse();
        for (EnvironmentState s : EnvironmentState.values()) {
            assertThat(EnvironmentState.STOPPED.canMoveTo(s)).isFalse();
            assertThat(EnvironmentState.FAILED.canMoveTo(s)).isFalse();
        }
        assertThatThrownBy(() -> EnvironmentState.STOPPED.moveTo(EnvironmentState.IDLE))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("STOPPED to IDLE");
    }
}
