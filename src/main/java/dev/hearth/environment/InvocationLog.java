package dev.hearth.environment;

import dev.hearth.logs.LogStream;

import java.time.Clock;
import java.util.List;
import java.util.OptionalDouble;

/**
 * An environment's side of its log stream: the platform's lines around the function's output, the
 * reusable 4 KB tail of the invocation in flight, and the REPORT figures.
 *
 * <p>Not thread-safe: used on the environment's context only. Appends to the stream are queued by the
 * log store, so nothing here waits for the disk.
 */
final class InvocationLog {
    private static final String PROVISIONED = "provisioned-concurrency";

    private final LogStream stream;
    private final Clock clock;
    private final EnvironmentSpec spec;
    private final LogTail tail = new LogTail();
    /** {@link #tail} between START and REPORT of the invocation in flight; null otherwise. */
    private LogTail active;
    private OptionalDouble initDuration = OptionalDouble.empty();
    /** Set instead of {@link #initDuration} in an environment restored from a SnapStart snapshot. */
    private OptionalDouble restoreDuration = OptionalDouble.empty();
    private boolean initDurationReported;
    /**
     * INIT_START while the runtime initialises, with its time: written before any other line, at the
     * latest when init is over ({@link #initDuration}), so that the log store's writer (and a new stream's
     * file) does not work in the window in which the interpreter starts on the same cores.
     */
    private String heldInitStart;
    private long heldInitStartMillis;

    InvocationLog(LogStream stream, Clock clock, EnvironmentSpec spec) {
        this.stream = stream;
        this.clock = clock;
        this.spec = spec;
    }

    /** A platform line (INIT_START, INIT_REPORT, …), into the tail too while an invocation is open. */
    void line(String line) {
        emit(line, active);
    }

    /**
     * INIT_START of a runtime being launched: kept, with its time, until the next line or the end of init,
     * whichever comes first; at once when init is already over (stopped before the launch got here).
     */
    void initStart(String line) {
        if (initDuration.isPresent()) {
            line(line);
            return;
        }
        heldInitStart = line;
        heldInitStartMillis = clock.millis();
    }

    /** The function's own output, as read from its stdout and stderr. */
    void output(List<String> lines) {
        releaseInitStart();
        long now = clock.millis();
        for (String line : lines) {
            stream.append(now, line);
            if (active != null) {
                active.add(line);
            }
        }
    }

    /** How long init took; REPORT shows it once, on the first invocation (never for provisioned ones). */
    void initDuration(double millis) {
        initDuration = OptionalDouble.of(millis);
        releaseInitStart();
    }

    /** How long the restore took (fork request to first {@code /next}); REPORT shows it once. */
    void restoreDuration(double millis) {
        restoreDuration = OptionalDouble.of(millis);
    }

    /** START: from here to REPORT, output also goes into the tail. */
    void start(InvocationRecord invocation) {
        tail.reset();
        active = tail;
        line(LogLines.start(invocation.requestId(), spec.version()));
    }

    /** The platform's lines about why the invocation failed (timeout, exit). */
    void fault(InvocationRecord invocation) {
        for (String line : invocation.fault.logLines(invocation.requestId(), invocation.faultAt)) {
            line(line);
        }
    }

    /** END and REPORT of the open invocation; closes the tail and returns the figures. */
    InvokeReport end(InvocationRecord invocation, boolean reusable, long maxMemoryUsedMb) {
        InvokeReport report = report(invocation, reusable, maxMemoryUsedMb, tail);
        active = null;
        return report;
    }

    /**
     * The whole log of an invocation that failed without reaching a runtime (the environment had
     * already failed): START, the fault's lines, END, REPORT, with a tail of its own so that an
     * invocation still being wound up keeps its tail.
     */
    InvokeReport failedAtOnce(InvocationRecord invocation, long maxMemoryUsedMb) {
        LogTail own = new LogTail();
        String requestId = invocation.requestId();
        emit(LogLines.start(requestId, spec.version()), own);
        for (String line : invocation.fault.logLines(requestId, invocation.faultAt)) {
            emit(line, own);
        }
        return report(invocation, false, maxMemoryUsedMb, own);
    }

    private InvokeReport report(InvocationRecord invocation, boolean reusable, long maxMemoryUsedMb, LogTail into) {
        long end = invocation.resultNanos != 0 ? invocation.resultNanos : System.nanoTime();
        double duration = LogLines.roundTwoDecimals(Math.max(0, end - invocation.startNanos) / 1e6);
        long billed = Math.max(1, (long) Math.ceil(duration));
        OptionalDouble init = initDurationForReport();
        String requestId = invocation.requestId();
        emit(LogLines.end(requestId), into);
        OptionalDouble restore = restoreDuration;
        restoreDuration = OptionalDouble.empty();
        emit(restore.isPresent()
                ? LogLines.report(requestId, duration, billed, spec.memoryMb(), maxMemoryUsedMb, restore.getAsDouble(),
                        invocation.fault)
                : LogLines.report(requestId, duration, billed, spec.memoryMb(), maxMemoryUsedMb, init, invocation.fault),
                into);
        return new InvokeReport(duration, billed, spec.memoryMb(), maxMemoryUsedMb, init, into.text(), reusable);
    }

    private OptionalDouble initDurationForReport() {
        if (initDurationReported || initDuration.isEmpty() || PROVISIONED.equals(spec.initializationType())) {
            return OptionalDouble.empty();
        }
        initDurationReported = true;
        return initDuration;
    }

    private void releaseInitStart() {
        String held = heldInitStart;
        if (held != null) {
            heldInitStart = null;
            stream.append(heldInitStartMillis, held);
        }
    }

    private void emit(String line, LogTail into) {
        releaseInitStart();
        stream.append(clock.millis(), line);
        if (into != null) {
            into.add(line);
        }
    }
}
