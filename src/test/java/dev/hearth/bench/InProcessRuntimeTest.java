package dev.hearth.bench;

import dev.hearth.boot.Node;
import dev.hearth.config.HearthConfig;
import dev.hearth.core.Ids;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The platform-overhead row's runtime: a node built with {@link InProcessLauncher} answers through it. */
class InProcessRuntimeTest {

    @Test
    void invoke_ofAnInProcessFunction_echoesTheEventWarmAndRepeatedly(@TempDir Path dir) throws Exception {
        try (Node node = Node.start(HearthConfig.defaults(dir).withPort(0), Clock.systemUTC(), Ids.random(),
                InProcessLauncher::new);
             HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            LambdaApi api = new LambdaApi(http, node.endpoint());
            api.createFunction("inproc", "provided.al2023", "none", NoOpCode.inProcess(), 128, 3,
                    Map.of(InProcessLauncher.MARKER, "1"));
            api.awaitActive("inproc", Duration.ofSeconds(10));

            for (int i = 0; i < 50; i++) {
                byte[] payload = ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
                HttpResponse<byte[]> response = api.invoke(api.invokeRequest("inproc", payload, false));
                assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":" + i + "}");
            }
            assertThat(node.isolation()).isNotNull();
        }
    }
}
