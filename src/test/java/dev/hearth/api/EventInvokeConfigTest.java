package dev.hearth.api;

import dev.hearth.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionEventInvokeConfig;
import software.amazon.awssdk.services.lambda.model.GetFunctionEventInvokeConfigResponse;
import software.amazon.awssdk.services.lambda.model.ListFunctionEventInvokeConfigsResponse;
import software.amazon.awssdk.services.lambda.model.PutFunctionEventInvokeConfigResponse;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionEventInvokeConfigResponse;

import java.time.Instant;

import static dev.hearth.api.Fixtures.arn;
import static dev.hearth.api.Fixtures.assertInvalidParameter;
import static dev.hearth.api.Fixtures.assertNotFound;
import static dev.hearth.api.Fixtures.assertValidation;
import static dev.hearth.api.Fixtures.createActive;
import static dev.hearth.api.Fixtures.oneValidationError;
import static dev.hearth.api.Fixtures.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Put/Get/Update/Delete/ListFunctionEventInvokeConfig(s) with the AWS SDK: shapes, merge rules, errors. */
class EventInvokeConfigTest {

    private static final String QUEUE = "arn:aws:sqs:us-east-1:000000000000:records";
    private static TestNode node;
    private static LambdaClient lambda;

    /** The node has an SQS endpoint (never reached here: these tests only store configs). */
    @BeforeAll
    static void start(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        node = TestNode.start(dir, c -> c.withAsync(c.async().withSqsEndpoint("http://127.0.0.1:9")));
        lambda = node.lambda();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static String function() {
        String name = uniqueName("eic");
        createActive(lambda, name);
        return name;
    }

    private static String missingConfig(String name) {
        return "The function " + arn(name) + ":$LATEST doesn't have an EventInvokeConfig";
    }

    @Test
    void put_answersTheConfig_underTheQualifiedArn_andGetReadsItBack() {
        String name = function();
        Instant before = Instant.now().minusSeconds(1);

        PutFunctionEventInvokeConfigResponse put = lambda.putFunctionEventInvokeConfig(b -> b.functionName(name)
                .maximumRetryAttempts(1).maximumEventAgeInSeconds(3600)
                .destinationConfig(d -> d.onFailure(f -> f.destination(QUEUE))));

        assertThat(put.functionArn()).isEqualTo(arn(name) + ":$LATEST");
        assertThat(put.maximumRetryAttempts()).isEqualTo(1);
        assertThat(put.maximumEventAgeInSeconds()).isEqualTo(3600);
        assertThat(put.destinationConfig().onFailure().destination()).isEqualTo(QUEUE);
        assertThat(put.destinationConfig().onSuccess().destination()).isNull();
        assertThat(put.lastModified()).isAfter(before).isBefore(Instant.now().plusSeconds(1));
        GetFunctionEventInvokeConfigResponse got = lambda.getFunctionEventInvokeConfig(b -> b.functionName(name));
        assertThat(got.functionArn()).isEqualTo(put.functionArn());
        assertThat(got.destinationConfig()).isEqualTo(put.destinationConfig());
        assertThat(got.maximumRetryAttempts()).isEqualTo(1);
        GetFunctionEventInvokeConfigResponse qualified = lambda.getFunctionEventInvokeConfig(b -> b.functionName(name)
                .qualifier("$LATEST"));
        assertThat(qualified.maximumEventAgeInSeconds()).isEqualTo(3600);
    }

    @Test
    void put_replacesTheWholeConfig_whileUpdateChangesOnlyWhatItSends() {
        String name = function();
        lambda.putFunctionEventInvokeConfig(b -> b.functionName(name).maximumRetryAttempts(0)
                .destinationConfig(d -> d.onSuccess(s -> s.destination(QUEUE))));

        UpdateFunctionEventInvokeConfigResponse updated = lambda.updateFunctionEventInvokeConfig(b -> b
                .functionName(name).maximumEventAgeInSeconds(120));
        assertThat(updated.maximumRetryAttempts()).isZero();
        assertThat(updated.maximumEventAgeInSeconds()).isEqualTo(120);
        assertThat(updated.destinationConfig().onSuccess().destination()).isEqualTo(QUEUE);

        PutFunctionEventInvokeConfigResponse replaced = lambda.putFunctionEventInvokeConfig(b -> b.functionName(name)
                .maximumEventAgeInSeconds(300));
        assertThat(replaced.maximumRetryAttempts()).isNull();
        assertThat(replaced.destinationConfig().onSuccess().destination()).isNull();
        assertThat(lambda.getFunctionEventInvokeConfig(b -> b.functionName(name)).maximumEventAgeInSeconds())
                .isEqualTo(300);
    }

    @Test
    void getUpdateAndDelete_withoutAConfig_areNotFound_withAwsMessage() {
        String name = function();

        assertNotFound(() -> lambda.getFunctionEventInvokeConfig(b -> b.functionName(name)), missingConfig(name));
        assertNotFound(() -> lambda.updateFunctionEventInvokeConfig(b -> b.functionName(name).maximumRetryAttempts(1)),
                missingConfig(name));
        assertNotFound(() -> lambda.deleteFunctionEventInvokeConfig(b -> b.functionName(name)), missingConfig(name));
    }

    @Test
    void delete_removesTheConfig() {
        String name = function();
        lambda.putFunctionEventInvokeConfig(b -> b.functionName(name).maximumRetryAttempts(2));

        lambda.deleteFunctionEventInvokeConfig(b -> b.functionName(name));

        assertNotFound(() -> lambda.getFunctionEventInvokeConfig(b -> b.functionName(name)), missingConfig(name));
    }

    @Test
    void list_givesTheFunctionsConfigs() {
        String name = function();
        assertThat(lambda.listFunctionEventInvokeConfigs(b -> b.functionName(name)).functionEventInvokeConfigs())
                .isEmpty();
        lambda.putFunctionEventInvokeConfig(b -> b.functionName(name).maximumRetryAttempts(2));

        ListFunctionEventInvokeConfigsResponse list = lambda.listFunctionEventInvokeConfigs(b -> b.functionName(name));

        assertThat(list.functionEventInvokeConfigs()).extracting(FunctionEventInvokeConfig::functionArn)
                .containsExactly(arn(name) + ":$LATEST");
        assertThat(list.nextMarker()).isNull();
    }

    @Test
    void put_outOfRangeValues_areValidationErrors_andChangeNothing() {
        String name = function();
        lambda.putFunctionEventInvokeConfig(b -> b.functionName(name).maximumRetryAttempts(1));

        assertValidation(() -> lambda.putFunctionEventInvokeConfig(b -> b.functionName(name).maximumRetryAttempts(3)),
                oneValidationError(3, "maximumRetryAttempts", "Member must have value less than or equal to 2"));
        assertValidation(() -> lambda.putFunctionEventInvokeConfig(b -> b.functionName(name)
                        .maximumEventAgeInSeconds(59)),
                oneValidationError(59, "maximumEventAgeInSeconds", "Member must have value greater than or equal to 60"));
        assertValidation(() -> lambda.putFunctionEventInvokeConfig(b -> b.functionName(name)
                        .maximumEventAgeInSeconds(21601)),
                oneValidationError(21601, "maximumEventAgeInSeconds",
                        "Member must have value less than or equal to 21600"));
        assertThat(lambda.getFunctionEventInvokeConfig(b -> b.functionName(name)).maximumRetryAttempts()).isEqualTo(1);
    }

    @Test
    void put_withADestinationHearthCannotReach_orNothingToSet_isRefused() {
        String name = function();

        assertInvalidParameter(() -> lambda.putFunctionEventInvokeConfig(b -> b.functionName(name)
                        .destinationConfig(d -> d.onFailure(f -> f.destination("arn:aws:sns:us-east-1:000000000000:t")))),
                "The destination ARN arn:aws:sns:us-east-1:000000000000:t is not supported: Hearth sends"
                        + " asynchronous invocation records to Lambda functions and SQS queues only.");
        assertInvalidParameter(() -> lambda.putFunctionEventInvokeConfig(b -> b.functionName(name)),
                "You must specify at least one of error handling or destination setting.");
        assertNotFound(() -> lambda.getFunctionEventInvokeConfig(b -> b.functionName(name)), missingConfig(name));
    }

    @Test
    void configOfAMissingFunctionOrVersion_isNotFound() {
        String missing = uniqueName("eic-missing");
        String name = function();

        // The wording is FunctionDirectory.target's, shared with the other qualified operations.
        assertThat(Fixtures.awsError(() -> lambda.putFunctionEventInvokeConfig(b -> b.functionName(missing)
                .maximumRetryAttempts(1))).awsErrorDetails().errorCode()).isEqualTo("ResourceNotFoundException");
        assertThat(Fixtures.awsError(() -> lambda.putFunctionEventInvokeConfig(b -> b.functionName(name)
                .qualifier("42").maximumRetryAttempts(1))).awsErrorDetails().errorCode())
                .isEqualTo("ResourceNotFoundException");
    }

    @Test
    void deletingTheFunction_deletesItsConfig() {
        String name = function();
        lambda.putFunctionEventInvokeConfig(b -> b.functionName(name).maximumRetryAttempts(0));
        lambda.deleteFunction(b -> b.functionName(name));
        createActive(lambda, name);

        assertNotFound(() -> lambda.getFunctionEventInvokeConfig(b -> b.functionName(name)), missingConfig(name));
    }

    @Test
    void deletingAnAliasOrAVersion_deletesItsConfig_soANewAliasOfTheSameNameStartsWithout() {
        String name = function();
        lambda.publishVersion(b -> b.functionName(name));
        lambda.createAlias(b -> b.functionName(name).name("live").functionVersion("1"));
        lambda.putFunctionEventInvokeConfig(b -> b.functionName(name).qualifier("live").maximumRetryAttempts(0));
        lambda.putFunctionEventInvokeConfig(b -> b.functionName(name).qualifier("1").maximumRetryAttempts(1));

        lambda.deleteAlias(b -> b.functionName(name).name("live"));
        lambda.deleteFunction(b -> b.functionName(name).qualifier("1"));
        lambda.createAlias(b -> b.functionName(name).name("live").functionVersion("$LATEST"));

        assertThat(lambda.listFunctionEventInvokeConfigs(b -> b.functionName(name)).functionEventInvokeConfigs())
                .isEmpty();
        assertNotFound(() -> lambda.getFunctionEventInvokeConfig(b -> b.functionName(name).qualifier("live")),
                "The function " + arn(name) + ":live doesn't have an EventInvokeConfig");
    }

    @Test
    void put_withAnSqsDestination_onANodeWithoutAnSqsEndpoint_isRefused_ratherThanDroppedLater() {
        try (TestNode plain = TestNode.start()) {
            LambdaClient client = plain.lambda();
            String name = uniqueName("nosqs");
            createActive(client, name);

            assertThat(catchThrowableOfType(software.amazon.awssdk.services.lambda.model.InvalidParameterValueException.class,
                    () -> client.putFunctionEventInvokeConfig(b -> b.functionName(name)
                            .destinationConfig(d -> d.onFailure(f -> f.destination(QUEUE))))).getMessage())
                    .startsWith("The destination ARN " + QUEUE + " is an SQS queue, and this Hearth node has no SQS"
                            + " endpoint to send to: start it with --sqs-endpoint.");
            assertThat(client.listFunctionEventInvokeConfigs(b -> b.functionName(name)).functionEventInvokeConfigs())
                    .isEmpty();
        }
    }
}
