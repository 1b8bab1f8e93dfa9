package dev.hearth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.ProvisionedConcurrencyStatusEnum;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.hearth.e2e.E2e.WAIT;
import static dev.hearth.e2e.E2e.json;
import static dev.hearth.e2e.E2e.reportLine;
import static dev.hearth.e2e.E2e.requestId;
import static dev.hearth.e2e.E2e.tail;
import static dev.hearth.e2e.E2e.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * Process tests of concurrency controls with real Python functions: reserved concurrency throttles the
 * second of two concurrent invocations with AWS's exact 429, provisioned environments are initialised
 * before the first invocation (no {@code Init Duration}, {@code AWS_LAMBDA_INITIALIZATION_TYPE} set) and
 * spill over to on-demand ones, and the memory budget evicts another function's idle environment before
 * it refuses an invocation.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ConcurrencyInvokeTest {

    static final String APP = """
            import os, time

            def handler(event, context):
                print("started", event.get("tag", ""))
                time.sleep(event.get("sleep", 0))
                return {"init": os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE"), "pid": os.getpid()}
            """;
    static final String THROTTLE_BODY = "{\"Message\":\"Rate Exceeded.\","
            + "\"Reason\":\"ReservedFunctionConcurrentInvocationLimitExceeded\",\"Type\":\"User\"}";

    static TestNode node;
    static LambdaClient lambda;
    static HttpClient http;

    @BeforeAll
    static void start() {
        node = TestNode.start(E2e.tempDataDir("hearth-e2e-concurrency"));
        lambda = E2e.client(node.endpoint());
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.close();
        }
        if (lambda != null) {
            lambda.close();
        }
        if (node != null) {
            node.close();
            E2e.deleteTree(node.dataDir());
        }
    }

    static byte[] zip() {
        return E2e.zip(Map.of("app.py", APP));
    }

    static void create(LambdaClient client, String name, int memoryMb) {
        E2e.create(client, name, "python3.12", "app.handler", zip(), b -> b.memorySize(memoryMb).timeout(30));
    }

    static CompletableFuture<HttpResponse<String>> invokeRaw(TestNode on, String name, String payload) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(on.endpoint() + "/2015-03-31/functions/" + name
                        + "/invocations")).POST(HttpRequest.BodyPublishers.ofString(payload)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void reservedConcurrencyOne_letsExactlyOneOfTwoConcurrentSlowInvokesRun_andThrottlesTheOther() {
        String name = unique("py-reserved");
        create(lambda, name, 128);
        lambda.putFunctionConcurrency(r -> r.functionName(name).reservedConcurrentExecutions(1));

        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            calls.add(invokeRaw(node, name, "{\"sleep\": 2}"));
        }
        List<HttpResponse<String>> responses = calls.stream().map(CompletableFuture::join).toList();

        assertThat(responses).extracting(HttpResponse::statusCode).containsExactlyInAnyOrder(200, 429);
        HttpResponse<String> throttled = responses.stream().filter(r -> r.statusCode() == 429).findFirst().orElseThrow();
        assertThat(json(throttled.body())).isEqualTo(json(THROTTLE_BODY));
        assertThat(throttled.headers().firstValue("x-amzn-ErrorType")).hasValue("TooManyRequestsException");
        HttpResponse<String> ran = responses.stream().filter(r -> r.statusCode() == 200).findFirst().orElseThrow();
        assertThat(json(ran.body()).get("init").asText()).isEqualTo("on-demand");

        assertThat(invokeRaw(node, name, "{}").join().statusCode()).as("the permit came back").isEqualTo(200);
    }

    @Test
    void reservedConcurrencyZero_throttlesARealFunction() {
        String name = unique("py-zero");
        create(lambda, name, 128);
        lambda.putFunctionConcurrency(r -> r.functionName(name).reservedConcurrentExecutions(0));

        TooManyRequestsException e = catchThrowableOfType(TooManyRequestsException.class,
                () -> lambda.invoke(r -> r.functionName(name).payload(SdkBytes.fromUtf8String("{}"))));

        assertThat(e.reasonAsString()).isEqualTo("ReservedFunctionConcurrentInvocationLimitExceeded");
        lambda.deleteFunctionConcurrency(r -> r.functionName(name));
        assertThat(E2e.invoke(lambda, name, "{}").statusCode()).isEqualTo(200);
    }

    @Test
    void provisionedEnvironments_areWarmOnFirstInvoke_andSpillOverToOnDemand() {
        String name = unique("py-provisioned");
        create(lambda, name, 128);
        lambda.publishVersion(p -> p.functionName(name));
        lambda.putProvisionedConcurrencyConfig(p -> p.functionName(name).qualifier("1").provisionedConcurrentExecutions(1));
        await("provisioned READY").atMost(WAIT).pollInterval(java.time.Duration.ofMillis(50)).until(() ->
                lambda.getProvisionedConcurrencyConfig(g -> g.functionName(name).qualifier("1")).status()
                        == ProvisionedConcurrencyStatusEnum.READY);

        InvokeResponse first = lambda.invoke(r -> r.functionName(name).qualifier("1").logType(LogType.TAIL)
                .payload(SdkBytes.fromUtf8String("{}")));

        assertThat(json(first).get("init").asText()).isEqualTo("provisioned-concurrency");
        assertThat(reportLine(tail(first), requestId(first))).doesNotContain("Init Duration");
        assertThat(first.executedVersion()).isEqualTo("1");

        // Two at once: one takes the provisioned environment, the other spills over to a new on-demand one.
        CompletableFuture<HttpResponse<String>> a = invokeRaw(node, name + ":1", "{\"sleep\": 1}");
        CompletableFuture<HttpResponse<String>> b = invokeRaw(node, name + ":1", "{\"sleep\": 1}");
        List<String> kinds = new ArrayList<>();
        for (HttpResponse<String> r : List.of(a.join(), b.join())) {
            assertThat(r.statusCode()).isEqualTo(200);
            kinds.add(json(r.body()).get("init").asText());
        }
        assertThat(kinds).containsExactlyInAnyOrder("provisioned-concurrency", "on-demand");

        InvokeResponse latest = E2e.invokeTail(lambda, name, "{}");
        assertThat(json(latest).get("init").asText()).as("$LATEST has no provisioned environments")
                .isEqualTo("on-demand");
        lambda.deleteProvisionedConcurrencyConfig(d -> d.functionName(name).qualifier("1"));
    }

    @Test
    void memoryBudget_evictsAnotherFunctionsIdleEnvironment_beforeItRefuses() {
        try (TestNode small = TestNode.start(E2e.tempDataDir("hearth-e2e-memory"),
                c -> c.withConcurrency(c.concurrency().withMemoryBudgetMb(256)));
             LambdaClient client = E2e.client(small.endpoint())) {
            String light = unique("py-light");
            String heavy = unique("py-heavy");
            create(client, light, 128);
            create(client, heavy, 256);

            assertThat(E2e.invoke(client, light, "{}").statusCode()).isEqualTo(200);
            InvokeResponse heavyRun = E2e.invokeTail(client, heavy, "{}");
            assertThat(heavyRun.statusCode()).as("the light function's idle environment made room").isEqualTo(200);
            InvokeResponse lightAgain = E2e.invokeTail(client, light, "{}");
            assertThat(reportLine(tail(lightAgain), requestId(lightAgain))).as("evicted, so started again")
                    .contains("Init Duration");

            // The heavy function busy with all of the budget: nothing idle to evict, so the light one is refused.
            CompletableFuture<HttpResponse<String>> busy = invokeRaw(small, heavy, "{\"sleep\": 3, \"tag\": \"busy\"}");
            await("the heavy invocation running").atMost(WAIT).until(() -> E2e.logStreams(small.dataDir(), heavy)
                    .values().stream().flatMap(List::stream).anyMatch(m -> m.contains("started busy")));
            HttpResponse<String> refused = invokeRaw(small, light, "{}").join();

            assertThat(refused.statusCode()).isEqualTo(429);
            JsonNode body = json(refused.body());
            assertThat(body.get("Type").asText()).isEqualTo("User");
            assertThat(body.get("Reason").asText()).isEqualTo("ConcurrentInvocationLimitExceeded");
            assertThat(body.get("Message").asText()).contains("memory budget is full").contains("256 MB of 256 MB")
                    .contains("needs 128 MB");
            assertThat(busy.join().statusCode()).isEqualTo(200);
            E2e.deleteTree(small.dataDir());
        }
    }
}
