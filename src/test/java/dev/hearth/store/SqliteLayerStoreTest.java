package dev.hearth.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class SqliteLayerStoreTest {

    private static final String HASH_A = "a".repeat(64);
    private static final String HASH_B = "b".repeat(64);

    @TempDir
    Path dir;
    private Database db;
    private LayerStore store;

    @BeforeEach
    void open() {
        db = Database.open(dir.resolve("hearth.db"));
        store = Stores.layers(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private LayerStore.VersionRow publish(String name, String hash) {
        return store.publish(name, v -> new LayerStore.VersionRow(name, v, hash, 10, "{\"v\":" + v + "}",
                Optional.empty()));
    }

    @Test
    void publish_numbersVersionsPerLayerFromOne() {
        assertThat(publish("a", HASH_A).version()).isEqualTo(1);
        assertThat(publish("a", HASH_A).version()).isEqualTo(2);
        assertThat(publish("b", HASH_B).version()).isEqualTo(1);
        assertThat(store.versions("a")).extracting(LayerStore.VersionRow::version).containsExactly(2L, 1L);
    }

    @Test
    void publish_afterEveryVersionWasDeleted_neverReusesANumber() {
        publish("a", HASH_A);
        publish("a", HASH_A);
        store.delete("a", 1);
        store.delete("a", 2);

        assertThat(store.versions("a")).isEmpty();
        assertThat(publish("a", HASH_A).version()).isEqualTo(3);
    }

    @Test
    void publish_survivesAReopen_withTheNextNumber() {
        publish("a", HASH_A);
        store.delete("a", 1);
        db.close();
        db = Database.open(dir.resolve("hearth.db"));
        store = Stores.layers(db);

        assertThat(publish("a", HASH_A).version()).isEqualTo(2);
    }

    @Test
    void delete_returnsTheRowOnce() {
        publish("a", HASH_A);

        assertThat(store.delete("a", 1)).map(LayerStore.VersionRow::codeSha256Hex).contains(HASH_A);
        assertThat(store.delete("a", 1)).isEmpty();
        assertThat(store.find("a", 1)).isEmpty();
    }

    @Test
    void all_isByLayerThenNewestFirst() {
        publish("b", HASH_B);
        publish("a", HASH_A);
        publish("a", HASH_A);

        assertThat(store.all()).extracting(r -> r.layerName() + ":" + r.version()).containsExactly("a:2", "a:1", "b:1");
    }

    @Test
    void replacePolicy_isACompareAndSet_startingFromNoPolicy() {
        publish("a", HASH_A);

        assertThat(store.replacePolicy("a", 1, Optional.of("{}"), Optional.of("p1"))).isFalse();
        assertThat(store.replacePolicy("a", 1, Optional.empty(), Optional.of("p1"))).isTrue();
        assertThat(store.replacePolicy("a", 1, Optional.empty(), Optional.of("p2"))).isFalse();
        assertThat(store.replacePolicy("a", 1, Optional.of("p1"), Optional.empty())).isTrue();
        assertThat(store.find("a", 1).orElseThrow().policy()).isEmpty();
        assertThat(store.replacePolicy("a", 9, Optional.empty(), Optional.of("p"))).isFalse();
    }

    @Test
    void referencedCodeAndTotalSize_countExistingVersionsOnly() {
        publish("a", HASH_A);
        publish("b", HASH_B);
        store.delete("b", 1);

        assertThat(store.referencedCode()).containsExactly(HASH_A);
        assertThat(store.totalCodeSize()).isEqualTo(10);
    }
}
