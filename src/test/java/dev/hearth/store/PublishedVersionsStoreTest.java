package dev.hearth.store;

import dev.hearth.store.FunctionStore.AliasRow;
import dev.hearth.store.FunctionStore.VersionDeletion;
import dev.hearth.store.FunctionStore.VersionRow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Published versions (the per-function counter, deletion) and aliases in the SQLite function store. */
class PublishedVersionsStoreTest {

    @TempDir
    Path dir;
    private Database db;
    private FunctionStore store;

    @BeforeEach
    void open() {
        db = Database.open(dir.resolve("hearth.db"));
        store = Stores.functions(db);
        store.insertFunction(row("f", "$LATEST", "r1", 'a'), Map.of(), 1_000L);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static VersionRow row(String name, String version, String revision, char code) {
        return new VersionRow(name, version, revision, String.valueOf(code).repeat(64), 10, "{}");
    }

    private static AliasRow alias(String name, String version, Optional<String> additional, String revision) {
        return new AliasRow("f", name, version, additional, additional.isPresent() ? 0.25 : 0.0, "", revision);
    }

    @Test
    void insertPublishedVersion_advancesTheCounter_onlyWhileLatestAndCounterAreAsExpected() {
        assertThat(store.lastPublishedNumber("f")).isZero();

        assertThat(store.insertPublishedVersion(row("f", "1", "v1", 'a'), "stale", 0)).isFalse();
        assertThat(store.insertPublishedVersion(row("f", "1", "v1", 'a'), "r1", 0)).isTrue();
        // A concurrent publisher that also read counter 0 loses.
        assertThat(store.insertPublishedVersion(row("f", "1", "v1-other", 'b'), "r1", 0)).isFalse();

        assertThat(store.lastPublishedNumber("f")).isEqualTo(1);
        assertThat(store.findVersion("f", "1").orElseThrow().revisionId()).isEqualTo("v1");
    }

    @Test
    void deleteVersion_keepsTheCounter_soANumberIsNeverHandedOutTwice() {
        store.insertPublishedVersion(row("f", "1", "v1", 'a'), "r1", 0);
        store.insertPublishedVersion(row("f", "2", "v2", 'b'), "r1", 1);

        VersionDeletion deleted = store.deleteVersion("f", "2");

        assertThat(deleted.deleted()).isTrue();
        assertThat(deleted.orphanedCode()).containsExactly("b".repeat(64));
        assertThat(store.lastPublishedNumber("f")).isEqualTo(2);
        assertThat(store.deleteVersion("f", "2").deleted()).isFalse();
    }

    @Test
    void deleteVersion_thatAnAliasRoutesTo_changesNothing_andNamesTheAliases() {
        store.insertPublishedVersion(row("f", "1", "v1", 'a'), "r1", 0);
        store.insertPublishedVersion(row("f", "2", "v2", 'a'), "r1", 1);
        store.insertAlias(alias("live", "1", Optional.empty(), "a1"));
        store.insertAlias(alias("canary", "2", Optional.of("1"), "a2"));

        VersionDeletion refused = store.deleteVersion("f", "1");

        assertThat(refused.deleted()).isFalse();
        assertThat(refused.referencingAliases()).containsExactly("canary", "live");
        assertThat(store.findVersion("f", "1")).isPresent();
    }

    @Test
    void aliases_insertOnce_replaceByRevision_delete() {
        AliasRow live = alias("live", "$LATEST", Optional.empty(), "a1");

        assertThat(store.insertAlias(live)).isTrue();
        assertThat(store.insertAlias(live)).isFalse();
        AliasRow moved = new AliasRow("f", "live", "1", Optional.of("2"), 0.5, "moved", "a2");
        assertThat(store.replaceAlias(moved, "wrong")).isFalse();
        assertThat(store.replaceAlias(moved, "a1")).isTrue();

        assertThat(store.findAlias("f", "live")).contains(moved);
        assertThat(store.aliases("f")).containsExactly(moved);
        assertThat(store.deleteAlias("f", "live")).isTrue();
        assertThat(store.deleteAlias("f", "live")).isFalse();
        assertThat(store.allAliases()).isEmpty();
    }

    @Test
    void deleteFunction_removesItsVersionsAliasesAndCounter() {
        store.insertPublishedVersion(row("f", "1", "v1", 'a'), "r1", 0);
        store.insertAlias(alias("live", "1", Optional.empty(), "a1"));

        store.deleteFunction("f");
        store.insertFunction(row("f", "$LATEST", "r9", 'c'), Map.of(), 2_000L);

        assertThat(store.lastPublishedNumber("f")).isZero();
        assertThat(store.aliases("f")).isEmpty();
        assertThat(store.allVersions()).extracting(VersionRow::version).isEqualTo(List.of("$LATEST"));
    }
}
