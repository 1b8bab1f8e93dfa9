package dev.hearth.e2e;

import dev.hearth.testing.TestNode;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.hearth.e2e.E2e.WAIT;
import static dev.hearth.e2e.E2e.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Many environments forked from Python's stem-cell fork servers, stopped together (their function deleted,
 * then the node stopped): every forked child goes, and the node leaves no process behind.
 */
class ForkedEnvironmentsStopTest {

    private static final int ENVIRONMENTS = 12;
    /** Long enough for every concurrent invoke to need an environment of its own. */
    private static final String APP = """
            import time

            def handler(event, context):
                time.sleep(1)
                return {"ok": True}
            """;

    @Test
    void manyForkedEnvironments_stopWhenTheirFunctionIsDeleted_andTheNodeLeavesNoProcess() throws Exception {
        Path dataDir = E2e.tempDataDir("hearth-e2e-fork-stop");
        TestNode node = TestNode.start(dataDir, c -> c.withStemCells(2));
        try {
            LambdaClient lambda = E2e.client(node.endpoint());
            String fn = unique("py-fork-stop");
            E2e.create(lambda, fn, "python3.12", "app.handler", E2e.zip(Map.of("app.py", APP)),
                    c -> c.memorySize(128).timeout(30));
            assertThat(E2e.invoke(lambda, fn, "{}").functionError()).isNull(); // the set-up is learnt
            await().atMost(WAIT).until(() -> forkServers().size() >= 2);

            List<Future<InvokeResponse>> running = new ArrayList<>();
            try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < ENVIRONMENTS; i++) {
                    running.add(threads.submit(() -> E2e.invoke(lambda, fn, "{}")));
                }
                for (Future<InvokeResponse> call : running) {
                    InvokeResponse response = call.get(2, TimeUnit.MINUTES);
                    assertThat(response.functionError()).isNull();
                }
            }
            // One of them may have reused the first invoke's environment, which started before the set-up had cells.
            assertThat(forkedChildren()).hasSizeGreaterThanOrEqualTo(ENVIRONMENTS - 1);

            lambda.deleteFunction(b -> b.functionName(fn));

            // What stays are the servers' spares (children waiting for an environment), a few per server.
            await().atMost(WAIT).until(() -> forkedChildren().size() <= 8);
        } finally {
            node.close();
            E2e.deleteTree(dataDir);
        }
        assertThat(ProcessHandle.current().descendants().filter(p -> isForkCell(p.pid())).toList()).isEmpty();
    }

    /** The fork servers among this JVM's descendants: forking Python processes whose parent is not one. */
    private static List<ProcessHandle> forkServers() {
        return ProcessHandle.current().descendants()
                .filter(p -> isForkCell(p.pid()) && p.parent().map(parent -> !isForkCell(parent.pid())).orElse(false))
                .toList();
    }

    /** Every child of a fork server: environments and spares. */
    private static List<ProcessHandle> forkedChildren() {
        return forkServers().stream().flatMap(ProcessHandle::children).toList();
    }

    private static boolean isForkCell(long pid) {
        try {
            byte[] environ = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
            return new String(environ, StandardCharsets.ISO_8859_1).contains("HEARTH_FORK_CELL=1\0");
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
