package dev.hearth.async;

import dev.hearth.store.EventQueueStore.Head;
import dev.hearth.store.EventQueueStore.Kind;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * Which queued event runs next: the pure scheduling policy of the dispatcher. Events wait per queue (a
 * function, or an SQS target) in arrival order; queues with a ready event take turns (round-robin), so a
 * function with thousands of queued events delays another function's event by at most one turn. Events
 * due later (retry back-off, throttling) wait in a timer heap until due. Also keeps each queue's depth
 * (unfinished events, in flight included) and its oldest event, for the metrics.
 *
 * <p>Not thread-safe: the dispatcher calls it under its lock. Times are the dispatcher clock's millis.
 */
final class Schedule {

    /** The depth and oldest unfinished event of one queue. */
    record QueueStats(Kind kind, int depth, long oldestEnqueuedMillis) {
    }

    private final Map<String, ArrayDeque<Head>> ready = new HashMap<>();
    private final ArrayDeque<String> turns = new ArrayDeque<>();
    private final PriorityQueue<Head> delayed = new PriorityQueue<>(
            Comparator.comparingLong(Head::dueMillis).thenComparingLong(Head::seq));
    /** Unfinished events per queue by seq (arrival order), with their acceptance time. */
    private final Map<String, TreeMap<Long, Head>> unfinished = new LinkedHashMap<>();
    private final Map<String, Kind> kinds = new HashMap<>();

    /** A newly stored or recovered event. */
    void add(Head head, long nowMillis) {
        unfinished.computeIfAbsent(head.queue(), q -> new TreeMap<>()).put(head.seq(), head);
        kinds.putIfAbsent(head.queue(), head.kind());
        schedule(head, nowMillis);
    }

    /** An event that ran and is to run again at {@code dueMillis}. */
    void retry(Head head, long dueMillis, long nowMillis) {
        schedule(new Head(head.seq(), head.kind(), head.queue(), head.enqueuedMillis(), dueMillis), nowMillis);
    }

    /** An event that is done: it leaves the depth count. */
    void finished(Head head) {
        TreeMap<Long, Head> pending = unfinished.get(head.queue());
        if (pending != null) {
            pending.remove(head.seq());
        }
    }

    private void schedule(Head head, long nowMillis) {
        if (head.dueMillis() > nowMillis) {
            delayed.add(head);
        } else {
            makeReady(head);
        }
    }

    private void makeReady(Head head) {
        ArrayDeque<Head> queue = ready.computeIfAbsent(head.queue(), q -> new ArrayDeque<>());
        if (queue.isEmpty()) {
            turns.addLast(head.queue());
        }
        queue.addLast(head);
    }

    /** The next event to run, taking turns across queues; empty when none is due. */
    Optional<Head> next(long nowMillis) {
        while (!delayed.isEmpty() && delayed.peek().dueMillis() <= nowMillis) {
            makeReady(delayed.poll());
        }
        String queueName = turns.pollFirst();
        if (queueName == null) {
            return Optional.empty();
        }
        ArrayDeque<Head> queue = ready.get(queueName);
        Head head = queue.pollFirst();
        if (queue.isEmpty()) {
            ready.remove(queueName);
        } else {
            turns.addLast(queueName);
        }
        return Optional.of(head);
    }

    /** When the earliest delayed event becomes due; empty when none waits. */
    OptionalLong nextDueMillis() {
        return delayed.isEmpty() ? OptionalLong.empty() : OptionalLong.of(delayed.peek().dueMillis());
    }

    /** Depth and oldest event of every queue seen so far (an emptied queue reports depth 0). */
    Map<String, QueueStats> stats() {
        Map<String, QueueStats> out = new LinkedHashMap<>();
        unfinished.forEach((queue, pending) -> {
            Head first = pending.isEmpty() ? null : pending.firstEntry().getValue();
            // Arrival order is acceptance order (up to the concurrent accepts of one millisecond), so the
            // first unfinished event is the oldest.
            out.put(queue, new QueueStats(kinds.get(queue), pending.size(), first == null ? 0 : first.enqueuedMillis()));
        });
        return out;
    }
}
