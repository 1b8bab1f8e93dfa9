package dev.hearth.async;

import dev.hearth.store.EventQueueStore.Head;

import java.util.List;

/** What became of one dispatched event, as the dispatcher's schedule needs to know it. */
sealed interface Completion {

    /** The event is finished (its row is gone); {@code produced} are the events it queued (destinations). */
    record Done(List<Head> produced) implements Completion {
        public Done {
            produced = List.copyOf(produced);
        }
    }

    /** The event is back in the queue, to run again at {@code dueMillis}. */
    record Again(long dueMillis) implements Completion {
    }
}
