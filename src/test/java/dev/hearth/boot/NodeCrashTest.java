package dev.hearth.boot;

import dev.hearth.testing.TestNode;
import dev.hearth.testing.Zips;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateFunctionResponse;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.State;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Process tests: {@code hearth} as users run it, in its own JVM — killed, terminated, and refused at
 * start for reasons the user can fix, each with one line on stderr and exit code 1.
 */
class NodeCrashTest {

    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        for (AutoCloseable c : cleanup.reversed()) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T own(T resource) {
        cleanup.add(resource);
        return resource;
    }

    private Path dataDir() {
        return tmp.resolve("data");
    }

    private Path logs() {
        return tmp.resolve("logs");
    }

    private ChildNode serve(int port) {
        return own(ChildNode.serve(logs(), port, dataDir()));
    }

    private LambdaClient client(ChildNode node) {
        LambdaClient client = TestNode.lambdaClient(node.endpoint());
        own(client::close);
        return client;
    }

    private static CreateFunctionResponse create(LambdaClient lambda, String name) {
        return lambda.createFunction(c -> c.functionName(name).runtime("python3.12").handler("app.handler")
                .role("arn:aws:iam::000000000000:role/lambda-role").tags(Map.of("k", "v"))
                .code(code -> code.zipFile(SdkBytes.fromByteArray(Zips.pythonEcho()))));
    }

