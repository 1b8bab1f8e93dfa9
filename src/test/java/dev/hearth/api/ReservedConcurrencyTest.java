package dev.hearth.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetFunctionConcurrencyResponse;
import software.amazon.awssdk.services.lambda.model.PutFunctionConcurrencyResponse;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static dev.hearth.api.Fixtures.assertAwsError;
import static dev.hearth.api.Fixtures.assertNotFound;
import static dev.hearth.api.Fixtures.assertValidation;
import static dev.hearth.api.Fixtures.createActive;
import static dev.hearth.api.Fixtures.functionNotFound;
import static dev.hearth.api.Fixtures.oneValidationError;
import static dev.hearth.api.Fixtures.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Put/Get/DeleteFunctionConcurrency, GetAccountSettings' concurrency figures, GetFunction's
 * {@code Concurrency}, and the throttle of reserved concurrency 0, against a node whose account limit
 * is 300 (so 200 can be reserved).
 */
class ReservedConcurrencyTest {
    private static final int LIMIT = 300;
    private static final String BELOW_MINIMUM = "Specified ReservedConcurrentExecutions for function decreases"
            + " account's UnreservedConcurrentExecution below its minimum value of [100].";

    private static TestNode node;
    private static LambdaClient lambda;

    @BeforeAll
    static void start(@TempDir Path dir) {
        node = TestNode.start(dir, c -> c.withConcurrency(c.concurrency().withAccountLimit(LIMIT)));
        lambda = node.lambda();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static int unreserved() {
        return lambda.getAccountSettings(r -> { }).accountLimit().unreservedConcurrentExecutions();
    }

    @Test
    void putConcurrency_setsIt_andGetFunctionAndAccountSettingsShowIt() {
        String name = uniqueName("reserve");
        createActive(lambda, name);
        int before = unreserved();

        PutFunctionConcurrencyResponse put = lambda.putFunctionConcurrency(r -> r.functionName(name)
                .reservedConcurrentExecutions(25));

        assertThat(put.sdkHttpResponse().statusCode()).isEqualTo(200);
        assertThat(put.reservedConcurrentExecutions()).isEqualTo(25);
        assertThat(lambda.getFunctionConcurrency(r -> r.functionName(name)).reservedConcurrentExecutions()).isEqualTo(25);
        assertThat(lambda.getFunction(r -> r.functionName(name)).concurrency().reservedConcurrentExecutions())
                .isEqualTo(25);
        var settings = lambda.getAccountSettings(r -> { }).accountLimit();
        assertThat(settings.concurrentExecutions()).isEqualTo(LIMIT);
        assertThat(settings.unreservedConcurrentExecutions()).isEqualTo(before - 25);

        lambda.putFunctionConcurrency(r -> r.functionName(name).reservedConcurrentExecutions(5));
        assertThat(unreserved()).as("a new value replaces the old").isEqualTo(before - 5);
        lambda.deleteFunctionConcurrency(r -> r.functionName(name));
    }

    @Test
    void getConcurrency_withoutAReservation_isEmpty_andGetFunctionHasNoConcurrencyKey() throws Exception {
        String name = uniqueName("none");
        createActive(lambda, name);

        GetFunctionConcurrencyResponse get = lambda.getFunctionConcurrency(r -> r.functionName(name));

        assertThat(get.reservedConcurrentExecutions()).isNull();
        JsonNode body = getJson("/2015-03-31/functions/" + name);
        assertThat(body.has("Concurrency")).isFalse();
    }

    @Test
    void deleteConcurrency_removesIt_andGivesItBackToTheUnreservedPool() {
        String name = uniqueName("delete");
        createActive(lambda, name);
        int before = unreserved();
        lambda.putFunctionConcurrency(r -> r.functionName(name).reservedConcurrentExecutions(10));

        var deleted = lambda.deleteFunctionConcurrency(r -> r.functionName(name));

        assertThat(deleted.sdkHttpResponse().statusCode()).isEqualTo(204);
        assertThat(lambda.getFunctionConcurrency(r -> r.functionName(name)).reservedConcurrentExecutions()).isNull();
        assertThat(lambda.getFunction(r -> r.functionName(name)).concurrency()).isNull();
        assertThat(unreserved()).isEqualTo(before);
    }

    @Test
    void putConcurrency_whenLessThan100WouldRemainUnreserved_isRefused_andChangesNothing() throws Exception {
        String name = uniqueName("greedy");
        createActive(lambda, name);
        int before = unreserved();

        assertAwsError(() -> lambda.putFunctionConcurrency(r -> r.functionName(name)
                .reservedConcurrentExecutions(before - 99)), 400, "InvalidParameterValueException", BELOW_MINIMUM);

        HttpResponse<String> raw = put("/2017-10-31/functions/" + name + "/concurrency",
                "{\"ReservedConcurrentExecutions\":" + (before - 99) + "}");
        assertThat(raw.statusCode()).isEqualTo(400);
        assertThat(new ObjectMapper().readTree(raw.body()).properties()).extracting(java.util.Map.Entry::getKey)
                .as("AWS sends this refusal without Type").containsExactly("message");
        assertThat(lambda.getFunctionConcurrency(r -> r.functionName(name)).reservedConcurrentExecutions()).isNull();
        assertThat(unreserved()).isEqualTo(before);
    }

    @Test
    void putConcurrency_leavingExactly100Unreserved_isAccepted() {
        String name = uniqueName("edge");
        createActive(lambda, name);
        int reservable = unreserved() - 100;

        lambda.putFunctionConcurrency(r -> r.functionName(name).reservedConcurrentExecutions(reservable));

        assertThat(unreserved()).isEqualTo(100);
        lambda.deleteFunctionConcurrency(r -> r.functionName(name));
    }

    @Test
    void putConcurrency_negative_isAValidationError() {
        String name = uniqueName("negative");
        createActive(lambda, name);

        assertValidation(() -> lambda.putFunctionConcurrency(r -> r.functionName(name).reservedConcurrentExecutions(-1)),
                oneValidationError(-1, "reservedConcurrentExecutions", "Member must have value greater than or equal to 0"));
    }

    @Test
    void putConcurrency_withoutTheValue_isAValidationError() throws Exception {
        String name = uniqueName("missing");
        createActive(lambda, name);

        HttpResponse<String> raw = put("/2017-10-31/functions/" + name + "/concurrency", "{}");

        assertThat(raw.statusCode()).isEqualTo(400);
        assertThat(raw.headers().firstValue("x-amzn-ErrorType")).hasValue("ValidationException");
        assertThat(raw.body()).contains("Value null at 'reservedConcurrentExecutions' failed to satisfy constraint:"
                + " Member must not be null");
    }

    @Test
    void concurrencyOperations_onAMissingFunction_areNotFound_withTheUnqualifiedArn() {
        String name = uniqueName("ghost");

        assertNotFound(() -> lambda.putFunctionConcurrency(r -> r.functionName(name).reservedConcurrentExecutions(1)),
                functionNotFound(name));
        assertNotFound(() -> lambda.getFunctionConcurrency(r -> r.functionName(name)), functionNotFound(name));
        assertNotFound(() -> lambda.deleteFunctionConcurrency(r -> r.functionName(name)), functionNotFound(name));
    }

    @Test
    void deletingTheFunction_removesItsReservation() {
        String name = uniqueName("gone");
        createActive(lambda, name);
        int before = unreserved();
        lambda.putFunctionConcurrency(r -> r.functionName(name).reservedConcurrentExecutions(20));

        lambda.deleteFunction(r -> r.functionName(name));

        assertThat(unreserved()).isEqualTo(before);
        createActive(lambda, name);
        assertThat(lambda.getFunctionConcurrency(r -> r.functionName(name)).reservedConcurrentExecutions())
                .as("a new function of the same name starts without one").isNull();
    }

    @Test
    void invoke_whenReservedConcurrencyIsZero_throttles_withAwsBody() throws Exception {
        String name = uniqueName("zero");
        createActive(lambda, name);
        lambda.putFunctionConcurrency(r -> r.functionName(name).reservedConcurrentExecutions(0));

        TooManyRequestsException e = catchThrowableOfType(TooManyRequestsException.class,
                () -> lambda.invoke(r -> r.functionName(name).payload(SdkBytes.fromUtf8String("{}"))));
        assertThat(e.statusCode()).isEqualTo(429);
        assertThat(e.reasonAsString()).isEqualTo("ReservedFunctionConcurrentInvocationLimitExceeded");

        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> raw = http.send(HttpRequest.newBuilder(
                            URI.create(node.endpoint() + "/2015-03-31/functions/" + name + "/invocations"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(raw.statusCode()).isEqualTo(429);
            assertThat(raw.headers().firstValue("x-amzn-ErrorType")).hasValue("TooManyRequestsException");
            assertThat(new ObjectMapper().readTree(raw.body())).isEqualTo(new ObjectMapper().readTree(
                    "{\"Message\":\"Rate Exceeded.\",\"Reason\":\"ReservedFunctionConcurrentInvocationLimitExceeded\","
                            + "\"Type\":\"User\"}"));
        }
    }

    @Test
    void reservedConcurrency_survivesARestart(@TempDir Path dir) {
        String name = uniqueName("durable");
        try (TestNode first = TestNode.start(dir, c -> c.withConcurrency(c.concurrency().withAccountLimit(LIMIT)))) {
            createActive(first.lambda(), name);
            first.lambda().putFunctionConcurrency(r -> r.functionName(name).reservedConcurrentExecutions(42));
        }
        try (TestNode second = TestNode.start(dir, c -> c.withConcurrency(c.concurrency().withAccountLimit(LIMIT)))) {
            assertThat(second.lambda().getFunctionConcurrency(r -> r.functionName(name)).reservedConcurrentExecutions())
                    .isEqualTo(42);
            assertThat(second.lambda().getAccountSettings(r -> { }).accountLimit().unreservedConcurrentExecutions())
                    .isEqualTo(LIMIT - 42);
        }
    }

    @Test
    void withAnAccountLimitBelow100_theWholeLimitStaysUnreserved(@TempDir Path dir) {
        String name = uniqueName("small");
        try (TestNode small = TestNode.start(dir, c -> c.withConcurrency(c.concurrency().withAccountLimit(10)))) {
            createActive(small.lambda(), name);

            assertAwsError(() -> small.lambda().putFunctionConcurrency(r -> r.functionName(name)
                            .reservedConcurrentExecutions(1)), 400, "InvalidParameterValueException",
                    "Specified ReservedConcurrentExecutions for function decreases account's"
                            + " UnreservedConcurrentExecution below its minimum value of [10].");
            small.lambda().putFunctionConcurrency(r -> r.functionName(name).reservedConcurrentExecutions(0));
            assertThat(small.lambda().getAccountSettings(r -> { }).accountLimit().unreservedConcurrentExecutions())
                    .isEqualTo(10);
        }
    }

    private static JsonNode getJson(String path) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(node.endpoint() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new ObjectMapper().readTree(r.body());
        }
    }

    private static HttpResponse<String> put(String path, String body) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create(node.endpoint() + path))
                    .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
