package dev.hearth.boot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.testing.ElasticMq;
import dev.hearth.testing.TestNode;
import dev.hearth.testing.Zips;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.State;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * At least once, never lost: a node killed with SIGKILL while one event runs and others wait, then
 * started again on the same data dir, runs every accepted event — the interrupted one again.
 */
class AsyncCrashRecoveryTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SLOW = "import time\n"
            + "def handler(event, context):\n"
            + "    time.sleep(event.get('sleep', 0))\n"
            + "    return event\n";

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

    private ChildNode serve(ElasticMq sqs) {
        int port = ChildNode.freePort();
        return own(ChildNode.run(tmp.resolve("logs"), port, "serve", "--port", String.valueOf(port), "--data-dir",
                tmp.resolve("data").toString(), "--async-retry-delay", "0.2", "--sqs-endpoint", sqs.endpoint()))
                .awaitHealthy();
    }

    private LambdaClient client(ChildNode node) {
        LambdaClient client = TestNode.lambdaClient(node.endpoint());
        own(client::close);
        return client;
    }

    private static String event(LambdaClient lambda, String payload) {
        var response = lambda.invoke(b -> b.functionName("crashy").invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromUtf8String(payload)));
        assertThat(response.statusCode()).isEqualTo(202);
        return response.responseMetadata().requestId();
    }

    @Test
    void eventsAcceptedBeforeAKill_runAfterTheRestart_andTheOneInFlightRunsAgain() throws Exception {
        ElasticMq sqs = own(ElasticMq.start());
        String queueArn = sqs.createQueue("crash-records");
        ChildNode first = serve(sqs);
        LambdaClient lambda = client(first);
        lambda.createFunction(c -> c.functionName("crashy").runtime("python3.12").handler("app.handler").timeout(20)
                .role("arn:aws:iam::000000000000:role/lambda-role")
                .code(code -> code.zipFile(SdkBytes.fromByteArray(Zips.of(Map.of("app.py", SLOW))))));
        await().atMost(WAIT).until(() -> lambda.getFunction(g -> g.functionName("crashy")).configuration().state()
                == State.ACTIVE);
        lambda.putFunctionEventInvokeConfig(b -> b.functionName("crashy")
                .destinationConfig(d -> d.onSuccess(s -> s.destination(queueArn))));

        String inFlight = event(lambda, "{\"id\":\"A\",\"sleep\":3}");
        await("A running").atMost(WAIT).until(() -> logsContain("START RequestId: " + inFlight));
        Map<String, String> waiting = new HashMap<>();
        for (String id : List.of("B", "C", "D")) {
            waiting.put(event(lambda, "{\"id\":\"" + id + "\"}"), id);
        }
        first.kill();

        serve(sqs);

        Map<String, JsonNode> records = new HashMap<>();
        await("all four records").atMost(WAIT).until(() -> {
            for (Message m : sqs.drain("crash-records")) {
                JsonNode record = JSON.readTree(m.body());
                records.put(record.at("/requestPayload/id").asText(), record);
            }
            return records.keySet().containsAll(List.of("A", "B", "C", "D"));
        });
        JsonNode a = records.get("A");
        assertThat(a.at("/requestContext/requestId").asText()).isEqualTo(inFlight);
        assertThat(a.at("/requestContext/approximateInvokeCount").asInt())
                .as("the attempt interrupted by the kill counts").isEqualTo(2);
        waiting.forEach((requestId, id) ->
                assertThat(records.get(id).at("/requestContext/requestId").asText()).isEqualTo(requestId));
    }

    /** Whether any function log file under the data dir contains {@code text}. */
    private boolean logsContain(String text) {
        Path logs = tmp.resolve("data").resolve("logs");
        if (!Files.isDirectory(logs)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(logs)) {
            return files.filter(Files::isRegularFile).anyMatch(f -> {
                try {
                    return Files.readString(f).contains(text);
                } catch (IOException e) {
                    return false; // rotated or deleted meanwhile
                }
            });
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }
}
