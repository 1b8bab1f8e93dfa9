package dev.hearth.environment;

import dev.hearth.sandbox.Sandbox;
import dev.hearth.sandbox.SandboxLauncher;
import dev.hearth.sandbox.SandboxSpec;
import dev.hearth.sandbox.Sandboxes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The stem cell pool over the real sandbox launcher, with a shell standing in for a bootstrap: the cell
 * prints the instructions it reads, then what its /var/task and /opt hold. Which cells exist is read from
 * the pool; what a specialised cell saw, from its output.
 */
class StemCellsTest {

    /** Waits for the instructions as a bootstrap would, then shows what it was given. */
    private static final List<String> CELL = List.of("/bin/sh", "-c",
            "tr '\\0' '\\n'; echo ---; ls /var/task /opt; cat /var/task/code.txt; echo \"uid=$(id -u)\"");

    /** A runtime whose cells are single-use (Python's are fork servers: {@code StemCellInvokeTest}). */
    private static final String SINGLE_USE = "nodejs20.x";

    @TempDir
    static Path dir;
    static SandboxLauncher launcher;
    static ExecutorService blocking;
    StemCells cells;

    @BeforeAll
    static void launcher() {
        launcher = Sandboxes.detect(dir.resolve("work"));
        assumeTrue(launcher.isolation().bubblewrap(), "bubblewrap not usable here: " + launcher.isolation().advice());
        blocking = Executors.newVirtualThreadPerTaskExecutor();
    }

    @AfterAll
    static void close() {
        if (launcher != null) {
            launcher.close();
        }
        if (blocking != null) {
            blocking.shutdownNow();
        }
    }

    @AfterEach
    void closeCells() {
        if (cells != null) {
            cells.close();
        }
    }

    private StemCells cells(int perRuntime, int maxCells, Duration retireAfter) {
        cells = new StemCells(launcher, new StemCellSettings(perRuntime, maxCells, retireAfter, 100),
                dir.resolve("scratch"), blocking);
        return cells;
    }

    private static Path code(String name, String text) throws IOException {
        Path task = Files.createDirectories(dir.resolve(name));
        Files.setPosixFilePermissions(task, PosixFilePermissions.fromString("r-xr-xr-x"));
        Files.writeString(task.resolve("code.txt"), text);
        return task;
    }

    private static SandboxSpec spec(Path task, Optional<Path> opt, Map<String, String> env, int tmpMb) throws IOException {
        Path runtime = Files.createDirectories(dir.resolve("runtime"));
        return new SandboxSpec("env-" + System.nanoTime(), CELL, env, task, runtime, opt, List.of(), tmpMb, 256, 64);
    }

    private static String output(Sandbox sandbox) throws Exception {
        try (sandbox) {
            String out = new String(sandbox.stdout().readAllBytes(), StandardCharsets.UTF_8);
            sandbox.exit().get(10, TimeUnit.SECONDS);
            return out;
        }
    }

    @Test
    void aFirstColdStart_findsNoCell_andTheSetUpGetsItsCells() throws Exception {
        StemCells pool = cells(2, 8, Duration.ofMinutes(1));
        SandboxSpec wanted = spec(code("first", "one"), Optional.empty(), Map.of("A", "1"), 16);

        assertThat(pool.take(wanted, SINGLE_USE)).isEmpty();
        await().atMost(Duration.ofSeconds(30)).until(() -> pool.waiting() == 2);
    }

