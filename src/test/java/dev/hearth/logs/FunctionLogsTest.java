package dev.hearth.logs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The disk log store: what goes in comes back out, in order, under AWS-style names. */
class FunctionLogsTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-04T05:06:07Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void appendedEvents_readBackInOrder_withTimestampsAndAnyCharacters() {
        try (FunctionLogs logs = FunctionLogs.create(dir, CLOCK)) {
            LogStream stream = logs.open("/aws/lambda/fn", "2025/03/04/[$LATEST]0123456789abcdef0123456789abcdef");
            stream.append(1000, "plain");
            stream.append(1001, "multi\nline \"quoted\" \\ tab\t and \u0001 control");
            stream.append(1002, "ünïcødé ✓ \uD83D\uDE00");
            stream.append(1003, "");

            logs.flush();

            assertThat(logs.read("/aws/lambda/fn", stream.streamName())).containsExactly(
                    new LogEvent(1000, "plain"),
                    new LogEvent(1001, "multi\nline \"quoted\" \\ tab\t and \u0001 control"),
                    new LogEvent(1002, "ünïcødé ✓ \uD83D\uDE00"),
                    new LogEvent(1003, ""));
        }
    }

    @Test
    void eachStream_isOneJsonLinesFileUnderItsEncodedGroup() throws Exception {
        try (FunctionLogs logs = FunctionLogs.create(dir, CLOCK)) {
            logs.open("/aws/lambda/fn", "s1").append(42, "a\nb");
            logs.flush();
        }

        Path file = dir.resolve("%2Faws%2Flambda%2Ffn").resolve("s1.jsonl");
        assertThat(Files.readString(file)).isEqualTo("{\"t\":42,\"m\":\"a\\nb\"}\n");
    }

    @Test
    void aStreamOfAGroupWhoseDirectoryWasRemoved_getsItBack() throws Exception {
        try (FunctionLogs logs = FunctionLogs.create(dir, CLOCK)) {
            logs.open("/aws/lambda/fn", "s1").append(1, "first");
            logs.flush();
            Path group = dir.resolve("%2Faws%2Flambda%2Ffn");
            Files.delete(group.resolve("s1.jsonl"));
            Files.delete(group); // as a retention sweep or an operator might

            logs.open("/aws/lambda/fn", "s2").append(2, "second");
            logs.flush();

            assertThat(logs.read("/aws/lambda/fn", "s2")).containsExactly(new LogEvent(2, "second"));
        }
    }

    @Test
    void groupsAndStreams_areListedByTheirRealNames() {
        try (FunctionLogs logs = FunctionLogs.create(dir, CLOCK)) {
            logs.open("/aws/lambda/b", "2025/03/04/[1]ffffffffffffffffffffffffffffffff");
            logs.open("/aws/lambda/a", "2025/03/04/[$LATEST]00000000000000000000000000000000");
            logs.open("/aws/lambda/a", "2025/03/03/[$LATEST]11111111111111111111111111111111");
            logs.flush();

            assertThat(logs.groups()).containsExactly("/aws/lambda/a", "/aws/lambda/b");
            assertThat(logs.streams("/aws/lambda/a")).containsExactly(
                    "2025/03/03/[$LATEST]11111111111111111111111111111111",
                    "2025/03/04/[$LATEST]00000000000000000000000000000000");
            assertThat(logs.streams("/aws/lambda/none")).isEmpty();
            assertThat(logs.read("/aws/lambda/none", "x")).isEmpty();
        }
    }

    @Test
    void dotsInNames_cannotEscapeTheLogsDirectory() {
        Path logsDir = dir.resolve("logs");
        try (FunctionLogs logs = FunctionLogs.create(logsDir, CLOCK)) {
            logs.open("..", "..").append(1, "contained");
            logs.flush();

            assertThat(logs.groups()).containsExactly("..");
            assertThat(logs.read("..", "..")).containsExactly(new LogEvent(1, "contained"));
        }
        assertThat(dir.resolve("logs").resolve("%2E%2E").resolve("%2E%2E.jsonl")).exists();
    }

    @Test
    void close_writesEverythingStillQueued() {
        FunctionLogs logs = FunctionLogs.create(dir, CLOCK);
        LogStream stream = logs.open("g", "s");
        IntStream.range(0, 10_000).forEach(i -> stream.append(i, "event " + i));

        logs.close();

        try (FunctionLogs reopened = FunctionLogs.create(dir, CLOCK)) {
            List<LogEvent> events = reopened.read("g", "s");
            assertThat(events).hasSize(10_000);
            assertThat(events.getLast()).isEqualTo(new LogEvent(9_999, "event 9999"));
        }
        assertThat(logs.droppedEvents()).isZero();
    }

    @Test
    void aFullQueue_dropsAndCountsInsteadOfBlocking_andTheStreamSaysSo() {
        try (FunctionLogs logs = FunctionLogs.create(dir, CLOCK, 1)) {
            LogStream stream = logs.open("g", "s");
            // With room for one queued event, a burst outruns the writer; append must still return at once.
            IntStream.range(0, 50_000).forEach(i -> stream.append(i, "event " + i));
            logs.flush();

            long dropped = logs.droppedEvents();
            assertThat(dropped).isPositive();
            List<LogEvent> events = logs.read("g", "s");
            long notices = events.stream().filter(e -> e.message().startsWith("[hearth] ")).count();
            assertThat(notices).isPositive();
            assertThat(events.size() - notices + dropped).isEqualTo(50_000);
            assertThat(events).filteredOn(e -> e.message().startsWith("[hearth] ")).allSatisfy(e -> {
                assertThat(e.timestampMillis()).isEqualTo(CLOCK.millis());
                assertThat(e.message()).matches("\\[hearth] \\d+ log events? (was|were) dropped: the log writer could not keep up");
            });
        }
    }

    @Test
    void appendsAfterClose_areDropped() {
        FunctionLogs logs = FunctionLogs.create(dir, CLOCK);
        LogStream stream = logs.open("g", "s");
        logs.close();

        stream.append(1, "too late");
        logs.flush();

        assertThat(logs.droppedEvents()).isEqualTo(1);
        assertThat(logs.read("g", "s")).isEmpty();
    }

    @Test
    void streamNames_followAwsFormat_inUtc() {
        assertThat(LogStreamNames.of(Instant.parse("2024-01-09T23:59:59Z"), "$LATEST", "0123456789abcdef0123456789abcdef"))
                .isEqualTo("2024/01/09/[$LATEST]0123456789abcdef0123456789abcdef");
        assertThat(LogStreamNames.of(Instant.parse("2024-12-31T00:00:00Z"), "12", "ffffffffffffffffffffffffffffffff"))
                .isEqualTo("2024/12/31/[12]ffffffffffffffffffffffffffffffff");
        assertThatThrownBy(() -> LogStreamNames.of(Instant.EPOCH, "$LATEST", "ABC"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LogStreamNames.of(Instant.EPOCH, "$LATEST", "0123456789ABCDEF0123456789abcdef"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LogStreamNames.of(Instant.EPOCH, "$LATEST", "0123456789abcdef0123456789abcdeg"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LogStreamNames.of(Instant.EPOCH, "$LATEST", "0123456789abcdef0123456789abcdef0"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
