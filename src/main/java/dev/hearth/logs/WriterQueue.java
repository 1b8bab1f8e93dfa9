package dev.hearth.logs;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The log writer's bounded queue, built so that an append costs the appender (an event loop on the
 * invoke path) one compare-and-set and no thread wake-up while the writer is busy.
 *
 * <p>A blocking queue signals its consumer on every offer: on a warm invoke that is a futex wake per log
 * line, on the event loop, and a context switch to the writer that competes with the invocation for the
 * CPU. Here the consumer, after a batch, naps a few milliseconds at a time and drains whatever arrived
 * meanwhile; only once it has found nothing for {@link #IDLE_NAPS} naps does it sleep until woken, and
 * only then does an offer wake it. So lines reach the disk at most one nap after they were appended, and
 * an idle node's writer does not tick.
 *
 * <p>A nap is 10 ms: each one is a timer and a wake-up of the writer, about 40 µs of CPU on a loaded
 * machine. With 2 ms naps the writer took 18–21 ms of CPU per second of any busy stretch (a line every
 * 5 ms), most of the 0.6 ms of writer CPU per environment in a burst of new ones; with 10 ms naps, 7–11
 * ms. Nothing needs a line on disk within 10 ms (readers go to the files; AWS delivers in seconds).
 *
 * <p>Threading: any number of producers; exactly one consumer thread ({@link #drainTo}). {@link #put} is
 * for the rare entries someone waits for (flush, delete, stop): it wakes the consumer at once.
 */
final class WriterQueue<E> {
    static final long NAP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** 50 ms without an item, then sleep until woken. */
    static final int IDLE_NAPS = 5;

    private final ConcurrentLinkedQueue<E> items = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final int capacity;
    /** The consumer while it sleeps until woken; null while it is draining or napping. */
    private volatile Thread sleeper;
    /** The consumer, once it has started draining; woken at once by {@link #put}. */
    private volatile Thread consumer;

    WriterQueue(int capacity) {
        this.capacity = capacity;
    }

    /** Whether the consumer sleeps until an offer wakes it (its naps are over). */
    boolean consumerAsleep() {
        return sleeper != null;
    }

    /** Adds {@code item} unless the queue is full; never blocks. */
    boolean offer(E item) {
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            return false;
        }
        items.offer(item);
        Thread asleep = sleeper;
        if (asleep != null) {
            LockSupport.unpark(asleep);
        }
        return true;
    }

    /** Adds {@code item}, waiting for room if the queue is full, and wakes the consumer at once. */
    void put(E item) throws InterruptedException {
        while (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            Thread.sleep(1);
        }
        items.offer(item);
        Thread c = consumer;
        if (c != null) {
            LockSupport.unpark(c);
        }
    }

    /**
     * Waits for at least one item, then moves up to {@code max} items into {@code into}. Called by the
     * consumer only. Interrupts are ignored (cleared): the writer ends only when told to by an item.
     */
    void drainTo(List<E> into, int max) {
        consumer = Thread.currentThread();
        E first;
        int naps = 0;
        while ((first = items.poll()) == null) {
            Thread.interrupted();
            if (naps < IDLE_NAPS) {
                naps++;
                LockSupport.parkNanos(this, NAP_NANOS);
                continue;
            }
            sleeper = Thread.currentThread();
            // Checked after announcing the sleep: an offer either is seen here or sees the sleeper.
            if (items.isEmpty()) {
                LockSupport.park(this);
            }
            sleeper = null;
        }
        into.add(first);
        int taken = 1;
        E next;
        while (taken < max && (next = items.poll()) != null) {
            into.add(next);
            taken++;
        }
        size.addAndGet(-taken);
    }
}
