package dev.hearth.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetProvisionedConcurrencyConfigResponse;
import software.amazon.awssdk.services.lambda.model.ListProvisionedConcurrencyConfigsResponse;
import software.amazon.awssdk.services.lambda.model.ProvisionedConcurrencyStatusEnum;
import software.amazon.awssdk.services.lambda.model.PutProvisionedConcurrencyConfigResponse;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static dev.hearth.api.Fixtures.arn;
import static dev.hearth.api.Fixtures.assertAwsError;
import static dev.hearth.api.Fixtures.assertInvalidParameter;
import static dev.hearth.api.Fixtures.assertValidation;
import static dev.hearth.api.Fixtures.createActive;
import static dev.hearth.api.Fixtures.oneValidationError;
import static dev.hearth.api.Fixtures.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Put/Get/List/DeleteProvisionedConcurrencyConfig with the SDK against a node with an account limit of
 * 300: AWS's shapes, the IN_PROGRESS → READY status as the environments initialise (real Python ones),
 * and AWS's refusals.
 */
class ProvisionedConcurrencyTest {
    private static final int LIMIT = 300;
    private static final String NOT_FOUND = "No Provisioned Concurrency Config found for this function";

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

    /** A function with version 1 published. */
    private static String published(String prefix) {
        String name = uniqueName(prefix);
        createActive(lambda, name);
        lambda.publishVersion(p -> p.functionName(name));
        return name;
    }