    @Test
    void aMatchingCell_becomesTheSandbox_withTheFunctionsEnvironmentCodeAndLayers() throws Exception {
        StemCells pool = cells(1, 8, Duration.ofMinutes(1));
        Path layers = Files.createDirectories(dir.resolve("layers/python"));
        Files.writeString(layers.resolve("layer.py"), "x = 1\n");
        Map<String, String> env = Map.of("LANG", "C.UTF-8", "FUNCTION_ONLY", "yes");
        SandboxSpec wanted = spec(code("match", "function code"), Optional.of(dir.resolve("layers")), env, 16);
        pool.take(wanted, SINGLE_USE);
        await().atMost(Duration.ofSeconds(30)).until(() -> pool.waiting() == 1);

        Sandbox sandbox = pool.take(wanted, SINGLE_USE).orElseThrow();
        String cellId = sandbox.id();

        String out = output(sandbox);
        assertThat(out).startsWith("FUNCTION_ONLY=yes\nLANG=C.UTF-8\n---\n");
        assertThat(out).contains("/opt:\npython\n", "/var/task:\ncode.txt\n", "function code");
        assertThat(out).doesNotContain("uid=0");
        // Its directories (the links to the code) go with it; the code itself stays.
        assertThat(Files.list(dir.resolve("scratch/cells")).flatMap(StemCellsTest::children)
                .map(p -> p.getFileName().toString()).toList()).doesNotContain(cellId);
        assertThat(Files.readString(dir.resolve("match/code.txt"))).isEqualTo("function code");
    }

    @Test
    void aFunctionWhoseStartUpVariablesDiffer_doesNotTakeAnotherSetUpsCell() throws Exception {
        StemCells pool = cells(1, 8, Duration.ofMinutes(1));
        Path task = code("differ", "x");
        pool.take(spec(task, Optional.empty(), Map.of("LANG", "C.UTF-8"), 16), SINGLE_USE);
        await().atMost(Duration.ofSeconds(30)).until(() -> pool.waiting() == 1);

        assertThat(pool.take(spec(task, Optional.empty(), Map.of("LANG", "C.UTF-8", "PYTHONPATH", "/x"), 16),
                SINGLE_USE)).isEmpty();
        assertThat(pool.take(spec(task, Optional.empty(), Map.of("LANG", "C.UTF-8"), 32), SINGLE_USE)).isEmpty();
        assertThat(pool.take(spec(task, Optional.empty(), Map.of("LANG", "C.UTF-8"), 16), "java21")).isEmpty();
    }

    @Test
    void cellsStayWithinTheNodeWideCap() throws Exception {
        StemCells pool = cells(2, 3, Duration.ofMinutes(1));
        Path task = code("cap", "x");
        pool.take(spec(task, Optional.empty(), Map.of(), 16), SINGLE_USE);
        pool.take(spec(task, Optional.empty(), Map.of(), 32), SINGLE_USE);

        await().atMost(Duration.ofSeconds(30)).until(() -> pool.waiting() == 3);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> pool.waiting() == 3);
    }

    @Test
    void cellsOfASetUpNobodyWants_areRetired() throws Exception {
        StemCells pool = cells(2, 8, Duration.ofMillis(1500));
        pool.take(spec(code("retire", "x"), Optional.empty(), Map.of(), 16), SINGLE_USE);
        await().atMost(Duration.ofSeconds(30)).until(() -> pool.waiting() == 2);

        await().atMost(Duration.ofSeconds(30)).until(() -> pool.waiting() == 0);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                Files.list(dir.resolve("scratch/cells")).flatMap(StemCellsTest::children).toList()).isEmpty());
    }

    @Test
    void codeWithMoreEntriesThanTheLimit_startsWithoutACell() throws Exception {
        StemCells pool = cells(1, 8, Duration.ofMinutes(1));
        Path task = code("big", "x");
        Files.setPosixFilePermissions(task, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (int i = 0; i < 120; i++) {
            Files.writeString(task.resolve("f" + i), "");
        }
        SandboxSpec wanted = spec(task, Optional.empty(), Map.of(), 16);
        pool.take(wanted, SINGLE_USE);
        await().atMost(Duration.ofSeconds(30)).until(() -> pool.waiting() == 1);

        assertThat(pool.take(wanted, SINGLE_USE)).isEmpty();
        // Remembered: the next cold start of that code does not spend a cell on it.
        await().atMost(Duration.ofSeconds(30)).until(() -> pool.waiting() == 1);
        assertThat(pool.take(wanted, SINGLE_USE)).isEmpty();
        assertThat(pool.waiting()).isEqualTo(1);
    }

    private static java.util.stream.Stream<Path> children(Path p) {
        try {
            return Files.list(p).toList().stream();
        } catch (IOException e) {
            return java.util.stream.Stream.empty();
        }
    }
}
