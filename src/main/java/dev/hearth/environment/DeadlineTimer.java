package dev.hearth.environment;

import io.vertx.core.Vertx;

import java.time.Clock;
import java.util.function.LongSupplier;

/**
 * The deadline of an environment's invocation in flight, enforced with one Vert.x timer per environment
 * that is re-armed lazily instead of set and cancelled on every invocation.
 *
 * <p>A per-invocation timer costs a warm invoke a timer object, a map insert and a scheduled-queue insert
 * on the event loop, and the same again to cancel it a few hundred microseconds later. Deadlines are
 * seconds away while warm invocations take microseconds, so here the timer armed for one invocation's
 * deadline is left running when that invocation ends; when it fires it asks for the deadline of whatever
 * invocation is in flight then: passed, the invocation times out; still ahead, the timer is re-armed for
 * exactly the time left; nothing in flight, the timer ends. So an invocation still times out at its own
 * deadline (to the millisecond, as before), and an environment idle for longer than one timeout holds no
 * timer.
 *
 * <p>Not thread-safe: used on the environment's context only, where the timer also fires.
 */
final class DeadlineTimer {
    /** What {@link #arm}'s supplier returns when no invocation is in flight. */
    static final long NONE = Long.MAX_VALUE;

    private final Vertx vertx;
    private final Clock clock;
    private final LongSupplier currentDeadline;
    private final Runnable onExpired;
    private long timer = -1;
    /** The deadline (epoch millis) the running timer fires at; meaningful while {@link #timer} is set. */
    private long firesAt;

    /**
     * @param currentDeadline the deadline (epoch millis) of the invocation in flight, or {@link #NONE}
     * @param onExpired       called on the context once the invocation in flight is past its deadline
     */
    DeadlineTimer(Vertx vertx, Clock clock, LongSupplier currentDeadline, Runnable onExpired) {
        this.vertx = vertx;
        this.clock = clock;
        this.currentDeadline = currentDeadline;
        this.onExpired = onExpired;
    }

    /** Makes sure the timer fires no later than {@code deadlineEpochMillis}. */
    void arm(long deadlineEpochMillis) {
        if (timer != -1) {
            if (firesAt <= deadlineEpochMillis) {
                // Fires first and re-arms for this deadline then: the usual case, nothing to do.
                return;
            }
            vertx.cancelTimer(timer);
        }
        schedule(deadlineEpochMillis);
    }

    /** Stops the timer (the environment has stopped). */
    void cancel() {
        if (timer != -1) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    /** Whether a timer is pending. */
    boolean armed() {
        return timer != -1;
    }

    private void schedule(long deadlineEpochMillis) {
        firesAt = deadlineEpochMillis;
        timer = vertx.setTimer(Math.max(1, deadlineEpochMillis - clock.millis()), this::fired);
    }

    private void fired(long id) {
        if (id != timer) {
            return;
        }
        timer = -1;
        long deadline = currentDeadline.getAsLong();
        if (deadline == NONE) {
            return;
        }
        if (deadline - clock.millis() <= 0) {
            onExpired.run();
        } else {
            schedule(deadline);
        }
    }
}
