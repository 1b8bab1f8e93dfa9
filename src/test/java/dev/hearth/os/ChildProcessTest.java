package dev.hearth.os;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/** Processes started through posix_spawn, read through non-blocking pipes, reaped through pidfds. */
class ChildProcessTest {
    private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");

    private Poller poller;

    @BeforeEach
    void start() throws IOException {
        assumeThat(Linux.unavailable()).as("native processes on this machine").isEmpty();
        poller = Poller.start("test-poller");
    }

    @AfterEach
    void stop() {
        if (poller != null) {
            poller.close();
        }
    }

    private ChildProcess sh(String script) throws IOException {
        return ChildProcess.spawn(new SpawnRequest(List.of("sh", "-c", script), ENV, Optional.empty(), false,
                Optional.of(Path.of("/dev/null"))), poller);
    }

    /** Everything the pipe gives until its end, read as the environment reads it: on each edge, until empty. */
    private static CompletableFuture<String> readAll(OutputPipe pipe) throws IOException {
        CompletableFuture<String> all = new CompletableFuture<>();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[3]; // small, so that one edge takes several reads
        pipe.watch(() -> {
            synchronized (bytes) {
                int n;
                while ((n = pipe.read(buffer)) > 0) {
                    bytes.write(buffer, 0, n);
                }
                if (n < 0) {
                    all.complete(bytes.toString(StandardCharsets.UTF_8));
                }
            }
        });
        return all;
    }

    private static int exitOf(ChildProcess child) throws Exception {
        return child.exit().get(5, TimeUnit.SECONDS);
    }

    @Test
    void output_isReadFromBothPipes_untilTheirEnd_andTheExitCodeIsReported() throws Exception {
        try (ChildProcess child = sh("printf 'one\\ntwo'; printf 'err\\n' >&2; exit 3")) {
            assertThat(readAll(child.output().stdout()).get(5, TimeUnit.SECONDS)).isEqualTo("one\ntwo");
            assertThat(readAll(child.output().stderr()).get(5, TimeUnit.SECONDS)).isEqualTo("err\n");
            assertThat(exitOf(child)).isEqualTo(3);
        }
    }

    @Test
    void read_onAnEmptyOpenPipe_returnsZeroAtOnce_andMinusOneAtItsEnd() throws Exception {
        try (ChildProcess child = sh("sleep 30")) {
            assertThat(child.output().stdout().read(new byte[16])).isZero();
            child.kill();
            exitOf(child);
        }
        try (ChildProcess child = sh("exit 0")) {
            assertThat(exitOf(child)).isZero();
            assertThat(child.output().stdout().read(new byte[16])).isEqualTo(-1);
        }
    }

    @Test
    void aProcessKilledByASignal_reports128PlusTheSignal() throws Exception {
        try (ChildProcess child = sh("kill -TERM $$")) {
            assertThat(exitOf(child)).isEqualTo(128 + 15);
        }
    }

    @Test
    void kill_endsTheProcessWithSigkill_andAfterTheReapDoesNothing() throws Exception {
        try (ChildProcess child = sh("sleep 30")) {
            assertThat(child.kill()).isTrue();
            assertThat(exitOf(child)).isEqualTo(128 + 9);
            assertThat(child.kill()).isFalse();
        }
    }

    @Test
    void aProcessThatClosesItsStdoutEarly_endsThatPipeBeforeItExits() throws Exception {
        try (ChildProcess child = sh("echo bye; exec 1>&-; exec sleep 30")) {
            assertThat(readAll(child.output().stdout()).get(5, TimeUnit.SECONDS)).isEqualTo("bye\n");
            assertThat(child.exit()).isNotDone();
            child.kill();
            exitOf(child);
        }
    }

    @Test
    void aGrandchildHoldingThePipe_keepsItOpenAfterTheChildExits() throws Exception {
        try (ChildProcess child = sh("(sleep 0.4; echo late) & echo early")) {
            CompletableFuture<String> out = readAll(child.output().stdout());
            assertThat(exitOf(child)).isZero();
            assertThat(out).isNotDone();
            assertThat(out.get(5, TimeUnit.SECONDS)).isEqualTo("early\nlate\n");
        }
    }

    @Test
    void theChild_getsExactlyItsEnvironment_directory_andNoDescriptorOfTheNode() throws Exception {
        SpawnRequest request = new SpawnRequest(List.of("sh", "-c", "pwd; echo $FOO; env | wc -l; ls /proc/$$/fd"),
                Map.of("FOO", "bar", "PATH", "/usr/bin:/bin"), Optional.of(Path.of("/tmp")), false,
                Optional.of(Path.of("/dev/null")));
        try (ChildProcess child = ChildProcess.spawn(request, poller)) {
            String out = readAll(child.output().stdout()).get(5, TimeUnit.SECONDS);
            List<String> lines = out.lines().toList();
            assertThat(lines.get(0)).isEqualTo("/tmp");
            assertThat(lines.get(1)).isEqualTo("bar");
            // FOO, PATH and the PWD the shell sets itself.
            assertThat(Integer.parseInt(lines.get(2).trim())).isLessThanOrEqualTo(3);
            assertThat(lines.subList(3, lines.size())).containsExactlyInAnyOrder("0", "1", "2");
        }
    }

    @Test
    void aStdinPipe_carriesWhatTheParentWrites_untilItIsClosed() throws Exception {
        SpawnRequest request = new SpawnRequest(List.of("cat"), ENV, Optional.empty(), true, Optional.empty());
        try (ChildProcess child = ChildProcess.spawn(request, poller)) {
            CompletableFuture<String> out = readAll(child.output().stdout());
            try (OutputStream in = child.stdin().orElseThrow()) {
                in.write("instructions".getBytes(StandardCharsets.UTF_8));
            }
            assertThat(out.get(5, TimeUnit.SECONDS)).isEqualTo("instructions");
            assertThat(exitOf(child)).isZero();
        }
    }

    @Test
    void aMissingProgram_failsTheSpawn_likeTheJdk() {
        SpawnRequest request = new SpawnRequest(List.of("/nonexistent/program"), ENV, Optional.empty(), false,
                Optional.empty());
        assertThatThrownBy(() -> ChildProcess.spawn(request, poller))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Cannot run program \"/nonexistent/program\"")
                .hasMessageContaining("error=2");
    }

    @Test
    void theBlockingStream_readsThePipeToItsEnd() throws Exception {
        try (ChildProcess child = sh("sleep 0.1; echo streamed")) {
            byte[] all = child.output().stdout().stream().readAllBytes();
            assertThat(new String(all, StandardCharsets.UTF_8)).isEqualTo("streamed\n");
        }
    }

    @Test
    void reapedProcesses_leaveNothingWatched() throws Exception {
        try (ChildProcess child = sh("exit 0")) {
            exitOf(child);
        }
        await().atMost(Duration.ofSeconds(2)).until(() -> poller.watched() == 0);
    }
}
