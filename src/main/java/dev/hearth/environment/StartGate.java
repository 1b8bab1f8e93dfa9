package dev.hearth.environment;

import java.util.concurrent.Semaphore;

/**
 * Bounds how many execution environments of a node start (launch and init) at once. A burst of cold
 * starts beyond what the cores can run would otherwise start every interpreter together, each getting
 * a sliver of CPU, and push them all past the init timeout; through the gate they start a few at a time
 * and each finishes its init at full speed. An environment waiting here has not launched yet, so its
 * init timeout has not started. Thread-safe; {@link #acquire} blocks (call from virtual threads).
 */
public final class StartGate {

    private final Semaphore permits;
    private final int size;

    public StartGate(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("a start gate needs at least one permit, got " + size);
        }
        this.size = size;
        this.permits = new Semaphore(size, true);
    }

    /** Two starts per core (a start waits on I/O and process creation part of the time), at least 4. */
    public static StartGate forThisMachine() {
        return new StartGate(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
    }

    void acquire() throws InterruptedException {
        permits.acquire();
    }

    void release() {
        permits.release();
    }

    /** Starts that may run at once. */
    public int size() {
        return size;
    }
}
