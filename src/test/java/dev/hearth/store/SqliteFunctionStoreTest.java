package dev.hearth.store;

import dev.hearth.store.FunctionStore.ListKey;
import dev.hearth.store.FunctionStore.Page;
import dev.hearth.store.FunctionStore.Usage;
import dev.hearth.store.FunctionStore.VersionRow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class SqliteFunctionStoreTest {

    private static final String LATEST = "$LATEST";

    @TempDir
    Path dir;
    private Database db;
    private FunctionStore store;

    @BeforeEach
    void open() {
        db = Database.open(dir.resolve("hearth.db"));
        store = Stores.functions(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static String hash(char c) {
        return String.valueOf(c).repeat(64);
    }

    private static VersionRow row(String name, String revision, String code, long size) {
        return new VersionRow(name, LATEST, revision, code, size, "{\"name\":\"" + name + "\",\"rev\":\"" + revision + "\"}");
    }

    private boolean insert(String name, String code, long size) {
        return store.insertFunction(row(name, "r1", code, size), Map.of(), 1_000L);
    }

    // ---- insert and find --------------------------------------------------------------------------

    @Test
    void insertFunction_thenFindVersion_returnsTheRow() {
        VersionRow row = row("f", "rev-1", hash('a'), 123);

        assertThat(store.insertFunction(row, Map.of("team", "blue"), 1_000L)).isTrue();

        assertThat(store.findVersion("f", LATEST)).contains(row);
    }

    @Test
    void insertFunction_whenTheNameExists_returnsFalseAndKeepsTheFirst() {
        VersionRow first = row("f", "rev-1", hash('a'), 1);
        store.insertFunction(first, Map.of("k", "v"), 1_000L);

        boolean inserted = store.insertFunction(row("f", "rev-2", hash('b'), 2), Map.of(), 2_000L);

        assertThat(inserted).isFalse();
        assertThat(store.findVersion("f", LATEST)).contains(first);
        assertThat(store.tags("f")).contains(Map.of("k", "v"));
    }

    @Test
    void findVersion_ofAMissingFunctionOrVersion_isEmpty() {
        insert("f", hash('a'), 1);

        assertThat(store.findVersion("g", LATEST)).isEmpty();
        assertThat(store.findVersion("f", "1")).isEmpty();
    }

    @Test
    void names_areCaseSensitive() {
        insert("f", hash('a'), 1);

        assertThat(insert("F", hash('a'), 1)).isTrue();
        assertThat(store.findVersion("F", LATEST).orElseThrow().functionName()).isEqualTo("F");
    }

    @Test
    void versionRow_ordinal_putsLatestFirst() {
        assertThat(row("f", "r", hash('a'), 1).ordinal()).isZero();
        assertThat(new VersionRow("f", "12", "r", hash('a'), 1, "{}").ordinal()).isEqualTo(12);
    }

    // ---- replaceVersion -----------------------------------------------------------------------------

    @Test
    void replaceVersion_withTheCurrentRevision_replacesTheRow() {
        insert("f", hash('a'), 1);
        VersionRow next = new VersionRow("f", LATEST, "r2", hash('b'), 2, "{\"updated\":true}");

        assertThat(store.replaceVersion(next, "r1")).isTrue();

        assertThat(store.findVersion("f", LATEST)).contains(next);
    }

    @Test
    void replaceVersion_withAStaleRevision_changesNothing() {
        insert("f", hash('a'), 1);
        VersionRow before = store.findVersion("f", LATEST).orElseThrow();

        assertThat(store.replaceVersion(new VersionRow("f", LATEST, "r3", hash('b'), 2, "{}"), "r0")).isFalse();

        assertThat(store.findVersion("f", LATEST)).contains(before);
    }

    @Test
    void replaceVersion_ofAMissingRow_returnsFalseAndCreatesNothing() {
        assertThat(store.replaceVersion(row("ghost", "r2", hash('a'), 1), "r1")).isFalse();

        assertThat(store.findVersion("ghost", LATEST)).isEmpty();
    }

    @RepeatedTest(5)
    void replaceVersion_concurrentlyFromTheSameRevision_exactlyOneWins() throws Exception {
        insert("f", hash('a'), 1);
        int writers = 8;
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<Boolean>> tasks = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            String revision = "next-" + i;
            tasks.add(() -> {
                start.await();
                return store.replaceVersion(row("f", revision, hash('b'), 2), "r1");
            });
        }
        List<Boolean> outcomes = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Boolean>> futures = tasks.stream().map(threads::submit).toList();
            start.countDown();
            for (Future<Boolean> f : futures) {
                outcomes.add(f.get());
            }
        }

        assertThat(outcomes).containsOnlyOnce(true);
        assertThat(store.findVersion("f", LATEST).orElseThrow().revisionId()).startsWith("next-");
    }

    // ---- delete -----------------------------------------------------------------------------------

    @Test
    void deleteFunction_returnsCodeNoLongerReferenced_andRemovesRowsAndTags() {
        store.insertFunction(row("f", "r1", hash('a'), 1), Map.of("k", "v"), 1_000L);

        Optional<List<String>> orphaned = store.deleteFunction("f");

        assertThat(orphaned).contains(List.of(hash('a')));
        assertThat(store.findVersion("f", LATEST)).isEmpty();
        assertThat(store.tags("f")).isEmpty();
        assertThat(store.referencedCode()).isEmpty();
    }

    @Test
    void deleteFunction_keepsCodeStillUsedByAnotherFunction() {
        insert("f", hash('a'), 1);
        insert("g", hash('a'), 1);

        assertThat(store.deleteFunction("f")).contains(List.of());

        assertThat(store.referencedCode()).containsExactly(hash('a'));
        assertThat(store.deleteFunction("g")).contains(List.of(hash('a')));
    }

    @Test
    void deleteFunction_ofAMissingFunction_isEmpty() {
        assertThat(store.deleteFunction("ghost")).isEmpty();
    }

    @Test
    void deleteFunction_thenInsertAgain_startsFresh() {
        store.insertFunction(row("f", "r1", hash('a'), 1), Map.of("old", "tag"), 1_000L);
        store.deleteFunction("f");

        assertThat(store.insertFunction(row("f", "r9", hash('b'), 2), Map.of(), 2_000L)).isTrue();

        assertThat(store.tags("f")).contains(Map.of());
        assertThat(store.findVersion("f", LATEST).orElseThrow().revisionId()).isEqualTo("r9");
    }

    // ---- list ---------------------------------------------------------------------------------------

    @Test
    void listVersions_ordersByNameAndPagesWithListKeys() {
        for (String name : List.of("delta", "alpha", "charlie", "bravo", "echo")) {
            insert(name, hash('a'), 1);
        }

        Page first = store.listVersions(Optional.of(LATEST), Optional.empty(), 2);
        Page second = store.listVersions(Optional.of(LATEST), first.next(), 2);
        Page third = store.listVersions(Optional.of(LATEST), second.next(), 2);

        assertThat(names(first)).containsExactly("alpha", "bravo");
        assertThat(first.next()).contains(new ListKey("bravo", 0));
        assertThat(names(second)).containsExactly("charlie", "delta");
        assertThat(second.next()).contains(new ListKey("delta", 0));
        assertThat(names(third)).containsExactly("echo");
        assertThat(third.next()).isEmpty();
    }

    @Test
    void listVersions_pageExactlyFull_hasNoNextKey() {
        insert("a", hash('a'), 1);
        insert("b", hash('a'), 1);

        Page page = store.listVersions(Optional.of(LATEST), Optional.empty(), 2);

        assertThat(names(page)).containsExactly("a", "b");
        assertThat(page.next()).isEmpty();
    }

    @Test
    void listVersions_ofAnEmptyStore_isEmpty() {
        Page page = store.listVersions(Optional.empty(), Optional.empty(), 50);

        assertThat(page.rows()).isEmpty();
        assertThat(page.next()).isEmpty();
    }

    @Test
    void listVersions_afterAKeyWhoseFunctionWasDeleted_continuesWithTheNextName() {
        insert("a", hash('a'), 1);
        insert("b", hash('a'), 1);
        insert("c", hash('a'), 1);
        Page first = store.listVersions(Optional.empty(), Optional.empty(), 2);
        store.deleteFunction("b");

        Page rest = store.listVersions(Optional.empty(), first.next(), 2);

        assertThat(names(rest)).containsExactly("c");
    }

    @Test
    void listVersions_sortsByBinaryName_asSqliteCompares() {
        insert("b", hash('a'), 1);
        insert("B", hash('a'), 1);
        insert("a-1", hash('a'), 1);
        insert("a_1", hash('a'), 1);

        assertThat(names(store.listVersions(Optional.empty(), Optional.empty(), 10)))
                .containsExactly("B", "a-1", "a_1", "b");
    }

    private static List<String> names(Page page) {
        return page.rows().stream().map(VersionRow::functionName).toList();
    }

    // ---- tags ---------------------------------------------------------------------------------------

    @Test
    void tags_areStoredWithTheFunctionAndReplacedWhole() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("b", "2");
        tags.put("a", "1");
        store.insertFunction(row("f", "r1", hash('a'), 1), tags, 1_000L);

        assertThat(store.tags("f")).contains(tags);
        assertThat(store.replaceTags("f", Map.of("c", "3"))).isTrue();
        assertThat(store.tags("f")).contains(Map.of("c", "3"));
        assertThat(store.replaceTags("f", Map.of())).isTrue();
        assertThat(store.tags("f")).contains(Map.of());
    }

    @Test
    void tags_keepUnicodeAndQuotes() {
        Map<String, String> tags = Map.of("owner", "Zoë \"the\" admin", "path", "a\\b");
        store.insertFunction(row("f", "r1", hash('a'), 1), tags, 1_000L);

        assertThat(store.tags("f")).contains(tags);
    }

    @Test
    void tags_ofAMissingFunction_areEmptyAndCannotBeReplaced() {
        assertThat(store.tags("ghost")).isEmpty();
        assertThat(store.replaceTags("ghost", Map.of("k", "v"))).isFalse();
        assertThat(store.tags("ghost")).isEmpty();
    }

    @Test
    void replaceTags_doesNotChangeTheRevision() {
        insert("f", hash('a'), 1);

        store.replaceTags("f", Map.of("k", "v"));

        assertThat(store.findVersion("f", LATEST).orElseThrow().revisionId()).isEqualTo("r1");
    }

    // ---- usage and recovery reads -------------------------------------------------------------------

    @Test
    void usage_countsFunctionsAndSumsCodeSizes() {
        assertThat(store.usage()).isEqualTo(new Usage(0, 0));
        insert("f", hash('a'), 100);
        insert("g", hash('a'), 100);
        insert("h", hash('b'), 50);

        assertThat(store.usage()).isEqualTo(new Usage(3, 250));

        store.deleteFunction("g");
        assertThat(store.usage()).isEqualTo(new Usage(2, 150));
    }

    @Test
    void usage_followsACodeUpdate() {
        insert("f", hash('a'), 100);

        store.replaceVersion(row("f", "r2", hash('b'), 40), "r1");

        assertThat(store.usage()).isEqualTo(new Usage(1, 40));
    }

    @Test
    void allVersionsAndReferencedCode_coverEveryRow() {
        insert("f", hash('a'), 1);
        insert("g", hash('b'), 1);
        insert("h", hash('b'), 1);

        assertThat(store.allVersions()).extracting(VersionRow::functionName).containsExactlyInAnyOrder("f", "g", "h");
        assertThat(store.referencedCode()).containsExactlyInAnyOrder(hash('a'), hash('b'));
    }

    // ---- durability ---------------------------------------------------------------------------------

    @Test
    void data_survivesClosingAndReopeningTheDatabase() {
        VersionRow f = row("f", "r1", hash('a'), 10);
        store.insertFunction(f, Map.of("k", "v"), 1_000L);
        insert("g", hash('b'), 20);
        VersionRow g2 = row("g", "r2", hash('c'), 30);
        store.replaceVersion(g2, "r1");
        insert("gone", hash('d'), 1);
        store.deleteFunction("gone");
        db.close();

        db = Database.open(dir.resolve("hearth.db"));
        store = Stores.functions(db);

        assertThat(store.findVersion("f", LATEST)).contains(f);
        assertThat(store.findVersion("g", LATEST)).contains(g2);
        assertThat(store.findVersion("gone", LATEST)).isEmpty();
        assertThat(store.tags("f")).contains(Map.of("k", "v"));
        assertThat(store.usage()).isEqualTo(new Usage(2, 40));
        assertThat(names(store.listVersions(Optional.empty(), Optional.empty(), 10))).containsExactly("f", "g");
    }

    @Test
    void transaction_thatThrows_isRolledBack() {
        RuntimeException boom = new IllegalStateException("boom");

        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> db.transaction(c -> {
            try (var st = c.prepareStatement("INSERT INTO functions (name, created_ms) VALUES ('half', 1)")) {
                st.executeUpdate();
            }
            throw boom;
        }));

        assertThat(thrown).isSameAs(boom);
        assertThat(store.tags("half")).isEmpty();
    }
}
