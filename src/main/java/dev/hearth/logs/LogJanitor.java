package dev.hearth.logs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps function logs within their retention and the disk cap, off the invoke path: one daemon thread
 * sweeps at start and every {@code sweepEvery}, and in between checks every {@code checkEvery} how much
 * the writer has written, sweeping early once that reaches a sixteenth of the cap, so that a chatty
 * function cannot fill the disk between two sweeps. The check reads a counter, not the disk.
 * Thread-safe; {@link #close} stops the thread.
 */
public final class LogJanitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogJanitor.class);

    private final LogGroups groups;
    private final FunctionLogs logs;
    private final long capBytes;
    private final ScheduledExecutorService thread;
    private long writtenAtLastSweep;

    private LogJanitor(LogGroups groups, FunctionLogs logs, long capBytes) {
        this.groups = groups;
        this.logs = logs;
        this.capBytes = capBytes;
        this.thread = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("hearth-log-janitor").factory());
    }

    /** Starts sweeping {@code groups} (written by {@code logs}) to stay under {@code capBytes}. */
    public static LogJanitor start(LogGroups groups, FunctionLogs logs, long capBytes, Duration sweepEvery,
                                   Duration checkEvery) {
        return start(groups, logs, capBytes, Duration.ZERO, sweepEvery, checkEvery);
    }

    /** As the public {@code start}, with the first periodic sweep after {@code firstSweep} (tests). */
    static LogJanitor start(LogGroups groups, FunctionLogs logs, long capBytes, Duration firstSweep,
                            Duration sweepEvery, Duration checkEvery) {
        LogJanitor janitor = new LogJanitor(groups, logs, capBytes);
        janitor.thread.scheduleWithFixedDelay(janitor::sweep, firstSweep.toMillis(), sweepEvery.toMillis(),
                TimeUnit.MILLISECONDS);
        janitor.thread.scheduleWithFixedDelay(janitor::check, checkEvery.toMillis(), checkEvery.toMillis(),
                TimeUnit.MILLISECONDS);
        return janitor;
    }

    private void check() {
        if (logs.bytesWritten() - writtenAtLastSweep >= Math.max(1, capBytes / 16)) {
            sweep();
        }
    }

    private void sweep() {
        // Runs on the janitor's one thread only, so the counter needs no synchronisation.
        writtenAtLastSweep = logs.bytesWritten();
        try {
            List<SweepPlan.StreamUsage> deleted = groups.sweep(capBytes);
            for (SweepPlan.StreamUsage s : deleted) {
                LOG.info("deleted log stream {} {} ({} bytes): past its group's retention or over the log disk cap",
                        s.group(), s.stream(), s.bytes());
            }
        } catch (RuntimeException e) {
            // A failed sweep must not end the schedule (scheduled tasks stop at their first exception).
            LOG.warn("log sweep failed: {}", e.toString(), e);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
