package dev.hearth.bench;

import dev.hearth.boot.Node;
import dev.hearth.boot.NodeStartException;
import dev.hearth.config.HearthConfig;
import dev.hearth.core.Ids;
import dev.hearth.runtimes.ManagedRuntimes;
import dev.hearth.sandbox.Isolation;
import dev.hearth.sandbox.SandboxLauncher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code hearth bench}: starts a node in this process on 127.0.0.1 with a fresh data dir, deploys no-op
 * Python, Node.js and Java functions through its HTTP API, runs each {@link Measurement}, prints one table
 * and writes it as JSON; deletes the data dir at the end. See BENCHMARKS.md. Exit codes: 0 the table was
 * produced (rows may be marked failed), 1 the node or the harness could not start.
 *
 * <p>Runs on the picocli thread; measurements start their own client threads.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure warm and cold invokes against baselines taken in the same run (loads 127.0.0.1 only).")
public final class BenchCommand implements Callable<Integer> {

    static final int DEFAULT_MEMORY_MB = 1769;

    @Option(names = "--quick", description = "Fewer repetitions: a smoke run of under a minute, noisier figures.")
    boolean quick;

    @Option(names = "--json", paramLabel = "FILE",
            description = "Where to write the JSON results (default target/bench/latest.json in a checkout, "
                    + "else hearth-bench/latest.json under the temp dir).")
    Path json;

    @Option(names = "--only", paramLabel = "TEXT",
            description = "Run only the measurements whose title contains TEXT (e.g. \"cold start\", \"burst\").")
    String only;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the text table to FILE.")
    Path out;

    @Option(names = "--memory", paramLabel = "MB", defaultValue = "" + DEFAULT_MEMORY_MB,
            description = "MemorySize of the benchmark functions and the in-sandbox baselines; CPU follows it "
                    + "(1769 MB = 1 vCPU). Default ${DEFAULT-VALUE}.")
    int memoryMb;

    /**
     * The measurements in run (and table) order; issue 6's further rows are further entries here. The
     * throughput row runs last: it leaves one warm environment per client behind, which would compete with
     * the cold starts for the CPU.
     */
    static List<Measurement> measurements() {
        return List.of(new PlatformOverhead(), new WarmLatency(), new ColdStart(), new StemCellColdStart(),
                new SnapStartColdStart(),
                new WarmThroughput(),
                new EnvironmentBurst(), new ControlPlane());
    }

    @Override
    public Integer call() throws Exception {
        PrintStream progress = System.err;
        Plan plan = quick ? Plan.quick(memoryMb) : Plan.full(memoryMb);
        Path work = Files.createTempDirectory("hearth-bench-");
        long started = System.nanoTime();
        try {
            List<Row> rows = new ArrayList<>();
            Map<String, Object> facts;
            try (Node node = Node.start(nodeConfig(work), Clock.systemUTC(), Ids.random(), InProcessLauncher::new);
                 EchoServer echo = EchoServer.start();
                 HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                         .connectTimeout(Duration.ofSeconds(10)).build()) {
                progress.println("bench: node on " + node.endpoint() + ", echo on " + echo.uri() + ", work dir " + work);
                Optional<SandboxBaseline> sandbox = sandbox(work, plan, progress);
                try {
                    LambdaApi api = new LambdaApi(http, node.endpoint());
                    Map<String, String> deployErrors = new HashMap<>();
                    Map<String, BenchFunction> functions = deploy(api, plan, work, deployErrors, progress);
                    Map<String, Interpreter> interpreters = interpreters(work);
                    BenchContext ctx = new BenchContext(plan, http, api, echo, functions, deployErrors, interpreters,
                            sandbox, work, progress);
                    Outcome outcome = runAll(ctx, selected(only));
                    rows.addAll(outcome.rows());
                    facts = MachineFacts.probe(interpreters, sandbox.map(SandboxBaseline::isolation), plan, quick);
                    facts.put("nodeApiAfterRun", outcome.stuck().orElse("answering"));
                } finally {
                    sandbox.ifPresent(SandboxBaseline::close);
                }
            }
            facts.put("elapsedSeconds", Math.round((System.nanoTime() - started) / 1e8) / 10.0);
            String table = Report.table(rows, facts);
            System.out.print(table);
            System.out.flush();
            Path jsonFile = json != null ? json : defaultJson();
            Report.writeJson(jsonFile, rows, facts);
            progress.println("bench: JSON written to " + jsonFile.toAbsolutePath());
            if (out != null) {
                Path parent = out.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.writeString(out, table, StandardCharsets.UTF_8);
            }
            return 0;
        } catch (NodeStartException e) {
            System.err.println("hearth bench: " + e.getMessage());
            return 1;
        } finally {
            deleteTree(work);
        }
    }

    /**
     * Runs every measurement; one that fails gives failed rows and the next one runs. After each, checks
     * that the node still answers its API: if it has stopped, the remaining rows are skipped with that
     * reason rather than each waiting out its own timeouts.
     */
    private record Outcome(List<Row> rows, Optional<String> stuck) {
    }

    /** The measurements whose title contains {@code only} (case-insensitive); all of them when it is null. */
    static List<Measurement> selected(String only) {
        if (only == null || only.isBlank()) {
            return measurements();
        }
        String wanted = only.toLowerCase(java.util.Locale.ROOT);
        return measurements().stream().filter(m -> m.title().toLowerCase(java.util.Locale.ROOT).contains(wanted))
                .toList();
    }

