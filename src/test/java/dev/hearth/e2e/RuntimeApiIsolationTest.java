package dev.hearth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Functions share the host's network, so each environment's Runtime API must refuse connections that
 * do not come from its own sandbox: otherwise one function could long-poll another's {@code /next} and
 * take its events.
 */
class RuntimeApiIsolationTest {

    /** Returns its own Runtime API address, or tries to read the next event of the address it is given. */
    private static final String PROBE = """
            import os, urllib.request, urllib.error
            def handler(event, context):
                api = os.environ["AWS_LAMBDA_RUNTIME_API"]
                target = event.get("target")
                if not target:
                    return {"api": api}
                try:
                    with urllib.request.urlopen("http://" + target + "/2018-06-01/runtime/invocation/next", timeout=5) as r:
                        return {"api": api, "status": r.status}
                except urllib.error.HTTPError as e:
                    return {"api": api, "status": e.code}
                except Exception as e:
                    return {"api": api, "error": str(e)}
            """;

    private static TestNode node;
    private static LambdaClient lambda;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        lambda = E2e.client(node.endpoint());
    }

    @AfterAll
    static void stop() {
        lambda.close();
        node.close();
    }

    private static final Consumer<software.amazon.awssdk.services.lambda.model.CreateFunctionRequest.Builder> TIMEOUT =
            b -> b.timeout(30);

    @Test
    void aFunction_cannotReadAnotherEnvironmentsEvents() {
        String victim = E2e.unique("victim");
        String spy = E2e.unique("spy");
        E2e.create(lambda, victim, "python3.12", "app.handler", E2e.zip(Map.of("app.py", PROBE)), TIMEOUT);
        E2e.create(lambda, spy, "python3.12", "app.handler", E2e.zip(Map.of("app.py", PROBE)), TIMEOUT);
        String victimApi = E2e.json(E2e.invoke(lambda, victim, "{}")).get("api").asText();

        JsonNode stolen = E2e.json(E2e.invoke(lambda, spy, "{\"target\":\"" + victimApi + "\"}"));

        assertThat(stolen.get("status").asInt()).isEqualTo(403);
        assertThat(E2e.json(E2e.invoke(lambda, victim, "{}")).get("api").asText()).isEqualTo(victimApi);
    }

    @Test
    void aProcessOutsideTheSandbox_isRefusedByTheRuntimeApi() throws IOException, InterruptedException {
        String fn = E2e.unique("probe");
        E2e.create(lambda, fn, "python3.12", "app.handler", E2e.zip(Map.of("app.py", PROBE)), TIMEOUT);
        String api = E2e.json(E2e.invoke(lambda, fn, "{}")).get("api").asText();

        HttpResponse<String> answer = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://" + api + "/2018-06-01/runtime/invocation/next"))
                        .timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(403);
        assertThat(answer.body()).contains("\"errorType\":\"AccessDenied\"");
        assertThat(E2e.json(E2e.invoke(lambda, fn, "{}")).get("api").asText()).isEqualTo(api);
    }
}
