package dev.hearth.api;

import dev.hearth.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.DeleteFunctionResponse;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

import java.util.Map;

import static dev.hearth.api.Fixtures.arn;
import static dev.hearth.api.Fixtures.assertAwsError;
import static dev.hearth.api.Fixtures.assertInvalidParameter;
import static dev.hearth.api.Fixtures.assertNotFound;
import static dev.hearth.api.Fixtures.create;
import static dev.hearth.api.Fixtures.createActive;
import static dev.hearth.api.Fixtures.createRequest;
import static dev.hearth.api.Fixtures.functionCount;
import static dev.hearth.api.Fixtures.functionNotFound;
import static dev.hearth.api.Fixtures.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

/** DeleteFunction: 204, then gone; qualifiers; what a delete frees. */
class DeleteFunctionTest {
    private static TestNode node;
    private static LambdaClient lambda;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        lambda = node.lambda();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void deleteFunction_returns204_thenTheFunctionIsGone_andASecondDeleteIsNotFound() {
        String name = uniqueName("delete");
        createActive(lambda, name);

        DeleteFunctionResponse r = lambda.deleteFunction(d -> d.functionName(name));

        assertThat(r.sdkHttpResponse().statusCode()).isEqualTo(204);
        assertNotFound(() -> lambda.getFunction(g -> g.functionName(name)), functionNotFound(name));
        assertNotFound(() -> lambda.getFunctionConfiguration(g -> g.functionName(name)), functionNotFound(name));
        var second = assertAwsError(() -> lambda.deleteFunction(d -> d.functionName(name)), 404,
                "ResourceNotFoundException", functionNotFound(name));
        assertThat(second).isInstanceOf(ResourceNotFoundException.class);
        assertThat(lambda.listFunctions(l -> l.maxItems(10_000)).functions())
                .noneMatch(f -> f.functionName().equals(name));
    }

    @Test
    void deleteFunction_whilePending_succeeds() {
        String name = uniqueName("delete-pending");
        create(lambda, name);

        assertThat(lambda.deleteFunction(d -> d.functionName(name)).sdkHttpResponse().statusCode()).isEqualTo(204);
        assertNotFound(() -> lambda.getFunction(g -> g.functionName(name)), functionNotFound(name));
    }

    @Test
    void deleteFunction_byArn_deletesIt() {
        String name = uniqueName("delete-arn");
        create(lambda, name);

        lambda.deleteFunction(d -> d.functionName(arn(name)));

        assertNotFound(() -> lambda.getFunction(g -> g.functionName(name)), functionNotFound(name));
    }

    @Test
    void deleteFunction_withLatestQualifier_isRefusedAndKeepsTheFunction() {
        String name = uniqueName("delete-latest");
        create(lambda, name);

        assertInvalidParameter(() -> lambda.deleteFunction(d -> d.functionName(name).qualifier("$LATEST")),
                "$LATEST version cannot be deleted without deleting the function.");

        assertThat(lambda.getFunction(g -> g.functionName(name)).configuration().functionName()).isEqualTo(name);
    }

    @Test
    void deleteFunction_withLatestInTheArnAndAsQualifier_isRefusedEvenForAMissingFunction() {
        String name = uniqueName("delete-latest-arn");

        assertInvalidParameter(() -> lambda.deleteFunction(d -> d.functionName(arn(name) + ":$LATEST")
                        .qualifier("$LATEST")),
                "$LATEST version cannot be deleted without deleting the function.");
    }

    @Test
    void deleteFunction_withANumericQualifierThatDoesNotExist_succeedsAndKeepsTheFunction() {
        String name = uniqueName("delete-version");
        create(lambda, name);

        DeleteFunctionResponse r = lambda.deleteFunction(d -> d.functionName(name).qualifier("1233"));
        lambda.deleteFunction(d -> d.functionName(name).qualifier("1233"));

        assertThat(r.sdkHttpResponse().statusCode()).isEqualTo(204);
        assertThat(lambda.getFunction(g -> g.functionName(name)).configuration().functionName()).isEqualTo(name);
    }

    @Test
    void deleteFunction_withANumericQualifierOnAMissingFunction_isNotFoundWithTheUnqualifiedArn() {
        String name = uniqueName("delete-version-missing");

        assertNotFound(() -> lambda.deleteFunction(d -> d.functionName(name).qualifier("1233")), functionNotFound(name));
    }

    @Test
    void deleteFunction_withQualifierDifferentFromTheArnsQualifier_isRejected() {
        String name = uniqueName("delete-mismatch");
        create(lambda, name);

        assertInvalidParameter(() -> lambda.deleteFunction(d -> d.functionName(arn(name) + ":1").qualifier("$LATEST")),
                "The derived qualifier from the function name does not match the specified qualifier.");
        assertThat(lambda.getFunction(g -> g.functionName(name)).configuration().functionName()).isEqualTo(name);
    }

    @Test
    void deleteFunction_reducesTheAccountUsage() {
        String name = uniqueName("delete-usage");
        create(lambda, name);
        var before = lambda.getAccountSettings(r -> { }).accountUsage();

        lambda.deleteFunction(d -> d.functionName(name));

        var after = lambda.getAccountSettings(r -> { }).accountUsage();
        assertThat(after.functionCount()).isEqualTo(before.functionCount() - 1);
        assertThat(after.totalCodeSize()).isLessThan(before.totalCodeSize());
        assertThat(functionCount(lambda)).isEqualTo(after.functionCount());
    }

    @Test
    void deleteFunction_thenCreateTheSameName_startsAfreshWithoutTheOldTags() {
        String name = uniqueName("recreate");
        lambda.createFunction(createRequest(name).tags(Map.of("old", "tag")).description("old").build());
        lambda.deleteFunction(d -> d.functionName(name));

        var r = lambda.createFunction(createRequest(name).build());

        assertThat(r.sdkHttpResponse().statusCode()).isEqualTo(201);
        assertThat(r.description()).isEmpty();
        assertThat(lambda.getFunction(g -> g.functionName(name)).hasTags()).isFalse();
        assertThat(lambda.listTags(t -> t.resource(arn(name))).tags()).isEmpty();
    }
}
