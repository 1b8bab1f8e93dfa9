package dev.hearth.logs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The janitor enforces the disk cap soon after heavy writing, without waiting for its periodic sweep. */
class LogJanitorTest {

    @TempDir
    Path dir;

    @Test
    void heavyWriting_triggersAnEarlySweep_thatBringsLogsUnderTheCap() {
        Clock clock = Clock.systemUTC();
        try (FunctionLogs logs = FunctionLogs.create(dir, clock)) {
            LogGroups groups = LogGroups.create(dir, logs, clock);
            long cap = 64 * 1024;
            String line = "x".repeat(1000);
            LogStream old = logs.open("/aws/lambda/fn", "old");
            for (int i = 0; i < 40; i++) {
                old.append(1_000 + i, line);
            }
            logs.flush();
            // Under the cap so far, and no periodic sweep within the test: only the write check can act.
            try (LogJanitor ignored = LogJanitor.start(groups, logs, cap, Duration.ofHours(1), Duration.ofHours(1),
                    Duration.ofMillis(20))) {
                LogStream fresh = logs.open("/aws/lambda/fn", "fresh");
                for (int i = 0; i < 40; i++) {
                    fresh.append(clock.millis(), line);
                }
                logs.flush();

                await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThat(logs.streams("/aws/lambda/fn")).containsExactly("fresh"));
            }
            assertThat(groups.group("/aws/lambda/fn").orElseThrow().storedBytes()).isLessThanOrEqualTo(cap);
        }
    }
}
