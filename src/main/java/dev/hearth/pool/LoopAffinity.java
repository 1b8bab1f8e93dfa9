package dev.hearth.pool;

import dev.hearth.environment.Environment;
import io.netty.channel.EventLoop;

import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Which event loop each on-demand environment lives on, so that a lease made on an event loop takes an
 * environment of that same loop when one is at hand: the invocation then stays on one thread from the
 * client's request to the runtime's answer, instead of crossing to another loop and back (two wake-ups).
 * Only a preference: with none of this loop's environments near the top of the stack, the top one is
 * taken as before.
 *
 * <p>Thread-safe. Taking follows the pool's ownership rule: whoever removes an entry from its stack owns
 * it ({@link Deque#removeFirstOccurrence} on a concurrent deque succeeds for one caller only).
 */
final class LoopAffinity {
    /** How deep a lease looks for one of its own loop's environments; keeps the lease O(1). */
    private static final int SCAN = 8;

    private final Map<Environment, EventLoop> homes = new ConcurrentHashMap<>();

    void remember(Environment environment, CallerLoop loop) {
        loop.eventLoop().ifPresent(home -> homes.put(environment, home));
    }

    void forget(Environment environment) {
        homes.remove(environment);
    }

    /** Removes and returns an entry of the calling loop's if one is among the first few, else the first. */
    <T> T take(Deque<T> stack, Function<T, Environment> environmentOf) {
        int looked = 0;
        for (T entry : stack) {
            if (++looked > SCAN) {
                break;
            }
            EventLoop home = homes.get(environmentOf.apply(entry));
            if (home != null && home.inEventLoop() && stack.removeFirstOccurrence(entry)) {
                return entry;
            }
        }
        return stack.pollFirst();
    }
}