    private static GetProvisionedConcurrencyConfigResponse awaitStatus(String name, String qualifier,
                                                                       ProvisionedConcurrencyStatusEnum status) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> lambda.getProvisionedConcurrencyConfig(g -> g.functionName(name).qualifier(qualifier)),
                        g -> g.status() == status);
    }

    @Test
    void putProvisioned_onAVersion_answers202InProgress_thenBecomesReadyWithItsEnvironments() {
        String name = published("ready");

        PutProvisionedConcurrencyConfigResponse put = lambda.putProvisionedConcurrencyConfig(p -> p.functionName(name)
                .qualifier("1").provisionedConcurrentExecutions(2));

        assertThat(put.sdkHttpResponse().statusCode()).isEqualTo(202);
        assertThat(put.requestedProvisionedConcurrentExecutions()).isEqualTo(2);
        assertThat(put.status()).isEqualTo(ProvisionedConcurrencyStatusEnum.IN_PROGRESS);
        assertThat(put.lastModified()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\+0000");
        GetProvisionedConcurrencyConfigResponse ready = awaitStatus(name, "1", ProvisionedConcurrencyStatusEnum.READY);
        assertThat(ready.requestedProvisionedConcurrentExecutions()).isEqualTo(2);
        assertThat(ready.availableProvisionedConcurrentExecutions()).isEqualTo(2);
        assertThat(ready.allocatedProvisionedConcurrentExecutions()).isEqualTo(2);
        assertThat(ready.statusReason()).isNull();
        assertThat(ready.lastModified()).isEqualTo(put.lastModified());
        lambda.deleteProvisionedConcurrencyConfig(d -> d.functionName(name).qualifier("1"));
    }

    @Test
    void putProvisioned_onLatest_isRefused() {
        String name = published("latest");

        assertInvalidParameter(() -> lambda.putProvisionedConcurrencyConfig(p -> p.functionName(name)
                        .qualifier("$LATEST").provisionedConcurrentExecutions(1)),
                "Provisioned Concurrency Configs cannot be applied to unpublished function versions.");
    }

    @Test
    void putProvisioned_ofZero_isAValidationError() {
        String name = published("zero");

        assertValidation(() -> lambda.putProvisionedConcurrencyConfig(p -> p.functionName(name).qualifier("1")
                        .provisionedConcurrentExecutions(0)),
                oneValidationError(0, "provisionedConcurrentExecutions", "Member must have value greater than or equal to 1"));
    }

    @Test
    void putProvisioned_onAMissingVersion_isNotFound() {
        String name = published("noversion");

        assertAwsError(() -> lambda.putProvisionedConcurrencyConfig(p -> p.functionName(name).qualifier("7")
                .provisionedConcurrentExecutions(1)), 404, "ResourceNotFoundException", "Function not found: "
                + arn(name) + ":7");
    }

    @Test
    void putProvisioned_aboveTheFunctionsReservation_isRefused() {
        String name = published("capped");
        lambda.putFunctionConcurrency(r -> r.functionName(name).reservedConcurrentExecutions(1));

        assertInvalidParameter(() -> lambda.putProvisionedConcurrencyConfig(p -> p.functionName(name).qualifier("1")
                        .provisionedConcurrentExecutions(2)),
                "Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function");
        lambda.deleteFunctionConcurrency(r -> r.functionName(name));
    }

    @Test
    void putProvisioned_takingTheUnreservedPoolBelow100_isRefused() {
        String name = published("huge");
        int unreserved = lambda.getAccountSettings(r -> { }).accountLimit().unreservedConcurrentExecutions();

        assertAwsError(() -> lambda.putProvisionedConcurrencyConfig(p -> p.functionName(name).qualifier("1")
                        .provisionedConcurrentExecutions(unreserved - 99)), 400, "InvalidParameterValueException",
                "Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below"
                        + " its minimum value of [100].");
        assertAwsError(() -> lambda.getProvisionedConcurrencyConfig(g -> g.functionName(name).qualifier("1")), 404,
                "ProvisionedConcurrencyConfigNotFoundException", NOT_FOUND);
    }

    @Test
    void provisionedConcurrencyOfAnUnreservedFunction_comesOutOfTheUnreservedPool() {
        String name = published("pool");
        int before = lambda.getAccountSettings(r -> { }).accountLimit().unreservedConcurrentExecutions();

        lambda.putProvisionedConcurrencyConfig(p -> p.functionName(name).qualifier("1").provisionedConcurrentExecutions(1));

        assertThat(lambda.getAccountSettings(r -> { }).accountLimit().unreservedConcurrentExecutions())
                .isEqualTo(before - 1);
        lambda.deleteProvisionedConcurrencyConfig(d -> d.functionName(name).qualifier("1"));
        assertThat(lambda.getAccountSettings(r -> { }).accountLimit().unreservedConcurrentExecutions()).isEqualTo(before);
    }

    @Test
    void reservedConcurrency_belowTheProvisionedSum_isRefused() {
        String name = published("shrink");
        lambda.putFunctionConcurrency(r -> r.functionName(name).reservedConcurrentExecutions(2));
        lambda.putProvisionedConcurrencyConfig(p -> p.functionName(name).qualifier("1").provisionedConcurrentExecutions(2));

        assertInvalidParameter(() -> lambda.putFunctionConcurrency(r -> r.functionName(name)
                        .reservedConcurrentExecutions(1)),
                "Specified ReservedConcurrentExecutions for function is less than the function's provisioned concurrency [2].");
        lambda.deleteProvisionedConcurrencyConfig(d -> d.functionName(name).qualifier("1"));
        lambda.deleteFunctionConcurrency(r -> r.functionName(name));
    }

    @Test
    void getAndDelete_ofAMissingConfig_areConfigNotFound_withAwsBody() throws Exception {
        String name = published("missing");

        assertAwsError(() -> lambda.getProvisionedConcurrencyConfig(g -> g.functionName(name).qualifier("1")), 404,
                "ProvisionedConcurrencyConfigNotFoundException", NOT_FOUND);
        assertAwsError(() -> lambda.deleteProvisionedConcurrencyConfig(d -> d.functionName(name).qualifier("1")), 404,
                "ProvisionedConcurrencyConfigNotFoundException", NOT_FOUND);
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> raw = http.send(HttpRequest.newBuilder(URI.create(node.endpoint()
                    + "/2019-09-30/functions/" + name + "/provisioned-concurrency?Qualifier=1")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(new ObjectMapper().readTree(raw.body())).isEqualTo(new ObjectMapper().readTree(
                    "{\"Type\":\"User\",\"message\":\"" + NOT_FOUND + "\"}"));
        }
    }

    @Test
    void list_showsEveryConfigWithItsArn_andPages() {
        String name = published("list");
        lambda.updateFunctionConfiguration(u -> u.functionName(name).description("second"));
        Fixtures.awaitSettled(lambda, name);
        lambda.publishVersion(p -> p.functionName(name));
        lambda.createAlias(a -> a.functionName(name).name("live").functionVersion("2"));
        lambda.putProvisionedConcurrencyConfig(p -> p.functionName(name).qualifier("1").provisionedConcurrentExecutions(1));
        lambda.putProvisionedConcurrencyConfig(p -> p.functionName(name).qualifier("live")
                .provisionedConcurrentExecutions(1));

        ListProvisionedConcurrencyConfigsResponse all = lambda.listProvisionedConcurrencyConfigs(l -> l.functionName(name));
        assertThat(all.provisionedConcurrencyConfigs()).extracting(c -> c.functionArn())
                .containsExactly(arn(name) + ":1", arn(name) + ":live");
        assertThat(all.nextMarker()).isNull();

        ListProvisionedConcurrencyConfigsResponse first = lambda.listProvisionedConcurrencyConfigs(l -> l
                .functionName(name).maxItems(1));
        assertThat(first.provisionedConcurrencyConfigs()).hasSize(1);
        ListProvisionedConcurrencyConfigsResponse second = lambda.listProvisionedConcurrencyConfigs(l -> l
                .functionName(name).maxItems(1).marker(first.nextMarker()));
        assertThat(second.provisionedConcurrencyConfigs()).extracting(c -> c.functionArn())
                .containsExactly(arn(name) + ":live");
        assertThat(second.nextMarker()).isNull();

        lambda.deleteProvisionedConcurrencyConfig(d -> d.functionName(name).qualifier("1"));
        lambda.deleteProvisionedConcurrencyConfig(d -> d.functionName(name).qualifier("live"));
        assertThat(lambda.listProvisionedConcurrencyConfigs(l -> l.functionName(name)).provisionedConcurrencyConfigs())
                .isEmpty();
    }

    @Test
    void provisionedConfigs_surviveARestart_andTheirEnvironmentsAreStartedAgain(@TempDir Path dir) {
        String name = uniqueName("durable");
        try (TestNode first = TestNode.start(dir)) {
            createActive(first.lambda(), name);
            first.lambda().publishVersion(p -> p.functionName(name));
            first.lambda().putProvisionedConcurrencyConfig(p -> p.functionName(name).qualifier("1")
                    .provisionedConcurrentExecutions(1));
        }
        try (TestNode second = TestNode.start(dir)) {
            GetProvisionedConcurrencyConfigResponse ready = await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> second.lambda().getProvisionedConcurrencyConfig(g -> g.functionName(name).qualifier("1")),
                            g -> g.status() == ProvisionedConcurrencyStatusEnum.READY);
            assertThat(ready.availableProvisionedConcurrentExecutions()).isEqualTo(1);
        }
    }

    @Test
    void anAliasAndTheVersionItPointsAt_cannotBothBeProvisioned() {
        String name = published("overlap");
        lambda.createAlias(a -> a.functionName(name).name("live").functionVersion("1"));
        lambda.putProvisionedConcurrencyConfig(p -> p.functionName(name).qualifier("1").provisionedConcurrentExecutions(1));

        assertAwsError(() -> lambda.putProvisionedConcurrencyConfig(p -> p.functionName(name).qualifier("live")
                        .provisionedConcurrentExecutions(1)), 409, "ResourceConflictException",
                "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version");
        lambda.deleteProvisionedConcurrencyConfig(d -> d.functionName(name).qualifier("1"));
        lambda.putProvisionedConcurrencyConfig(p -> p.functionName(name).qualifier("live")
                .provisionedConcurrentExecutions(1));
        assertAwsError(() -> lambda.putProvisionedConcurrencyConfig(p -> p.functionName(name).qualifier("1")
                        .provisionedConcurrentExecutions(1)), 409, "ResourceConflictException",
                "Version is pointed by a Provisioned Concurrency alias");
        lambda.deleteProvisionedConcurrencyConfig(d -> d.functionName(name).qualifier("live"));
    }

    @Test
    void deletingTheVersion_removesItsConfig() {
        String name = published("versiongone");
        lambda.putProvisionedConcurrencyConfig(p -> p.functionName(name).qualifier("1").provisionedConcurrentExecutions(1));
        int withConfig = lambda.getAccountSettings(r -> { }).accountLimit().unreservedConcurrentExecutions();

        lambda.deleteFunction(d -> d.functionName(name).qualifier("1"));

        assertThat(lambda.listProvisionedConcurrencyConfigs(l -> l.functionName(name)).provisionedConcurrencyConfigs())
                .isEmpty();
        assertThat(lambda.getAccountSettings(r -> { }).accountLimit().unreservedConcurrentExecutions())
                .isEqualTo(withConfig + 1);
    }

    @Test
    void anAliasMovedToAnotherVersion_takesItsProvisionedEnvironmentsAlong() {
        String name = uniqueName("moving");
        byte[] zip = dev.hearth.testing.Zips.of(java.util.Map.of("app.py", """
                import os
                def handler(event, context):
                    return os.environ["AWS_LAMBDA_INITIALIZATION_TYPE"] + " " + os.environ["AWS_LAMBDA_FUNCTION_VERSION"]
                """));
        lambda.createFunction(Fixtures.createRequest(name, zip).handler("app.handler").build());
        Fixtures.awaitSettled(lambda, name);
        lambda.publishVersion(p -> p.functionName(name));
        lambda.updateFunctionConfiguration(u -> u.functionName(name).description("second"));
        Fixtures.awaitSettled(lambda, name);
        lambda.publishVersion(p -> p.functionName(name));
        lambda.createAlias(a -> a.functionName(name).name("live").functionVersion("1"));
        lambda.putProvisionedConcurrencyConfig(p -> p.functionName(name).qualifier("live")
                .provisionedConcurrentExecutions(1));
        awaitStatus(name, "live", ProvisionedConcurrencyStatusEnum.READY);

        lambda.updateAlias(u -> u.functionName(name).name("live").functionVersion("2"));

        // Provisioned environments are leased before on-demand ones, so once version 2's is up, it answers.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> lambda.invoke(i -> i.functionName(name).qualifier("live")).payload().asUtf8String(),
                        body -> body.equals("\"provisioned-concurrency 2\""));
        lambda.deleteProvisionedConcurrencyConfig(d -> d.functionName(name).qualifier("live"));
    }

    @Test
    void deletingTheAlias_removesItsConfig() {
        String name = published("aliasgone");
        lambda.createAlias(a -> a.functionName(name).name("live").functionVersion("1"));
        lambda.putProvisionedConcurrencyConfig(p -> p.functionName(name).qualifier("live")
                .provisionedConcurrentExecutions(1));

        lambda.deleteAlias(d -> d.functionName(name).name("live"));
        lambda.createAlias(a -> a.functionName(name).name("live").functionVersion("1"));

        assertThat(lambda.listProvisionedConcurrencyConfigs(l -> l.functionName(name)).provisionedConcurrencyConfigs())
                .isEmpty();
        assertAwsError(() -> lambda.getProvisionedConcurrencyConfig(g -> g.functionName(name).qualifier("live")), 404,
                "ProvisionedConcurrencyConfigNotFoundException", NOT_FOUND);
    }
}
