package dev.hearth.environment;

import dev.hearth.logs.FunctionLogs;
import dev.hearth.logs.LogStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The log lines of a warm invocation, from the function's output to the log store's queue:
 * <ul>
 *   <li>{@code platformLines}: formatting START, END and REPORT ({@link LogLines});</li>
 *   <li>{@code oneInvocation}: an environment's log of one invocation ({@link InvocationLog}): START,
 *       two lines of function output, END and REPORT, into the 4 KB tail and a stream that keeps
 *       nothing, as the environment does it on its event loop (the framing alone);</li>
 *   <li>{@code oneInvocationIntoDiskStore}: the same into a stream of the real log store
 *       ({@link FunctionLogs}), whose appends only enqueue while its writer thread writes to disk;</li>
 *   <li>{@code outputPumpPerLine}: splitting a runtime's stdout into lines ({@link OutputPump}), per line
 *       of a 1,000-line, 80-byte-per-line read.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LogFramingBenchmark {
    private static final String REQUEST_ID = "8f5b2c1e-3d4a-4f6b-9c8d-7e6f5a4b3c2d";
    private static final int PUMP_LINES = 1_000;
    private static final int STORE_BURST = 100;
    private static final EnvironmentSpec SPEC = new EnvironmentSpec("my-function",
            "arn:aws:lambda:us-east-1:000000000000:function:my-function", "$LATEST", "python3.12", "app.handler",
            128, 3, 512, List.of("x86_64"), Map.of(), Path.of("/tmp"), Optional.empty(), "/aws/lambda/my-function",
            "Text", Optional.empty(), Optional.empty(), "on-demand");
    private static final InvokeRequest REQUEST = new InvokeRequest(REQUEST_ID, new byte[0], SPEC.functionArn(), 0,
            Optional.empty(), Optional.empty(), Optional.empty());
    private static final List<String> OUTPUT = List.of(
            "[INFO]\t2026-11-22T18:00:00.000Z\t" + REQUEST_ID + "\thandling order 12345 for customer 678",
            "[INFO]\t2026-11-22T18:00:00.001Z\t" + REQUEST_ID + "\tdone in 0.4 ms");

    private byte[] stdout;

    @Setup
    public void setUp() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < PUMP_LINES; i++) {
            text.append(String.format("[INFO] line %05d of the function's output, padded to eighty bytes....%n", i));
        }
        stdout = text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** An environment's log of one function, over a stream that keeps nothing. */
    @State(Scope.Benchmark)
    public static class Discarding {
        final InvocationLog log = new InvocationLog(new DiscardingStream(), Clock.systemUTC(), SPEC);
    }

    /** An environment's log of one function, over a stream of the real log store in a temp dir. */
    @State(Scope.Benchmark)
    public static class DiskStore {
        private Path dir;
        private FunctionLogs logs;
        InvocationLog log;

        @Setup
        public void setUp() throws IOException {
            dir = Files.createTempDirectory("hearth-jmh-logs");
            logs = FunctionLogs.create(dir, Clock.systemUTC());
            log = new InvocationLog(logs.open(SPEC.logGroup(), "2026/11/22/[$LATEST]0123456789abcdef0123456789abcdef"),
                    Clock.systemUTC(), SPEC);
        }

        @TearDown
        public void tearDown() throws IOException {
            long dropped = logs.droppedEvents();
            logs.close();
            if (dropped > 0) {
                // A dropped append is cheaper than a queued one: the figure would flatter the store.
                throw new IllegalStateException(dropped + " log events were dropped: the figure is not valid");
            }
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Benchmark
    public void platformLines(Blackhole out) {
        out.consume(LogLines.start(REQUEST_ID, "$LATEST"));
        out.consume(LogLines.end(REQUEST_ID));
        out.consume(LogLines.report(REQUEST_ID, 1.37, 2, 128, 41, OptionalDouble.empty(), null));
    }

    @Benchmark
    public InvokeReport oneInvocation(Discarding to) {
        return invocation(to.log);
    }

    /**
     * Per invocation, over a burst of {@link #STORE_BURST} invocations followed by a flush: the appends
     * plus the writer's share (JSON lines to disk on its own thread, overlapping), without ever filling
     * the store's queue (a full queue drops events, which would make the figure look cheap).
     */
    @Benchmark
    @OperationsPerInvocation(STORE_BURST)
    public void oneInvocationIntoDiskStore(DiskStore to, Blackhole out) {
        for (int i = 0; i < STORE_BURST; i++) {
            out.consume(invocation(to.log));
        }
        to.logs.flush();
    }

    private static InvokeReport invocation(InvocationLog log) {
        InvocationRecord invocation = new InvocationRecord(REQUEST, System.nanoTime());
        log.start(invocation);
        log.output(OUTPUT);
        invocation.resultNanos = System.nanoTime();
        return log.end(invocation, true, 41);
    }

    @Benchmark
    @OperationsPerInvocation(PUMP_LINES)
    public void outputPumpPerLine(Blackhole out) {
        new OutputPump(new ByteArrayInputStream(stdout), out::consume, () -> { }).run();
    }

    /** A stream that keeps nothing. */
    private static final class DiscardingStream implements LogStream {
        @Override
        public String logGroup() {
            return "/aws/lambda/my-function";
        }

        @Override
        public String streamName() {
            return "discard";
        }

        @Override
        public void append(long timestampMillis, String message) {
        }
    }
}