    private static Outcome runAll(BenchContext ctx, List<Measurement> measurements) throws InterruptedException {
        List<Row> rows = new ArrayList<>();
        Optional<String> stuck = Optional.empty();
        for (Measurement m : measurements) {
            if (stuck.isPresent()) {
                rows.addAll(m.failedRows("skipped: " + stuck.get()));
                continue;
            }
            ctx.progress(m.title() + " ...");
            try {
                rows.addAll(m.run(ctx));
            } catch (Exception e) {
                String error = e.getMessage() == null ? e.toString() : e.getMessage();
                ctx.progress(m.title() + " failed: " + error);
                rows.addAll(m.failedRows(error));
            }
            try {
                ctx.api().ping();
            } catch (IOException e) {
                stuck = Optional.of("the node stopped answering its API after \"" + m.title() + "\" (" + e + ")");
                ctx.progress(stuck.get());
            }
        }
        return new Outcome(rows, stuck);
    }

    /**
     * The bench node: defaults, an ephemeral port, and a memory budget no row reaches. The budget counts
     * MemorySize (1769 MB per throughput environment, 128 MB per burst environment), not what the
     * no-op functions use; the density row measures what they really take.
     */
    static HearthConfig nodeConfig(Path work) {
        HearthConfig defaults = HearthConfig.defaults(work.resolve("data")).withPort(0);
        return defaults.withConcurrency(defaults.concurrency().withMemoryBudgetMb(1L << 30));
    }

    private static Optional<SandboxBaseline> sandbox(Path work, Plan plan, PrintStream progress) {
        try {
            Optional<SandboxLauncher> launcher = PlatformParts.sandboxLauncher(work.resolve("sandbox"));
            if (launcher.isEmpty()) {
                progress.println("bench: no sandbox launcher in this build; in-sandbox baselines will be n/a");
                return Optional.empty();
            }
            Isolation isolation = launcher.get().isolation();
            progress.println("bench: sandbox " + MachineFacts.describe(isolation));
            return Optional.of(new SandboxBaseline(launcher.get(), work, plan.memoryMb()));
        } catch (Exception e) {
            progress.println("bench: cannot build a sandbox launcher (" + e + "); in-sandbox baselines will be n/a");
            return Optional.empty();
        }
    }

    /** Creates the no-op functions and waits until each is Active; a failure leaves that key out. */
    private static Map<String, BenchFunction> deploy(LambdaApi api, Plan plan, Path work, Map<String, String> errors,
                                                     PrintStream progress) {
        Map<String, BenchFunction> functions = new LinkedHashMap<>();
        record Wanted(String key, String runtime, String handler, Code code) {
        }
        List<Wanted> wanted = List.of(
                new Wanted("python", "python3.12", NoOpCode.PYTHON_HANDLER, NoOpCode::python),
                new Wanted("node", "nodejs20.x", NoOpCode.NODE_HANDLER, NoOpCode::node),
                new Wanted("java", "java21", NoOpCode.JAVA_HANDLER, () -> NoOpCode.java(work.resolve("java-src"))),
                new Wanted(PlatformOverhead.KEY, "provided.al2023", "none", NoOpCode::inProcess));
        for (Wanted w : wanted) {
            String name = "bench-" + w.key();
            try {
                Map<String, String> env = w.key().equals(PlatformOverhead.KEY)
                        ? Map.of(InProcessLauncher.MARKER, "1") : Map.of();
                api.createFunction(name, w.runtime(), w.handler(), w.code().zip(), plan.memoryMb(), 30, env);
                functions.put(w.key(), new BenchFunction(w.key(), w.runtime(), name));
            } catch (Exception e) {
                errors.put(w.key(), "CreateFunction failed: " + e.getMessage());
            }
        }
        for (BenchFunction f : List.copyOf(functions.values())) {
            try {
                api.awaitActive(f.name(), Duration.ofSeconds(60));
            } catch (Exception e) {
                functions.remove(f.key());
                errors.put(f.key(), "not Active: " + e.getMessage());
            }
        }
        errors.forEach((k, e) -> progress.println("bench: " + k + " function unavailable: " + e));
        return functions;
    }

    private interface Code {
        byte[] zip() throws IOException;
    }

    /**
     * The interpreters the node's runtimes launch. The harness's own {@link ManagedRuntimes} is closed at
     * once: asked for a Java launch it would otherwise train a second class-data cache during the run.
     */
    private static Map<String, Interpreter> interpreters(Path work) throws IOException {
        Optional<ManagedRuntimes> runtimes = PlatformParts.runtimes(work.resolve("runtimes"));
        try {
            return interpreters(runtimes, work);
        } finally {
            runtimes.ifPresent(ManagedRuntimes::close);
        }
    }

    private static Map<String, Interpreter> interpreters(Optional<ManagedRuntimes> runtimes, Path work)
            throws IOException {
        Path emptyTask = Files.createDirectories(work.resolve("probe-task"));
        Map<String, Interpreter> found = new LinkedHashMap<>();
        Interpreters.python(runtimes, emptyTask).ifPresent(i -> found.put("python", i));
        Interpreters.node(runtimes, emptyTask).ifPresent(i -> found.put("node", i));
        Interpreters.java(runtimes, emptyTask).ifPresent(i -> found.put("java", i));
        return found;
    }

    private static Path defaultJson() {
        if (Files.isRegularFile(Path.of("pom.xml")) && Files.isDirectory(Path.of("src/main/java/dev/hearth"))) {
            return Path.of("target", "bench", "latest.json");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "hearth-bench", "latest.json");
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: a leftover temp dir is harmless; say so below
                }
            });
        } catch (IOException e) {
            System.err.println("bench: could not delete " + root + ": " + e.getMessage());
        }
        if (Files.exists(root)) {
            System.err.println("bench: could not delete all of " + root);
        }
    }
}
