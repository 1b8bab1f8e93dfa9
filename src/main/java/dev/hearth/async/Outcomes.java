package dev.hearth.async;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts what happens to asynchronous events since the node started, for the metrics: accepted,
 * succeeded, retried (a function error with retries left), throttled (waiting for concurrency), and
 * discarded because retries were exhausted or the event was too old. Thread-safe.
 */
final class Outcomes {

    enum Outcome {
        ACCEPTED("accepted"), SUCCEEDED("succeeded"), RETRIED("retried"), THROTTLED("throttled"),
        RETRIES_EXHAUSTED("retries_exhausted"), EVENT_AGE_EXCEEDED("event_age_exceeded");

        final String label;

        Outcome(String label) {
            this.label = label;
        }
    }

    private final Map<Outcome, AtomicLong> counts = new LinkedHashMap<>();

    Outcomes() {
        for (Outcome o : Outcome.values()) {
            counts.put(o, new AtomicLong());
        }
    }

    void count(Outcome outcome) {
        counts.get(outcome).incrementAndGet();
    }

    /** Count per outcome label. */
    Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        counts.forEach((o, n) -> out.put(o.label, n.get()));
        return out;
    }
}