    private static FunctionConfiguration awaitActive(LambdaClient lambda, String name) {
        return await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> lambda.getFunction(g -> g.functionName(name)).configuration(), c -> c.state() == State.ACTIVE);
    }

    /** The single line a refused start prints, without its line end. */
    private static String onlyLine(String stderr) {
        assertThat(stderr.lines().toList()).as("stderr: %s", stderr).hasSize(1);
        return stderr.strip();
    }

    // ---- crash and terminate ------------------------------------------------------------------------

    @Test
    void sigkillRightAfterCreate_restartServesTheFunctionActive() {
        ChildNode first = serve(ChildNode.freePort()).awaitHealthy();
        CreateFunctionResponse created = create(client(first), "survivor");

        first.kill();
        ChildNode second = serve(ChildNode.freePort()).awaitHealthy();
        LambdaClient lambda = client(second);

        FunctionConfiguration after = awaitActive(lambda, "survivor");
        assertThat(after.codeSha256()).isEqualTo(created.codeSha256());
        assertThat(after.functionArn()).isEqualTo(created.functionArn());
        assertThat(lambda.getFunction(g -> g.functionName("survivor")).tags()).isEqualTo(Map.of("k", "v"));
    }

    @Test
    void sigkillOfASettledNode_losesNothing() {
        ChildNode first = serve(ChildNode.freePort()).awaitHealthy();
        LambdaClient before = client(first);
        for (int i = 0; i < 5; i++) {
            create(before, "f" + i);
        }
        List<FunctionConfiguration> settled = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            settled.add(awaitActive(before, "f" + i));
        }

        first.kill();
        LambdaClient lambda = client(serve(ChildNode.freePort()).awaitHealthy());

        assertThat(lambda.listFunctions().functions()).hasSize(5);
        for (int i = 0; i < 5; i++) {
            String name = "f" + i;
            assertThat(lambda.getFunction(g -> g.functionName(name)).configuration()).isEqualTo(settled.get(i));
        }
    }

    @Test
    void sigterm_exitsPromptlyAndReleasesTheDataDir() {
        ChildNode first = serve(ChildNode.freePort()).awaitHealthy();
        create(client(first), "f");

        first.terminate();

        assertThat(first.awaitExit(Duration.ofSeconds(10))).isIn(0, 143);
        assertThat(first.stderr()).contains("hearth: shutting down");
        LambdaClient lambda = client(serve(ChildNode.freePort()).awaitHealthy());
        assertThat(awaitActive(lambda, "f").functionName()).isEqualTo("f");
    }

    @Test
    void serve_printsTheBannerWithTheEndpoint() {
        int port = ChildNode.freePort();
        ChildNode node = serve(port).awaitHealthy();

        await().atMost(Duration.ofSeconds(5)).until(() -> node.stdout().contains("Stop with Ctrl-C."));
        assertThat(node.stdout())
                .startsWith("Hearth 0.1.0-SNAPSHOT listening on http://127.0.0.1:" + port)
                .contains("aws --endpoint-url http://127.0.0.1:" + port + " lambda list-functions");
    }

    // ---- refused starts -----------------------------------------------------------------------------

    @Test
    void secondNodeOnTheSameDataDir_exits1WithOneLine() {
        serve(ChildNode.freePort()).awaitHealthy();

        ChildNode second = serve(ChildNode.freePort());

        assertThat(second.awaitExit(EXIT_TIMEOUT)).isEqualTo(1);
        assertThat(onlyLine(second.stderr())).isEqualTo("hearth: data dir " + dataDir().toAbsolutePath()
                + " is in use by another Hearth node");
    }

    @Test
    void dataDirHeldByANodeInThisJvm_staysLockedAfterARefusedSecondStartInThisJvm() {
        try (TestNode holder = TestNode.start(dataDir())) {
            try {
                TestNode.start(dataDir()).close();
                throw new AssertionError("a second node started on a locked data dir");
            } catch (NodeStartException expected) {
                // the refusal must not have released the first node's lock
            }

            ChildNode child = serve(ChildNode.freePort());

            assertThat(child.awaitExit(EXIT_TIMEOUT)).as("stderr: %s", child.stderr()).isEqualTo(1);
            assertThat(onlyLine(child.stderr())).endsWith("is in use by another Hearth node");
            assertThat(holder.lambda().listFunctions().functions()).isEmpty();
        }
    }

    @Test
    void portAlreadyTaken_exits1WithOneLine() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();

            ChildNode node = serve(port);

            assertThat(node.awaitExit(EXIT_TIMEOUT)).isEqualTo(1);
            assertThat(onlyLine(node.stderr())).startsWith("hearth: cannot listen on 127.0.0.1:" + port
                    + ": address already in use");
        }
    }

    @Test
    void portAlreadyTaken_releasesTheDataDirLock() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ChildNode refused = serve(taken.getLocalPort());
            assertThat(refused.awaitExit(EXIT_TIMEOUT)).isEqualTo(1);
        }

        assertThat(serve(ChildNode.freePort()).awaitHealthy().isAlive()).isTrue();
    }

    @Test
    void dataDirThatCannotBeCreated_exits1WithOneLine() throws IOException {
        // Tests run as root, for whom permissions do not stop writes; a path under a file can never be created.
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Path dataDir = file.resolve("sub");

        ChildNode node = own(ChildNode.serve(logs(), ChildNode.freePort(), dataDir));

        assertThat(node.awaitExit(EXIT_TIMEOUT)).isEqualTo(1);
        assertThat(onlyLine(node.stderr())).startsWith("hearth: data dir " + dataDir + " is not writable");
    }

    @Test
    void invalidRegion_exits2WithOneLine() {
        ChildNode node = own(ChildNode.run(logs(), 0, "serve", "--port", "0", "--data-dir", dataDir().toString(),
                "--region", "moon-1"));

        assertThat(node.awaitExit(EXIT_TIMEOUT)).isEqualTo(2);
        assertThat(onlyLine(node.stderr())).isEqualTo("hearth: region must look like us-east-1, got 'moon-1'");
    }

    // ---- command line -------------------------------------------------------------------------------

    @Test
    void version_printsTheVersionAndExits0() {
        ChildNode node = own(ChildNode.run(logs(), 0, "--version"));

        assertThat(node.awaitExit(EXIT_TIMEOUT)).isZero();
        assertThat(node.stdout().strip()).isEqualTo("hearth 0.1.0-SNAPSHOT");
    }

    @Test
    void help_listsServeAndExits0() {
        ChildNode node = own(ChildNode.run(logs(), 0, "--help"));

        assertThat(node.awaitExit(EXIT_TIMEOUT)).isZero();
        assertThat(node.stdout()).contains("Usage: hearth").contains("serve");
    }

    @Test
    void unknownOption_isAUsageErrorWithExitCode2() {
        ChildNode node = own(ChildNode.run(logs(), 0, "serve", "--no-such-option"));

        assertThat(node.awaitExit(EXIT_TIMEOUT)).isEqualTo(2);
        assertThat(node.stderr()).contains("--no-such-option");
    }
}
