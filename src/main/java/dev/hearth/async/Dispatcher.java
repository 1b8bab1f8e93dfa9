package dev.hearth.async;

import dev.hearth.store.EventQueueStore.Head;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hands queued events to the {@link EventRunner}, at most {@code maxInFlight} at a time, in the order the
 * {@link Schedule} gives. One virtual thread decides; it sleeps on a condition that a new event, a
 * finished event or the next retry's due time wakes — no polling. Each event runs on its own virtual
 * thread, and the function's invocation is a future, so no thread (and no event loop) waits for a
 * function.
 *
 * <p>Thread-safe. On {@link #close} nothing more is started; events still running keep their lease in
 * the store and run again after the next start.
 */
final class Dispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** How long an event whose step failed unexpectedly (a store error) waits before it is tried again. */
    private static final long FAILED_STEP_DELAY_MILLIS = 1_000;

    private final EventRunner runner;
    private final Executor executor;
    private final Clock clock;
    private final int maxInFlight;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final Schedule schedule = new Schedule();
    private int inFlight;
    private boolean closed;
    private Thread loop;

    Dispatcher(EventRunner runner, Executor executor, Clock clock, int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
        }
        this.runner = runner;
        this.executor = executor;
        this.clock = clock;
        this.maxInFlight = maxInFlight;
    }

    /** Starts dispatching, beginning with the events recovered from the store. */
    void start(List<Head> recovered) {
        lock.lock();
        try {
            long now = clock.millis();
            recovered.forEach(h -> schedule.add(h, now));
            loop = Thread.ofVirtual().name("hearth-async-dispatcher").start(this::loop);
        } finally {
            lock.unlock();
        }
    }

    /** A newly stored event. */
    void added(Head head) {
        lock.lock();
        try {
            schedule.add(head, clock.millis());
            wake.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Depth and oldest event per queue. */
    Map<String, Schedule.QueueStats> stats() {
        lock.lock();
        try {
            return schedule.stats();
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        lock.lock();
        try {
            while (!closed) {
                long now = clock.millis();
                Optional<Head> next = inFlight < maxInFlight ? schedule.next(now) : Optional.empty();
                if (next.isPresent()) {
                    inFlight++;
                    Head head = next.get();
                    executor.execute(() -> dispatch(head));
                    continue;
                }
                OptionalLong due = inFlight < maxInFlight ? schedule.nextDueMillis() : OptionalLong.empty();
                if (due.isPresent()) {
                    wake.await(Math.max(1, due.getAsLong() - now), TimeUnit.MILLISECONDS);
                } else {
                    wake.await();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    private void dispatch(Head head) {
        CompletableFuture<Completion> step;
        try {
            step = runner.run(head);
        } catch (RuntimeException | Error e) {
            step = CompletableFuture.failedFuture(e);
        }
        step.whenComplete((completion, error) -> completed(head, completion, error));
    }

    private void completed(Head head, Completion completion, Throwable error) {
        lock.lock();
        try {
            inFlight--;
            long now = clock.millis();
            if (error != null) {
                if (closed) {
                    LOG.debug("async event {} of {} did not finish before the node closed: {}", head.seq(),
                            head.queue(), error.toString());
                    return;
                }
                LOG.error("async event {} of {} failed in the platform; trying it again later", head.seq(),
                        head.queue(), error);
                schedule.retry(head, now + FAILED_STEP_DELAY_MILLIS, now);
            } else {
                switch (completion) {
                    case Completion.Done done -> {
                        schedule.finished(head);
                        done.produced().forEach(h -> schedule.add(h, now));
                    }
                    case Completion.Again again -> schedule.retry(head, again.dueMillis(), now);
                }
            }
            wake.signal();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        Thread t;
        lock.lock();
        try {
            closed = true;
            wake.signal();
            t = loop;
        } finally {
            lock.unlock();
        }
        if (t != null) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
