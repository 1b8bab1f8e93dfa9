package dev.hearth.bench;

import dev.hearth.environment.Environment;
import dev.hearth.environment.EnvironmentFactory;
import dev.hearth.environment.EnvironmentSettings;
import dev.hearth.environment.EnvironmentSpec;
import dev.hearth.environment.Invocation;
import dev.hearth.environment.InvokeOutcome;
import dev.hearth.environment.InvokeReport;
import dev.hearth.environment.InvokeRequest;
import dev.hearth.logs.FunctionLogs;
import dev.hearth.runtimes.ManagedRuntimes;
import dev.hearth.runtimes.RuntimeLaunch;
import dev.hearth.sandbox.Isolation;
import dev.hearth.sandbox.Sandbox;
import dev.hearth.sandbox.SandboxLauncher;
import dev.hearth.sandbox.SandboxSpec;
import io.vertx.core.Vertx;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Runtime API hand-off of one warm invocation, in-process: {@link Environment#invoke} hands the event
 * to the runtime parked on {@code GET /next}; the runtime ({@link InProcessRuntime}, a virtual thread
 * speaking HTTP/1.1 over one keep-alive loopback connection, as the bench harness's platform-overhead row
 * uses) posts it back to {@code /response}; the op ends when the invocation's report is complete, i.e.
 * the runtime is parked on {@code /next} again. The environment is the node's own
 * ({@link EnvironmentFactory#create}, real Runtime API server, peer check, log stream and REPORT);
 * only the sandbox is replaced. No pool and no HTTP front door: those are other benchmarks.
 *
 * <p>Allocation ({@code -prof gc}) counts every thread of the JVM: the event loop, the runtime's virtual
 * thread and the log writer included.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RuntimeApiHandoffBenchmark {
    private static final String ARN = "arn:aws:lambda:us-east-1:000000000000:function:my-function";
    private static final byte[] PAYLOAD = "{\"k\":\"v\"}".getBytes(StandardCharsets.UTF_8);

    private Path dir;
    private Vertx vertx;
    private ExecutorService blocking;
    private FunctionLogs logs;
    private EnvironmentFactory factory;
    private Environment environment;
    private long sequence;

    @Setup
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("hearth-jmh-handoff");
        Files.createDirectories(dir.resolve("task"));
        vertx = Vertx.vertx();
        blocking = Executors.newVirtualThreadPerTaskExecutor();
        logs = FunctionLogs.create(dir.resolve("logs"), Clock.systemUTC());
        factory = EnvironmentFactory.create(vertx, new InProcessOnly(), new NoRuntimeFiles(dir), logs,
                Clock.systemUTC(), EnvironmentSettings.defaults(dir.resolve("scratch"), blocking));
        environment = factory.start(new EnvironmentSpec("my-function", ARN, "$LATEST", "python3.12", "app.handler",
                128, 30, 512, List.of("x86_64"), Map.of(), dir.resolve("task"), Optional.empty(),
                "/aws/lambda/my-function", "Text", Optional.empty(), Optional.empty(), "on-demand"));
        environment.initialized().get(10, TimeUnit.SECONDS);
        InvokeOutcome first = invoke().outcome().get(10, TimeUnit.SECONDS);
        if (!(first instanceof InvokeOutcome.Success)) {
            throw new IllegalStateException("the in-process runtime did not answer: " + first);
        }
    }

    @TearDown
    public void tearDown() throws IOException {
        factory.close();
        logs.close();
        vertx.close().await();
        blocking.shutdownNow();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** One invocation to its report: hand-off, response, and the runtime back on {@code /next}. */
    @Benchmark
    public InvokeReport invokeToReport() throws Exception {
        return invoke().report().get(10, TimeUnit.SECONDS);
    }

    private Invocation invoke() throws Exception {
        // The environment is idle again before the previous report completes; this only guards the
        // set-up's first invoke, which waits for its outcome only.
        while (!environment.isIdle()) {
            Thread.onSpinWait();
        }
        String requestId = "00000000-0000-4000-8000-" + (100_000_000_000L + ++sequence);
        return environment.invoke(new InvokeRequest(requestId, PAYLOAD, ARN, System.currentTimeMillis() + 30_000,
                Optional.empty(), Optional.empty(), Optional.empty()));
    }

    /** Every sandbox is an {@link InProcessRuntime}. */
    private static final class InProcessOnly implements SandboxLauncher {
        @Override
        public Sandbox launch(SandboxSpec spec) {
            return new InProcessRuntime(spec);
        }

        @Override
        public Isolation isolation() {
            return new Isolation(false, "none", -1, List.of());
        }

        @Override
        public void close() {
        }
    }

    /** A launch plan for any runtime; the in-process launcher ignores its command. */
    private record NoRuntimeFiles(Path dir) implements ManagedRuntimes {
        @Override
        public Optional<RuntimeLaunch> launch(String runtime, String handler, int memoryMb, Path taskDir,
                                              Optional<Path> optDir) {
            return Optional.of(new RuntimeLaunch(List.of("/bin/false"), dir, Map.of(), List.of(), "python:3.12.0"));
        }

        @Override
        public String unavailableReason(String runtime) {
            return "";
        }

        @Override
        public List<String> describe() {
            return List.of();
        }
    }
}
