package dev.hearth.environment;

import dev.hearth.os.ChildProcess;
import dev.hearth.os.Linux;
import dev.hearth.os.OutputPipes;
import dev.hearth.os.Poller;
import dev.hearth.os.SpawnRequest;
import dev.hearth.sandbox.ExitStatus;
import dev.hearth.sandbox.Sandbox;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/** A process's output read through native pipes: no thread per stream, and no wait before END. */
class ProcessOutputTest {

    @TempDir
    Path dir;
    private Vertx vertx;
    private Context context;
    private Poller poller;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<String> ends = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        assumeThat(Linux.unavailable()).as("native processes on this machine").isEmpty();
        vertx = Vertx.vertx();
        context = vertx.getOrCreateContext();
        poller = Poller.start("test-poller");
    }

    @AfterEach
    void stop() {
        if (poller != null) {
            poller.close();
            vertx.close();
        }
    }

    private ChildProcess sh(String script) throws Exception {
        return ChildProcess.spawn(new SpawnRequest(List.of("sh", "-c", script), Map.of("PATH", "/usr/bin:/bin",
                "DONE", dir.resolve("done").toString()), Optional.empty(), false, Optional.empty()), poller);
    }

    private ProcessOutput read(ChildProcess child) throws Exception {
        ProcessOutput output = new ProcessOutput(vertx, context, lines::addAll, () -> ends.add("ended"));
        onContext(() -> output.start(new PipeSandbox(child)));
        return output;
    }

    private <T> T onContext(java.util.concurrent.Callable<T> call) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                result.complete(call.call());
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(5, TimeUnit.SECONDS);
    }

    private void onContext(Runnable run) throws Exception {
        onContext(() -> {
            run.run();
            return null;
        });
    }

    @Test
    void afterSettled_hasEverythingPrintedSoFar_includingAnUnfinishedLine_andGoesOnAtOnce() throws Exception {
        try (ChildProcess child = sh("printf 'one\\ntwo\\n'; printf 'err\\n' >&2; printf 'no newline'; touch $DONE; sleep 30")) {
            ProcessOutput output = read(child);
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(dir.resolve("done")));

            List<String> atSettle = onContext(() -> {
                List<String> seen = new CopyOnWriteArrayList<>();
                output.afterSettled(() -> seen.addAll(lines));
                return seen; // filled synchronously: no timer, no marker, no other thread
            });

            assertThat(atSettle).containsExactlyInAnyOrder("one", "two", "err", "no newline");
            assertThat(onContext(output::ended)).isFalse();
            child.kill();
        }
    }

    @Test
    void theEndOfBothPipes_isReportedOnce_each_afterTheLastLines() throws Exception {
        try (ChildProcess child = sh("i=0; while [ $i -lt 500 ]; do echo line $i; i=$((i+1)); done; printf tail")) {
            ProcessOutput output = read(child);

            await().atMost(Duration.ofSeconds(5)).until(() -> ends.size() == 2);

            assertThat(lines).hasSize(501).startsWith("line 0").endsWith("line 499", "tail");
            assertThat(onContext(output::ended)).isTrue();
            assertThat(poller.watched()).as("pipes and the reaped process are no longer watched").isZero();
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

    /** The smallest sandbox around a native child: what ProcessOutput asks of one. */
    private record PipeSandbox(ChildProcess child) implements Sandbox {
        public String id() {
            return "test";
        }

        public long pid() {
            return child.pid();
        }

        public InputStream stdout() {
            throw new AssertionError("a sandbox with pipes is not read through its streams");
        }

        public InputStream stderr() {
            throw new AssertionError("a sandbox with pipes is not read through its streams");
        }

        public Optional<OutputPipes> outputPipes() {
            return Optional.of(child.output());
        }

        public CompletableFuture<ExitStatus> exit() {
            return new CompletableFuture<>();
        }

        public void kill() {
            child.kill();
        }

        public OptionalLong maxMemoryUsedBytes() {
            return OptionalLong.empty();
        }

        public void close() {
            child.close();
        }
    }
}
