package dev.hearth.store;

import java.util.List;
import java.util.Optional;

/**
 * The durable queue of asynchronous events. An event's row exists from the moment it is accepted until
 * it is finished; whatever finishing it produces (a destination record, a dead-letter message, an event
 * for a destination function) is inserted in the same transaction, so nothing is lost between the two.
 * Every method is one transaction, committed to disk before it returns.
 *
 * <p>Threading: blocking; called from virtual threads.
 */
public interface EventQueueStore {

    /** What a row is for: running a function on this node, or sending a message to an SQS queue. */
    enum Kind { INVOKE, SQS }

    /** An event to insert. {@code functionName} is set for {@link Kind#INVOKE}, {@code target} for {@link Kind#SQS}. */
    record NewEvent(String requestId, Kind kind, Optional<String> functionName, Optional<String> qualifier,
                    Optional<String> target, byte[] payload, Optional<String> attributesJson, long enqueuedMillis,
                    long dueMillis, Optional<String> traceId) {

        public static NewEvent invoke(String requestId, String functionName, Optional<String> qualifier, byte[] payload,
                                      long nowMillis, Optional<String> traceId) {
            return new NewEvent(requestId, Kind.INVOKE, Optional.of(functionName), qualifier, Optional.empty(), payload,
                    Optional.empty(), nowMillis, nowMillis, traceId);
        }

        public static NewEvent sqs(String requestId, String queueArn, byte[] body, Optional<String> attributesJson,
                                   long nowMillis) {
            return new NewEvent(requestId, Kind.SQS, Optional.empty(), Optional.empty(), Optional.of(queueArn), body,
                    attributesJson, nowMillis, nowMillis, Optional.empty());
        }
    }

    /** What the scheduler keeps in memory for a queued event: everything but the payloads. */
    record Head(long seq, Kind kind, String queue, long enqueuedMillis, long dueMillis) {
    }

    /** The last failed attempt of an event: what the on-failure target is told when it finally fails. */
    record LastAttempt(byte[] response, String functionError, String executedVersion) {
    }

    /** A leased (in-flight) event, complete. {@code invokes} already counts the attempt being started. */
    record Leased(long seq, String requestId, Kind kind, Optional<String> functionName, Optional<String> qualifier,
                  Optional<String> target, byte[] payload, Optional<String> attributesJson, long enqueuedMillis,
                  int invokes, int failures, Optional<LastAttempt> last, Optional<String> traceId) {
    }

    /** Inserts an event; returns its head. */
    Head add(NewEvent event);

    /**
     * At start: makes every event that was in flight when the node stopped ready again (it is retried: at
     * least once) and returns the heads of all queued events in arrival order.
     */
    List<Head> recover();

    /**
     * Marks an event in flight until {@code leasedUntilMillis}, counting an invocation when
     * {@code countInvoke}; empty if the event is gone (its function was deleted).
     */
    Optional<Leased> lease(long seq, long leasedUntilMillis, boolean countInvoke);

    /** Deletes a finished event and inserts what it produced; returns the heads of the inserted events. */
    List<Head> finish(long seq, List<NewEvent> produced);

    /**
     * Puts an in-flight event back in the queue, due at {@code dueMillis}, with its counts and its last
     * failed attempt as they now are.
     */
    void retryLater(long seq, long dueMillis, int invokes, int failures, Optional<LastAttempt> last);
}
