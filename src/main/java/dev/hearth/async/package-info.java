/**
 * Asynchronous invocation (ARCHITECTURE §1): {@link dev.hearth.async.AsyncInvocations} accepts an
 * {@code Event} invocation once it is stored durably ({@link dev.hearth.store.EventQueueStore}), and its
 * dispatcher runs the queued events through the same {@link dev.hearth.invoke.InvocationRouter} as
 * synchronous invokes: a bounded number at a time, round-robin across functions
 * ({@link dev.hearth.async.Schedule}), retrying function errors with back-off and throttles without
 * counting them, discarding events past their maximum age, and sending what finally happens to the
 * event-invoke config's destinations and the function's dead-letter queue (Lambda functions on this node,
 * SQS queues on the configured endpoint). Nothing accepted is lost: an event's row goes only in the
 * transaction that stores what it produced, and events in flight at a crash run again after a restart.
 */
package dev.hearth.async;
