package dev.hearth.boot;

import dev.hearth.config.HearthConfig;
import dev.hearth.testing.TestNode;
import dev.hearth.testing.Zips;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateFunctionRequest;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.State;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A real-server test: what a node stored is what a new node on the same data dir serves, after an
 * orderly close.
 */
class NodeRestartTest {

    private static final String ROLE = "arn:aws:iam::000000000000:role/lambda-role";

    @TempDir
    Path dataDir;
    private TestNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static CreateFunctionRequest.Builder create(String name) {
        return CreateFunctionRequest.builder()
                .functionName(name)
                .runtime("python3.12")
                .handler("app.handler")
                .role(ROLE)
                .code(c -> c.zipFile(SdkBytes.fromByteArray(Zips.pythonEcho())));
    }

    private static GetFunctionResponse awaitSettled(LambdaClient lambda, String name) {
        return await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> lambda.getFunction(g -> g.functionName(name)),
                        r -> r.configuration().state() == State.ACTIVE
                                && r.configuration().lastUpdateStatus() == LastUpdateStatus.SUCCESSFUL);
    }

    private void restart() {
        node.close();
        node = null;
        node = TestNode.start(dataDir);
    }

    @Test
    void restart_servesTheSameFunctionsConfigurationCodeTagsAndRevisions() {
        node = TestNode.start(dataDir);
        LambdaClient lambda = node.lambda();
        lambda.createFunction(create("plain").build());
        lambda.createFunction(create("rich")
                .description("kept across restarts")
                .memorySize(256)
                .timeout(30)
                .environment(e -> e.variables(Map.of("GREETING", "hello", "MODE", "test")))
                .tags(Map.of("team", "blue", "cost-center", "42"))
                .build());
        GetFunctionResponse plainBefore = awaitSettled(lambda, "plain");
        GetFunctionResponse richBefore = awaitSettled(lambda, "rich");

        restart();

        GetFunctionResponse plainAfter = node.lambda().getFunction(g -> g.functionName("plain"));
        GetFunctionResponse richAfter = node.lambda().getFunction(g -> g.functionName("rich"));
        assertThat(plainAfter.configuration()).isEqualTo(plainBefore.configuration());
        assertThat(richAfter.configuration()).isEqualTo(richBefore.configuration());
        assertThat(richAfter.configuration().revisionId()).isEqualTo(richBefore.configuration().revisionId());
        assertThat(richAfter.configuration().codeSha256()).isEqualTo(richBefore.configuration().codeSha256());
        assertThat(richAfter.configuration().environment().variables())
                .containsExactlyInAnyOrderEntriesOf(Map.of("GREETING", "hello", "MODE", "test"));
        assertThat(richAfter.tags()).isEqualTo(Map.of("team", "blue", "cost-center", "42"));
        assertThat(plainAfter.hasTags()).isFalse();
    }

    @Test
    void restart_keepsUpdatesTagChangesAndDeletions() {
        node = TestNode.start(dataDir);
        LambdaClient lambda = node.lambda();
        lambda.createFunction(create("updated").tags(Map.of("a", "1")).build());
        lambda.createFunction(create("deleted").build());
        awaitSettled(lambda, "updated");
        awaitSettled(lambda, "deleted");
        lambda.updateFunctionConfiguration(u -> u.functionName("updated").memorySize(512).description("v2"));
        FunctionConfiguration updated = awaitSettled(lambda, "updated").configuration();
        String arn = updated.functionArn();
        lambda.tagResource(t -> t.resource(arn).tags(Map.of("b", "2")));
        lambda.untagResource(u -> u.resource(arn).tagKeys("a"));
        lambda.deleteFunction(d -> d.functionName("deleted"));

        restart();

        LambdaClient after = node.lambda();
        FunctionConfiguration reread = after.getFunction(g -> g.functionName("updated")).configuration();
        assertThat(reread.memorySize()).isEqualTo(512);
        assertThat(reread.description()).isEqualTo("v2");
        assertThat(reread.revisionId()).isEqualTo(updated.revisionId());
        assertThat(after.listTags(t -> t.resource(arn)).tags()).isEqualTo(Map.of("b", "2"));
        assertThatThrownBy(() -> after.getFunction(g -> g.functionName("deleted")))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThat(after.listFunctions().functions()).extracting(FunctionConfiguration::functionName)
                .containsExactly("updated");
    }

    @Test
    void restart_keepsTheCodeDownloadableAndUnchanged() throws Exception {
        byte[] zip = Zips.pythonEcho();
        node = TestNode.start(dataDir);
        node.lambda().createFunction(create("f").code(c -> c.zipFile(SdkBytes.fromByteArray(zip))).build());
        String sha = awaitSettled(node.lambda(), "f").configuration().codeSha256();

        restart();

        GetFunctionResponse after = node.lambda().getFunction(g -> g.functionName("f"));
        assertThat(after.configuration().codeSha256()).isEqualTo(sha);
        assertThat(after.code().location()).startsWith(node.endpoint().toString());
        try (var client = java.net.http.HttpClient.newHttpClient()) {
            var response = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(after.code().location()))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(zip);
        }
    }

    @Test
    void restart_dropsCodeThatNoFunctionReferences() throws Exception {
        node = TestNode.start(dataDir);
        node.lambda().createFunction(create("kept").build());
        node.lambda().createFunction(create("gone").code(c -> c.zipFile(SdkBytes.fromByteArray(
                Zips.of(Map.of("app.py", "def handler(e, c):\n    return 1\n"))))).build());
        awaitSettled(node.lambda(), "kept");
        awaitSettled(node.lambda(), "gone");
        node.lambda().deleteFunction(d -> d.functionName("gone"));
        // A blob left behind by a crash between storing code and committing its function.
        Path stray = dataDir.resolve("code/blobs/" + "ab".repeat(32) + ".zip");
        Files.write(stray, Zips.pythonEcho());

        restart();

        try (var blobs = Files.list(dataDir.resolve("code/blobs"))) {
            assertThat(blobs.toList()).hasSize(1);
        }
        assertThat(stray).doesNotExist();
        assertThat(node.lambda().getFunction(g -> g.functionName("kept")).configuration().state()).isEqualTo(State.ACTIVE);
    }

    @Test
    void restart_ofAnEmptyDataDir_listsNothing() {
        node = TestNode.start(dataDir);
        restart();

        assertThat(node.lambda().listFunctions().functions()).isEmpty();
        assertThat(List.of(dataDir.resolve("hearth.db"), dataDir.resolve("node.lock"))).allMatch(Files::exists);
    }

    @Test
    void startOnATakenPort_failsWithOneLineReason_andReleasesTheDataDir() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            HearthConfig config = HearthConfig.defaults(dataDir).withPort(taken.getLocalPort());

            assertThatThrownBy(() -> Node.start(config).close())
                    .isInstanceOf(NodeStartException.class)
                    .hasMessageStartingWith("cannot listen on 127.0.0.1:" + taken.getLocalPort()
                            + ": address already in use");
        }

        node = TestNode.start(dataDir);
        assertThat(node.lambda().listFunctions().functions()).isEmpty();
    }

    @Test
    void secondNodeOnALockedDataDir_isRefused_andStartsOnceTheFirstCloses() {
        node = TestNode.start(dataDir);

        assertThatThrownBy(() -> TestNode.start(dataDir))
                .isInstanceOf(NodeStartException.class)
                .hasMessage("data dir " + dataDir.toAbsolutePath().normalize() + " is in use by another Hearth node");

        restart();
        assertThat(node.lambda().listFunctions().functions()).isEmpty();
    }
}
