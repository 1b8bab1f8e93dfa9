package dev.hearth.store;

import dev.hearth.store.EventQueueStore.Head;
import dev.hearth.store.EventQueueStore.Kind;
import dev.hearth.store.EventQueueStore.LastAttempt;
import dev.hearth.store.EventQueueStore.Leased;
import dev.hearth.store.EventQueueStore.NewEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The durable event queue and the event-invoke configs on SQLite, across reopenings of the file. */
class SqliteEventQueueStoreTest {

    @TempDir
    Path dir;
    private Database db;
    private EventQueueStore queue;

    @BeforeEach
    void open() {
        db = Database.open(dir.resolve("hearth.db"));
        queue = Stores.eventQueue(db);
        function("f");
    }

    @AfterEach
    void close() {
        db.close();
    }

    private void function(String name) {
        db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO functions (name, created_ms) VALUES (?, 0)")) {
                s.setString(1, name);
                return s.executeUpdate();
            }
        });
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static NewEvent event(String requestId) {
        return NewEvent.invoke(requestId, "f", Optional.of("live"), bytes("{\"a\":1}"), 1_000, Optional.of("trace"));
    }

    @Test
    void add_thenReopen_recoversTheEventInArrivalOrder_withItsPayloadOnLease() {
        Head first = queue.add(event("r1"));
        Head second = queue.add(NewEvent.sqs("r2", "arn:aws:sqs:us-east-1:000000000000:q", bytes("body"),
                Optional.of("{\"RequestID\":\"r2\"}"), 2_000));
        db.close();
        db = Database.open(dir.resolve("hearth.db"));
        queue = Stores.eventQueue(db);

        assertThat(queue.recover()).containsExactly(first, second);
        assertThat(first.queue()).isEqualTo("f");
        assertThat(second.queue()).isEqualTo("arn:aws:sqs:us-east-1:000000000000:q");
        Leased leased = queue.lease(first.seq(), 5_000, true).orElseThrow();
        assertThat(leased.requestId()).isEqualTo("r1");
        assertThat(leased.kind()).isEqualTo(Kind.INVOKE);
        assertThat(leased.qualifier()).contains("live");
        assertThat(new String(leased.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
        assertThat(leased.traceId()).contains("trace");
        assertThat(leased.invokes()).isEqualTo(1);
        assertThat(queue.lease(second.seq(), 5_000, false).orElseThrow().attributesJson())
                .contains("{\"RequestID\":\"r2\"}");
    }

    @Test
    void retryLater_keepsTheCountsAndTheLastAttempt() {
        Head head = queue.add(event("r1"));
        queue.lease(head.seq(), 5_000, true);

        queue.retryLater(head.seq(), 9_000, 1, 1, Optional.of(new LastAttempt(bytes("{\"errorMessage\":\"x\"}"),
                "Unhandled", "$LATEST")));

        assertThat(queue.recover()).extracting(Head::dueMillis).containsExactly(9_000L);
        Leased again = queue.lease(head.seq(), 10_000, true).orElseThrow();
        assertThat(again.invokes()).isEqualTo(2);
        assertThat(again.failures()).isEqualTo(1);
        assertThat(again.last()).get().extracting(LastAttempt::functionError).isEqualTo("Unhandled");
    }

    @Test
    void finish_deletesTheEvent_andInsertsWhatItProduced_inOneTransaction() {
        Head head = queue.add(event("r1"));

        List<Head> produced = queue.finish(head.seq(), List.of(NewEvent.sqs("r1",
                "arn:aws:sqs:us-east-1:000000000000:q", bytes("record"), Optional.empty(), 3_000)));

        assertThat(queue.lease(head.seq(), 0, false)).isEmpty();
        assertThat(queue.recover()).containsExactlyElementsOf(produced);
    }

    @Test
    void deletingTheFunction_dropsItsEventsAndConfigs() {
        Head head = queue.add(event("r1"));
        EventInvokeConfigStore configs = Stores.eventInvokeConfigs(db);
        configs.put(new EventInvokeConfigStore.Row("f", "$LATEST", Optional.of(1), Optional.empty(), Optional.empty(),
                Optional.of("arn:aws:sqs:us-east-1:000000000000:q"), 1_000));

        db.transaction(c -> c.createStatement().executeUpdate("DELETE FROM functions WHERE name = 'f'"));

        assertThat(queue.lease(head.seq(), 0, true)).isEmpty();
        assertThat(configs.list("f")).isEmpty();
    }

    @Test
    void eventInvokeConfigs_putReplaces_getListAndDelete() {
        EventInvokeConfigStore configs = Stores.eventInvokeConfigs(db);
        configs.put(new EventInvokeConfigStore.Row("f", "$LATEST", Optional.of(1), Optional.of(60), Optional.empty(),
                Optional.empty(), 1_000));
        EventInvokeConfigStore.Row replaced = new EventInvokeConfigStore.Row("f", "$LATEST", Optional.empty(),
                Optional.of(120), Optional.of("arn:aws:lambda:us-east-1:000000000000:function:g"), Optional.empty(),
                2_000);

        configs.put(replaced);

        assertThat(configs.get("f", "$LATEST")).contains(replaced);
        assertThat(configs.list("f")).containsExactly(replaced);
        assertThat(configs.delete("f", "$LATEST")).isTrue();
        assertThat(configs.delete("f", "$LATEST")).isFalse();
        assertThat(configs.get("f", "$LATEST")).isEmpty();
    }
}
