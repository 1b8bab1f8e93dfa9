package dev.hearth.async;

import dev.hearth.store.EventQueueStore.Head;

import java.util.concurrent.CompletableFuture;

/**
 * Runs one queued event to its next step. Called on a virtual thread; may block (store writes, sending to
 * SQS) but must not wait for the function itself: the invocation is a future.
 */
@FunctionalInterface
interface EventRunner {
    CompletableFuture<Completion> run(Head head);
}
