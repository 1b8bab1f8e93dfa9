package dev.hearth.environment;

import dev.hearth.os.ChildProcess;
import dev.hearth.os.Linux;
import dev.hearth.os.SpawnRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/** A process's output read through native pipes: no thread per stream, and no wait before END. */
class ProcessOutputTest {

    @TempDir
    Path dir;
    private OutputLoop loop;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<String> ends = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        assumeThat(Linux.unavailable()).as("native processes on this machine").isEmpty();
        loop = new OutputLoop();
    }

    @AfterEach
    void stop() {
        if (loop != null) {
            loop.close();
        }
    }

    private ChildProcess sh(String script) throws Exception {
        return ChildProcess.spawn(new SpawnRequest(List.of("sh", "-c", script), Map.of("PATH", "/usr/bin:/bin",
                "DONE", dir.resolve("done").toString()), Optional.empty(), false, Optional.empty()), loop.poller);
    }

    private ProcessOutput read(ChildProcess child) throws Exception {
        ProcessOutput output = new ProcessOutput(loop.vertx, loop.context, lines::addAll, () -> ends.add("ended"));
        loop.onContext(() -> output.start(new PipesSandbox(child.pid(), child.output(), child::kill, child::close)));
        return output;
    }

    @Test
    void afterSettled_hasEverythingPrintedSoFar_includingAnUnfinishedLine_andGoesOnAtOnce() throws Exception {
        try (ChildProcess child = sh("printf 'one\\ntwo\\n'; printf 'err\\n' >&2; printf 'no newline'; touch $DONE; sleep 30")) {
            ProcessOutput output = read(child);
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(dir.resolve("done")));

            List<String> atSettle = loop.onContext(() -> {
                List<String> seen = new CopyOnWriteArrayList<>();
                output.afterSettled(() -> seen.addAll(lines));
                return seen; // filled synchronously: no timer, no marker, no other thread
            });

            assertThat(atSettle).containsExactlyInAnyOrder("one", "two", "err", "no newline");
            assertThat(loop.onContext(output::ended)).isFalse();
            child.kill();
        }
    }

    @Test
    void theEndOfBothPipes_isReportedOnce_each_afterTheLastLines() throws Exception {
        try (ChildProcess child = sh("i=0; while [ $i -lt 500 ]; do echo line $i; i=$((i+1)); done; printf tail")) {
            ProcessOutput output = read(child);

            await().atMost(Duration.ofSeconds(5)).until(() -> ends.size() == 2);

            assertThat(lines).hasSize(501).startsWith("line 0").endsWith("line 499", "tail");
            assertThat(loop.onContext(output::ended)).isTrue();
            assertThat(loop.poller.watched()).as("pipes and the reaped process are no longer watched").isZero();
        }
    }

    @Test
    void aFloodLargerThanOneDrain_isReadInSlices_withNothingLost() throws Exception {
        int lineCount = PipeReader.DRAIN_BUDGET_BYTES * 2 / 1000;
        try (ChildProcess child = sh("head -c " + lineCount * 999 + " /dev/zero | tr '\\0' x | fold -w 999")) {
            read(child);

            await().atMost(Duration.ofSeconds(10)).until(() -> ends.size() == 2);

            assertThat(lines).hasSize(lineCount).allMatch(line -> line.length() == 999);
        }
    }
}
