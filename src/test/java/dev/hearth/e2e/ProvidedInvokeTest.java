package dev.hearth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.hearth.e2e.E2e.invoke;
import static dev.hearth.e2e.E2e.invokeTail;
import static dev.hearth.e2e.E2e.json;
import static dev.hearth.e2e.E2e.reportLine;
import static dev.hearth.e2e.E2e.requestId;
import static dev.hearth.e2e.E2e.tail;
import static dev.hearth.e2e.E2e.text;
import static dev.hearth.e2e.E2e.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Process tests of the {@code provided.*} runtimes: the zip's own {@code bootstrap}, here a bash script
 * that speaks the Runtime API over bash's {@code /dev/tcp}, as a custom runtime written from the
 * documentation would.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ProvidedInvokeTest {

    /**
     * A complete custom runtime in bash: long-polls {@code /next}, reads the request id and the body, logs
     * a line and posts {@code {"echo":<event>,"handler":"<_HANDLER>"}} back; one connection per request.
     */
    static final String BASH_BOOTSTRAP = """
            #!/bin/bash
            set -u
            export LC_ALL=C
            API="$AWS_LAMBDA_RUNTIME_API"
            HOST="${API%:*}"
            PORT="${API##*:}"
            count=0
            while true; do
              exec 3<>"/dev/tcp/$HOST/$PORT"
              printf 'GET /2018-06-01/runtime/invocation/next HTTP/1.1\\r\\nHost: %s\\r\\n\\r\\n' "$API" >&3
              IFS= read -r status <&3
              id=""
              length=0
              while IFS= read -r line <&3; do
                line="${line%$'\\r'}"
                [ -z "$line" ] && break
                name="${line%%:*}"
                value="${line#*:}"
                value="${value# }"
                case "${name,,}" in
                  lambda-runtime-aws-request-id) id="$value" ;;
                  content-length) length="$value" ;;
                esac
              done
              body=""
              if [ "$length" -gt 0 ]; then
                IFS= read -r -N "$length" body <&3
              fi
              exec 3<&-
              count=$((count + 1))
              echo "bash runtime handling $id (invocation $count)"
              response="{\\"echo\\":$body,\\"handler\\":\\"$_HANDLER\\",\\"count\\":$count}"
              exec 3<>"/dev/tcp/$HOST/$PORT"
              printf 'POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\\r\\nHost: %s\\r\\nContent-Type: application/json\\r\\nContent-Length: %d\\r\\n\\r\\n%s' \\
                "$id" "$API" "${#response}" "$response" >&3
              IFS= read -r status <&3
              exec 3<&-
            done
            """;

    static TestNode node;
    static LambdaClient lambda;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(E2e.tempDataDir("hearth-e2e-provided"));
        lambda = E2e.client(node.endpoint());
    }

    @AfterAll
    static void stop() {
        if (lambda != null) {
            lambda.close();
        }
        if (node != null) {
            node.close();
            E2e.deleteTree(node.dataDir());
        }
    }

    @Test
    void bashBootstrap_echoesEvents_andStaysWarm() {
        String fn = unique("provided-bash");
        E2e.create(lambda, fn, "provided.al2023", "my.handler",
                E2e.zip(Map.of("bootstrap", BASH_BOOTSTRAP), Set.of("bootstrap")), b -> b.timeout(10));

        InvokeResponse first = invokeTail(lambda, fn, "{\"msg\":\"hi\",\"n\":[1,2]}");
        InvokeResponse second = invokeTail(lambda, fn, "{\"msg\":\"again\"}");

        assertThat(first.functionError()).as(text(first)).isNull();
        assertThat(json(first)).isEqualTo(json("{\"echo\":{\"msg\":\"hi\",\"n\":[1,2]},\"handler\":\"my.handler\",\"count\":1}"));
        assertThat(json(second)).isEqualTo(json("{\"echo\":{\"msg\":\"again\"},\"handler\":\"my.handler\",\"count\":2}"));
        List<String> lines = tail(first).lines().toList();
        assertThat(lines).contains("bash runtime handling " + requestId(first) + " (invocation 1)");
        assertThat(reportLine(tail(first), requestId(first))).contains("Init Duration");
        assertThat(reportLine(tail(second), requestId(second))).doesNotContain("Init Duration");
    }

    @Test
    void bootstrapExitingAtOnce_isRuntimeExitError() {
        String fn = unique("provided-exit");
        E2e.create(lambda, fn, "provided.al2", "ignored",
                E2e.zip(Map.of("bootstrap", "#!/bin/sh\necho 'bootstrap giving up' >&2\nexit 1\n"), Set.of("bootstrap")),
                b -> b.timeout(10));

        InvokeResponse response = invokeTail(lambda, fn, "{}");
        JsonNode error = json(response);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.functionError()).isEqualTo("Unhandled");
        assertThat(error.get("errorType").asText()).isEqualTo("Runtime.ExitError");
        assertThat(error.get("errorMessage").asText())
                .isEqualTo("RequestId: " + requestId(response) + " Error: Runtime exited with error: exit status 1");
        assertThat(reportLine(tail(response), requestId(response)))
                .endsWith("\tStatus: error\tError Type: Runtime.ExitError");
        // What the bootstrap said before dying is in the function's log (Hearth keeps init output out of the
        // invocation's tail).
        await().atMost(E2e.WAIT).untilAsserted(() -> assertThat(E2e.logStreams(node.dataDir(), fn).values())
                .anySatisfy(lines -> assertThat(lines).contains("bootstrap giving up")));
    }

    @Test
    void zipWithoutBootstrap_isRuntimeInvalidEntrypoint() {
        String fn = unique("provided-none");
        E2e.create(lambda, fn, "provided.al2023", "ignored", E2e.zip(Map.of("README.txt", "no bootstrap here\n")),
                b -> b.timeout(10));

        InvokeResponse response = invoke(lambda, fn, "{}");
        JsonNode error = json(response);

        assertThat(response.functionError()).isEqualTo("Unhandled");
        assertThat(error.get("errorType").asText()).isEqualTo("Runtime.InvalidEntrypoint");
        assertThat(error.get("errorMessage").asText()).contains("Couldn't find valid bootstrap(s)");
    }
}
