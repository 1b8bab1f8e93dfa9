package dev.hearth.runtimes;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Node.js runtime's code cache: made once per V8 heap limit by a training run the first Node.js launch of that
 * memory size starts, read by the entry, optional.
 */
@Timeout(120)
class NodeCodeCacheTest extends ProcessTestSupport {

    private static final Path NODE = Path.of("/usr/bin/node");

    @TempDir
    static Path unpackDir;
    static ManagedRuntimes runtimes;
    static Path nodeDir;
    static Path cache;

    @TempDir
    Path task;

    @BeforeAll
    static void unpack() throws Exception {
        assumeTrue(Files.isExecutable(NODE), "no node at " + NODE);
        runtimes = ManagedRuntimes.create(unpackDir);
        nodeDir = nodeDir(unpackDir);
        cache = nodeDir.resolve(NodeCodeCache.fileName(nodeVersion(), LaunchPlanner.nodeHeapMb(MEMORY_MB)));
        assertThat(cache).doesNotExist();
        runtimes.launch("nodejs20.x", "index.handler", MEMORY_MB, unpackDir, Optional.empty()).orElseThrow();
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.isRegularFile(cache));
    }

    @Test
    void firstNodeLaunch_writesAReadOnlyCache_thatThisNodeAcceptsWithTheFunctionsAwsFlagsAsGiven() throws Exception {
        assertThat(Files.size(cache)).isGreaterThan(10_000); // the functions a cold start runs, not only the top level
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache))).isEqualTo("r--r--r--");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nodeDir))).doesNotContain("w");
        // As the entry reads it: under the function's --expose-gc and --max-old-space-size, untouched.
        String check = """
                const fs = require('fs');
                const source = fs.readFileSync(process.argv[1] + '/runtime.cjs', 'utf8');
                const { ContextifyScript } = process.binding('contextify');
                const script = new ContextifyScript(
                  `(function (exports, require, module, __filename, __dirname) { ${source}\\n})`, 'runtime.cjs', 0, 0,
                  fs.readFileSync(process.argv[2]), false, undefined, Symbol('runtime.cjs'));
                console.log(script.cachedDataRejected ? 'rejected' : 'accepted');
                """;
        assertThat(run(NODE.toString(), "--no-deprecation", "--expose-gc", "--max-old-space-size=230", "-e", check,
                nodeDir.toString(), cache.toString())).isEqualTo("accepted");
        // V8 keys it by its flags: a node with another heap limit would reject it (and has its own).
        assertThat(run(NODE.toString(), "--no-deprecation", "--expose-gc", "--max-old-space-size=460", "-e", check,
                nodeDir.toString(), cache.toString())).isEqualTo("rejected");
    }

    @Test
    void nodeLaunchOfAnotherMemorySize_writesACacheForItsHeapLimit() throws Exception {
        Path other = nodeDir.resolve(NodeCodeCache.fileName(nodeVersion(), LaunchPlanner.nodeHeapMb(512)));

        runtimes.launch("nodejs20.x", "index.handler", 512, unpackDir, Optional.empty()).orElseThrow();

        await().atMost(Duration.ofSeconds(60)).until(() -> Files.isRegularFile(other));
        assertThat(Files.mismatch(other, cache)).isNotNegative(); // made under other flags: other bytes
    }

    @Test
    void anotherNodeOnTheSameFiles_keepsTheCacheThatIsThere() throws Exception {
        var modified = Files.getLastModifiedTime(cache);
        try (ManagedRuntimes again = ManagedRuntimes.create(unpackDir)) {
            again.launch("nodejs20.x", "index.handler", MEMORY_MB, unpackDir, Optional.empty()).orElseThrow();
        }
        assertThat(Files.getLastModifiedTime(cache)).isEqualTo(modified);
    }

    @Test
    void aNodeThatLaunchesNoNodeFunction_makesNoCache(@TempDir Path otherUnpack) throws Exception {
        try (ManagedRuntimes other = ManagedRuntimes.create(otherUnpack)) {
            other.launch("python3.12", "index.handler", MEMORY_MB, otherUnpack, Optional.empty());
        }
        try (Stream<Path> files = Files.list(nodeDir(otherUnpack))) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("index.cjs", "runtime.cjs");
        }
    }

    @Test
    void function_runsFromTheCache_withAwsFlagsAndModuleView() {
        write(task.resolve("index.js"), """
                exports.handler = async (event) => ({ event, main: require.main === undefined,
                  argv1: process.argv[1], oldSpace: process.execArgv.includes('--max-old-space-size=230'),
                  gc: typeof gc, ours: Object.keys(require.cache).filter((k) => k.includes('/runtime')) });
                """);
        start(runtimes, "nodejs20.x", "index.handler", task, Map.of());

        var posted = api.invoke("{\"k\":1}");

        assertThat(posted.kind()).as(posted.body()).isEqualTo("response");
        var answer = json(posted);
        assertThat(answer.get("event").get("k").asInt()).isEqualTo(1);
        assertThat(answer.get("main").asBoolean()).isTrue();
        assertThat(answer.get("argv1").asText()).endsWith("/index.mjs");
        assertThat(answer.get("oldSpace").asBoolean()).isTrue();
        assertThat(answer.get("gc").asText()).isEqualTo("function");
        assertThat(answer.get("ours")).isEmpty();
    }

    @Test
    void esModuleFunction_isImportedThroughTheEntry_whenTheRuntimeRunsFromTheCache() {
        write(task.resolve("index.mjs"), "export const handler = async (event) => ({ esm: event.k });\n");
        start(runtimes, "nodejs20.x", "index.handler", task, Map.of());

        assertResponse(api.invoke("{\"k\":2}"), "{\"esm\":2}");
    }

    @Test
    void withoutACache_theEntryCompilesTheRuntime_andItAnswersAsWell(@TempDir Path otherUnpack) throws Exception {
        BootstrapFiles files = BootstrapFiles.unpack(otherUnpack, NodeCodeCacheTest.class.getClassLoader());
        HostRuntimes host = HostProbe.probe();
        assertThat(files.node().resolve(NodeCodeCache.fileName(nodeVersion(), LaunchPlanner.nodeHeapMb(MEMORY_MB))))
                .doesNotExist();
        write(task.resolve("index.js"), "exports.handler = async (event) => ({ plain: event.k });\n");
        try (JavaClassDataCache archives = JavaClassDataCache.create(files)) {
            ManagedRuntimes uncached = new DefaultManagedRuntimes(new LaunchPlanner(host, files, archives), archives,
                    new NodeCodeCache(files.node(), Optional.empty()));
            start(uncached, "nodejs20.x", "index.handler", task, Map.of());

            assertResponse(api.invoke("{\"k\":3}"), "{\"plain\":3}");
        }
    }

    private static Path nodeDir(Path unpack) throws IOException {
        try (Stream<Path> dirs = Files.list(unpack)) {
            return dirs.map(d -> d.resolve("node")).filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    private static String nodeVersion() throws Exception {
        return run(NODE.toString(), "--version").substring(1);
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(process.waitFor()).as(out).isZero();
        return out;
    }
}
