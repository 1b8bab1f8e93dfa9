package dev.hearth.environment;

import dev.hearth.logs.FunctionLogs;
import dev.hearth.logs.LogEvent;
import dev.hearth.logs.LogStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class InvocationLogTest {
    private static final String INIT_START = "INIT_START Runtime Version: python:3.12";

    /** A clock the test moves by hand. */
    private static final class HandClock extends Clock {
        private long millis = 1_000;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    private record Appended(long millis, String message) {
    }

    private static final class RecordingStream implements LogStream {
        final List<Appended> appended = new ArrayList<>();

        @Override
        public String logGroup() {
            return "/aws/lambda/fn";
        }

        @Override
        public String streamName() {
            return "stream";
        }

        @Override
        public void append(long timestampMillis, String message) {
            appended.add(new Appended(timestampMillis, message));
        }
    }

    private final HandClock clock = new HandClock();
    private final RecordingStream stream = new RecordingStream();
    private final InvocationLog log = new InvocationLog(stream, clock, spec());

    private static EnvironmentSpec spec() {
        return new EnvironmentSpec("fn", "arn:aws:lambda:us-east-1:000000000000:function:fn", "$LATEST", "python3.12",
                "app.handler", 128, 3, 512, List.of("x86_64"), Map.of(), Path.of("/nonexistent"), Optional.empty(),
                "/aws/lambda/fn", "Text", Optional.empty(), Optional.empty(), "on-demand");
    }

    @Test
    void initStart_isWrittenWhenInitIsOver_withTheTimeItWasGiven() {
        log.initStart(INIT_START);
        clock.millis += 40;

        assertThat(stream.appended).isEmpty();
        log.initDuration(40.0);

        assertThat(stream.appended).containsExactly(new Appended(1_000, INIT_START));
    }

    @Test
    void initStart_precedesTheRuntimesFirstOutput_andPlatformLines() {
        log.initStart(INIT_START);
        clock.millis += 5;
        log.output(List.of("loading the handler"));
        log.initDuration(12.0);
        log.line("INIT_REPORT Init Duration: 12.00 ms");

        assertThat(stream.appended).extracting(Appended::message)
                .containsExactly(INIT_START, "loading the handler", "INIT_REPORT Init Duration: 12.00 ms");
        assertThat(stream.appended.getFirst().millis()).isEqualTo(1_000);
    }

    @Test
    void initStart_afterInitIsAlreadyOver_isWrittenAtOnce() {
        log.initDuration(3.0);

        log.initStart(INIT_START);

        assertThat(stream.appended).extracting(Appended::message).containsExactly(INIT_START);
    }

    @Test
    void deferredStream_isOpenedInTheStoreOnItsFirstLine(@TempDir Path dir) {
        FunctionLogs logs = FunctionLogs.create(dir, Clock.systemUTC());
        try {
            DeferredLogStream deferred = new DeferredLogStream(logs, "/aws/lambda/fn", "2026/11/23/[$LATEST]abc");
            logs.flush();
            assertThat(logs.streams("/aws/lambda/fn")).isEmpty();

            deferred.append(1_000, "first");
            deferred.append(1_001, "second");
            logs.flush();

            assertThat(logs.streams("/aws/lambda/fn")).containsExactly("2026/11/23/[$LATEST]abc");
            assertThat(logs.read("/aws/lambda/fn", "2026/11/23/[$LATEST]abc")).extracting(LogEvent::message)
                    .containsExactly("first", "second");
        } finally {
            logs.close();
        }
    }
}
