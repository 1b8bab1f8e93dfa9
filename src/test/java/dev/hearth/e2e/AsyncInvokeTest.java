package dev.hearth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.boot.Node;
import dev.hearth.config.AsyncConfig;
import dev.hearth.config.HearthConfig;
import dev.hearth.core.Ids;
import dev.hearth.testing.ElasticMq;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.sqs.model.Message;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Asynchronous invocation end to end with the AWS SDK for Java v2: a real node, Python functions, and
 * ElasticMQ as the SQS-compatible server that destinations and dead-letter queues are sent to.
 */
class AsyncInvokeTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String OK = "def handler(event, context):\n"
            + "    return {'got': event, 'rid': context.aws_request_id}\n";
    private static final String FAIL = "def handler(event, context):\n"
            + "    raise Exception('boom ' + str(event.get('n')))\n";

    private static ElasticMq sqs;
    private static Path dataDir;
    private static Node node;
    private static LambdaClient lambda;

    @BeforeAll
    static void start() {
        sqs = ElasticMq.start();
        dataDir = E2e.tempDataDir("hearth-async");
        node = Node.start(HearthConfig.defaults(dataDir).withPort(0).withAsync(AsyncConfig.defaults()
                .withRetryBaseDelay(Duration.ofMillis(200)).withSqsEndpoint(sqs.endpoint())));
        lambda = E2e.client(node.endpoint());
    }

    @AfterAll
    static void stop() {
        lambda.close();
        node.close();
        sqs.close();
        E2e.deleteTree(dataDir);
    }

    private static String function(String prefix, String code) {
        String name = E2e.unique(prefix);
        E2e.create(lambda, name, "python3.12", "app.handler", E2e.zip(Map.of("app.py", code)), b -> { });
        return name;
    }

    private static InvokeResponse event(String function, String payload) {
        return lambda.invoke(b -> b.functionName(function).invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromUtf8String(payload)));
    }

    private static JsonNode only(List<Message> messages) {
        assertThat(messages).hasSize(1);
        return E2e.json(messages.getFirst().body());
    }

    @Test
    void event_answers202_runsTheFunctionWithTheSameRequestId_andSendsTheSuccessRecord() {
        String queue = E2e.unique("ok");
        String queueArn = sqs.createQueue(queue);
        String fn = function("async-ok", OK);
        lambda.putFunctionEventInvokeConfig(b -> b.functionName(fn)
                .destinationConfig(d -> d.onSuccess(s -> s.destination(queueArn))));

        InvokeResponse response = event(fn, "{\"k\":\"v\"}");

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(E2e.text(response)).isEmpty();
        String requestId = E2e.requestId(response);
        JsonNode record = only(sqs.receive(queue, 1, WAIT));
        assertThat(record.get("version").asText()).isEqualTo("1.0");
        assertThat(record.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(record.get("requestContext")).isEqualTo(E2e.json("{\"requestId\":\"" + requestId
                + "\",\"functionArn\":\"" + E2e.arn(fn) + ":$LATEST\",\"condition\":\"Success\","
                + "\"approximateInvokeCount\":1}"));
        assertThat(record.get("requestPayload")).isEqualTo(E2e.json("{\"k\":\"v\"}"));
        assertThat(record.get("responseContext")).isEqualTo(E2e.json(
                "{\"statusCode\":200,\"executedVersion\":\"$LATEST\"}"));
        assertThat(record.get("responsePayload")).isEqualTo(E2e.json("{\"got\":{\"k\":\"v\"},\"rid\":\""
                + requestId + "\"}"));
    }

    @Test
    void functionError_isRetriedMaximumRetryAttemptsTimes_thenTheFailureRecordCountsEveryInvoke() {
        String queue = E2e.unique("failed");
        String queueArn = sqs.createQueue(queue);
        String fn = function("async-fail", FAIL);
        lambda.putFunctionEventInvokeConfig(b -> b.functionName(fn).maximumRetryAttempts(1)
                .destinationConfig(d -> d.onFailure(s -> s.destination(queueArn))));

        String requestId = E2e.requestId(event(fn, "{\"n\":7}"));

        JsonNode record = only(sqs.receive(queue, 1, WAIT));
        assertThat(record.at("/requestContext/requestId").asText()).isEqualTo(requestId);
        assertThat(record.at("/requestContext/condition").asText()).isEqualTo("RetriesExhausted");
        assertThat(record.at("/requestContext/approximateInvokeCount").asInt()).isEqualTo(2);
        assertThat(record.get("responseContext")).isEqualTo(E2e.json(
                "{\"statusCode\":200,\"executedVersion\":\"$LATEST\",\"functionError\":\"Unhandled\"}"));
        assertThat(record.at("/responsePayload/errorMessage").asText()).isEqualTo("boom 7");
        assertThat(record.at("/responsePayload/errorType").asText()).isEqualTo("Exception");
        long starts = E2e.logStreams(dataDir, fn).values().stream().flatMap(List::stream)
                .filter(l -> l.startsWith("START RequestId: " + requestId)).count();
        assertThat(starts).isEqualTo(2);
    }

    @Test
    void deadLetterQueue_getsTheOriginalPayload_withRequestIdErrorCodeAndMessageAttributes() {
        String dlq = E2e.unique("dlq");
        String dlqArn = sqs.createQueue(dlq);
        String fn = E2e.unique("async-dlq");
        E2e.create(lambda, fn, "python3.12", "app.handler", E2e.zip(Map.of("app.py", FAIL)),
                b -> b.deadLetterConfig(d -> d.targetArn(dlqArn)));
        lambda.putFunctionEventInvokeConfig(b -> b.functionName(fn).maximumRetryAttempts(0));

        String requestId = E2e.requestId(event(fn, "{\"n\": 3}"));

        Message message = sqs.receive(dlq, 1, WAIT).getFirst();
        assertThat(message.body()).isEqualTo("{\"n\": 3}");
        assertThat(message.messageAttributes().get("RequestID").stringValue()).isEqualTo(requestId);
        assertThat(message.messageAttributes().get("ErrorCode").stringValue()).isEqualTo("200");
        assertThat(message.messageAttributes().get("ErrorMessage").stringValue()).isEqualTo("boom 3");
    }

    @Test
    void destinationFunction_receivesTheRecordAsAnAsynchronousEvent() {
        String queue = E2e.unique("chain");
        String queueArn = sqs.createQueue(queue);
        String second = function("async-second", OK);
        lambda.putFunctionEventInvokeConfig(b -> b.functionName(second)
                .destinationConfig(d -> d.onSuccess(s -> s.destination(queueArn))));
        String first = function("async-first", OK);
        lambda.putFunctionEventInvokeConfig(b -> b.functionName(first)
                .destinationConfig(d -> d.onSuccess(s -> s.destination(E2e.arn(second)))));

        String requestId = E2e.requestId(event(first, "{\"step\":1}"));

        JsonNode record = only(sqs.receive(queue, 1, WAIT));
        assertThat(record.at("/requestContext/functionArn").asText()).isEqualTo(E2e.arn(second) + ":$LATEST");
        assertThat(record.at("/requestContext/requestId").asText()).isNotEqualTo(requestId);
        JsonNode firstRecord = record.get("requestPayload");
        assertThat(firstRecord.at("/requestContext/requestId").asText()).isEqualTo(requestId);
        assertThat(firstRecord.at("/requestContext/functionArn").asText()).isEqualTo(E2e.arn(first) + ":$LATEST");
        assertThat(firstRecord.at("/responsePayload/got/step").asInt()).isEqualTo(1);
    }

    @Test
    void eventForAPublishedVersion_usesThatVersionsConfig_andReportsTheVersion() {
        String queue = E2e.unique("version");
        String queueArn = sqs.createQueue(queue);
        String fn = function("async-version", OK);
        String version = lambda.publishVersion(b -> b.functionName(fn)).version();
        lambda.putFunctionEventInvokeConfig(b -> b.functionName(fn).qualifier(version)
                .destinationConfig(d -> d.onSuccess(s -> s.destination(queueArn))));

        String requestId = E2e.requestId(lambda.invoke(b -> b.functionName(fn).qualifier(version)
                .invocationType(InvocationType.EVENT).payload(SdkBytes.fromUtf8String("{}"))));
        event(fn, "{}"); // $LATEST has no config: no record

        JsonNode record = only(sqs.receive(queue, 1, WAIT));
        assertThat(record.at("/requestContext/requestId").asText()).isEqualTo(requestId);
        assertThat(record.at("/requestContext/functionArn").asText()).isEqualTo(E2e.arn(fn) + ":" + version);
        assertThat(record.at("/responseContext/executedVersion").asText()).isEqualTo(version);
    }

    @Test
    void throttledEvent_waitsWhileReservedConcurrencyIsZero_andRunsOnceItIsLifted() throws Exception {
        String queue = E2e.unique("throttled");
        String queueArn = sqs.createQueue(queue);
        String fn = function("async-throttled", OK);
        lambda.putFunctionEventInvokeConfig(b -> b.functionName(fn).maximumRetryAttempts(0)
                .destinationConfig(d -> d.onSuccess(s -> s.destination(queueArn))));
        lambda.putFunctionConcurrency(b -> b.functionName(fn).reservedConcurrentExecutions(0));
        long throttledBefore = outcome("throttled");

        String requestId = E2e.requestId(event(fn, "{\"late\":true}"));

        await().atMost(WAIT).until(() -> outcome("throttled") >= throttledBefore + 2);
        assertThat(sqs.drain(queue)).as("nothing ran while throttled").isEmpty();
        assertThat(metrics(node.endpoint())).contains("hearth_async_queue_depth{function=\"" + fn + "\"} 1.0");
        lambda.deleteFunctionConcurrency(b -> b.functionName(fn));

        JsonNode record = only(sqs.receive(queue, 1, WAIT));
        assertThat(record.at("/requestContext/requestId").asText()).isEqualTo(requestId);
        assertThat(record.at("/requestContext/condition").asText()).isEqualTo("Success");
        assertThat(record.at("/requestContext/approximateInvokeCount").asInt())
                .as("throttles are not invocations").isEqualTo(1);
    }

    private static long outcome(String name) throws Exception {
        String prefix = "hearth_async_events_total{outcome=\"" + name + "\"} ";
        return metrics(node.endpoint()).lines().filter(l -> l.startsWith(prefix))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(prefix.length()))).findFirst().orElse(0);
    }

    /** The SDK for Java v2 no longer has InvokeAsync (boto3 does: see the boto3 test); sent as the SDKs send it. */
    @Test
    void invokeAsync_legacyOperation_answers202WithStatus_andRunsTheFunction() throws Exception {
        String queue = E2e.unique("legacy");
        String queueArn = sqs.createQueue(queue);
        String fn = function("async-legacy", OK);
        lambda.putFunctionEventInvokeConfig(b -> b.functionName(fn)
                .destinationConfig(d -> d.onSuccess(s -> s.destination(queueArn))));

        HttpResponse<String> response;
        try (HttpClient http = HttpClient.newHttpClient()) {
            response = http.send(HttpRequest.newBuilder(node.endpoint().resolve("/2014-11-13/functions/" + fn
                    + "/invoke-async/")).POST(HttpRequest.BodyPublishers.ofString("{\"legacy\":true}")).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(E2e.json(response.body())).isEqualTo(E2e.json("{\"Status\":202}"));
        JsonNode record = only(sqs.receive(queue, 1, WAIT));
        assertThat(record.at("/requestContext/requestId").asText())
                .isEqualTo(response.headers().firstValue("x-amzn-RequestId").orElseThrow());
        assertThat(record.at("/responsePayload/got/legacy").asBoolean()).isTrue();
    }

    @Test
    void badEvents_areRefusedWithAwsErrors_andNothingIsQueued() throws Exception {
        String fn = function("async-refused", OK);

        assertThatThrownBy(() -> event(E2e.unique("missing"), "{}")).isInstanceOfSatisfying(LambdaException.class,
                e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ResourceNotFoundException"));
        assertThatThrownBy(() -> event(fn, "{not json")).isInstanceOfSatisfying(LambdaException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidRequestContentException");
            assertThat(e.awsErrorDetails().errorMessage()).startsWith(
                    "Could not parse request body into json: Could not parse payload into json: ");
        });
        String big = "\"" + "a".repeat(1_048_576 - 1) + "\"";
        assertThatThrownBy(() -> event(fn, big)).isInstanceOfSatisfying(LambdaException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(413);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("RequestEntityTooLargeException");
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(
                    "1048577 byte payload is too large for the Event invocation type (limit 1048576 bytes)");
        });
        assertThat(metrics(node.endpoint())).doesNotContain("function=\"" + fn + "\"");
    }

    /**
     * A node whose clock the test moves: the failed event waits for its retry (a minute), the metrics show
     * it queued, and once the clock is past MaximumEventAgeInSeconds the event goes to OnFailure as
     * EventAgeExceeded instead of being retried.
     */
    @Test
    void eventOlderThanMaximumEventAge_goesToOnFailureAsEventAgeExceeded_andQueueDepthIsVisible() throws Exception {
        AtomicLong offset = new AtomicLong();
        Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.now().plusMillis(offset.get());
            }
        };
        Path dir = E2e.tempDataDir("hearth-async-age");
        try (Node aged = Node.start(HearthConfig.defaults(dir).withPort(0).withAsync(AsyncConfig.defaults()
                .withSqsEndpoint(sqs.endpoint())), clock, Ids.random());
             LambdaClient client = E2e.client(aged.endpoint())) {
            String queue = E2e.unique("aged");
            String queueArn = sqs.createQueue(queue);
            String fn = E2e.unique("async-aged");
            E2e.create(client, fn, "python3.12", "app.handler", E2e.zip(Map.of("app.py", FAIL)), b -> { });
            client.putFunctionEventInvokeConfig(b -> b.functionName(fn).maximumEventAgeInSeconds(60)
                    .destinationConfig(d -> d.onFailure(s -> s.destination(queueArn))));
            String requestId = E2e.requestId(client.invoke(b -> b.functionName(fn)
                    .invocationType(InvocationType.EVENT).payload(SdkBytes.fromUtf8String("{\"n\":1}"))));

            // The first attempt failed and the retry waits a minute (the default back-off).
            await().atMost(WAIT).until(() -> metrics(aged.endpoint()).contains(
                    "hearth_async_events_total{outcome=\"retried\"} 1.0"));
            assertThat(metrics(aged.endpoint())).contains("hearth_async_queue_depth{function=\"" + fn + "\"} 1.0")
                    .containsPattern("hearth_async_oldest_event_age_seconds\\{function=\"" + fn + "\"} [0-9.]+");

            offset.set(Duration.ofSeconds(61).toMillis());
            // A new event wakes the dispatcher, which finds the retry due and the event too old.
            client.invoke(b -> b.functionName(fn).invocationType(InvocationType.EVENT)
                    .payload(SdkBytes.fromUtf8String("{\"n\":2}")));

            List<Message> records = sqs.receive(queue, 1, WAIT);
            JsonNode record = E2e.json(records.getFirst().body());
            assertThat(record.at("/requestContext/requestId").asText()).isEqualTo(requestId);
            assertThat(record.at("/requestContext/condition").asText()).isEqualTo("EventAgeExceeded");
            assertThat(record.at("/requestContext/approximateInvokeCount").asInt()).isEqualTo(1);
            assertThat(record.at("/responseContext/functionError").asText()).isEqualTo("Unhandled");
            assertThat(record.at("/responsePayload/errorMessage").asText()).isEqualTo("boom 1");
        } finally {
            E2e.deleteTree(dir);
        }
    }

    private static String metrics(URI endpoint) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(endpoint.resolve("/_hearth/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t)
                    .startsWith("text/plain"));
            return r.body();
        }
    }
}
