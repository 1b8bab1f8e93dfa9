package dev.hearth.async;

import dev.hearth.store.EventQueueStore.Head;
import dev.hearth.store.EventQueueStore.Kind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ScheduleTest {

    private long seq;

    private Head head(String queue, long enqueued, long due) {
        return new Head(++seq, Kind.INVOKE, queue, enqueued, due);
    }

    private static List<String> drain(Schedule s, long now) {
        List<String> order = new ArrayList<>();
        for (Optional<Head> h = s.next(now); h.isPresent(); h = s.next(now)) {
            order.add(h.get().queue() + h.get().seq());
        }
        return order;
    }

    @Test
    void next_whenOneFunctionIsFlooded_givesTheOthersATurnEachRound() {
        Schedule s = new Schedule();
        for (int i = 0; i < 5; i++) {
            s.add(head("a", 0, 0), 0);
        }
        s.add(head("b", 0, 0), 0);
        s.add(head("c", 0, 0), 0);

        assertThat(drain(s, 0)).containsExactly("a1", "b6", "c7", "a2", "a3", "a4", "a5");
    }

    @Test
    void next_withinOneFunction_keepsArrivalOrder() {
        Schedule s = new Schedule();
        s.add(head("a", 0, 0), 0);
        s.add(head("a", 0, 0), 0);
        s.add(head("a", 0, 0), 0);

        assertThat(drain(s, 0)).containsExactly("a1", "a2", "a3");
    }

    @Test
    void next_holdsADelayedEventUntilItIsDue_andReportsWhenThatIs() {
        Schedule s = new Schedule();
        Head later = head("a", 0, 500);
        s.add(later, 100);

        assertThat(s.next(100)).isEmpty();
        assertThat(s.nextDueMillis()).hasValue(500);
        assertThat(s.next(500)).contains(later);
        assertThat(s.nextDueMillis()).isEmpty();
    }

    @Test
    void retry_putsTheEventBackAtItsNewDueTime() {
        Schedule s = new Schedule();
        Head h = head("a", 0, 0);
        s.add(h, 0);
        assertThat(s.next(0)).contains(h);

        s.retry(h, 1_000, 10);

        assertThat(s.next(999)).isEmpty();
        assertThat(s.next(1_000)).map(Head::seq).contains(h.seq());
    }

    @Test
    void stats_countUnfinishedEventsInFlightIncluded_andTheOldest() {
        Schedule s = new Schedule();
        Head first = head("a", 1_000, 1_000);
        s.add(first, 1_000);
        s.add(head("a", 2_000, 2_000), 2_000);
        s.add(head("b", 3_000, 3_000), 3_000);
        s.next(3_000); // a1 in flight: still counted

        assertThat(s.stats().get("a")).isEqualTo(new Schedule.QueueStats(Kind.INVOKE, 2, 1_000));
        s.finished(first);
        assertThat(s.stats().get("a")).isEqualTo(new Schedule.QueueStats(Kind.INVOKE, 1, 2_000));
        assertThat(s.stats().get("b").depth()).isEqualTo(1);
    }
}
