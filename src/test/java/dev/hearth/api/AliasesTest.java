package dev.hearth.api;

import dev.hearth.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AliasConfiguration;
import software.amazon.awssdk.services.lambda.model.CreateAliasResponse;
import software.amazon.awssdk.services.lambda.model.ListAliasesResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.hearth.api.Fixtures.arn;
import static dev.hearth.api.Fixtures.assertAwsError;
import static dev.hearth.api.Fixtures.assertInvalidParameter;
import static dev.hearth.api.Fixtures.assertNotFound;
import static dev.hearth.api.Fixtures.assertValidation;
import static dev.hearth.api.Fixtures.awaitSettled;
import static dev.hearth.api.Fixtures.createActive;
import static dev.hearth.api.Fixtures.functionNotFound;
import static dev.hearth.api.Fixtures.oneValidationError;
import static dev.hearth.api.Fixtures.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

/** CreateAlias, GetAlias, UpdateAlias, DeleteAlias, ListAliases, and aliases as qualifiers of GetFunction. */
class AliasesTest {
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

    /** A function with versions 1 and 2 published (different descriptions). */
    private static String withTwoVersions(String prefix) {
        String name = uniqueName(prefix);
        createActive(lambda, name);
        lambda.publishVersion(p -> p.functionName(name));
        lambda.updateFunctionConfiguration(u -> u.functionName(name).description("second"));
        awaitSettled(lambda, name);
        lambda.publishVersion(p -> p.functionName(name));
        return name;
    }

    @Test
    void createAlias_answers201WithAwsShape_andGetAliasReturnsTheSame() {
        String name = withTwoVersions("alias-create");
        String latestRevision = lambda.getFunctionConfiguration(g -> g.functionName(name)).revisionId();

        CreateAliasResponse created = lambda.createAlias(a -> a.functionName(name).name("live").functionVersion("1")
                .description("production"));

        assertThat(created.sdkHttpResponse().statusCode()).isEqualTo(201);
        assertThat(created.aliasArn()).isEqualTo(arn(name) + ":live");
        assertThat(created.name()).isEqualTo("live");
        assertThat(created.functionVersion()).isEqualTo("1");
        assertThat(created.description()).isEqualTo("production");
        assertThat(created.routingConfig()).isNull();
        assertThat(created.revisionId()).isNotBlank();
        var got = lambda.getAlias(g -> g.functionName(name).name("live"));
        assertThat(got.aliasArn()).isEqualTo(created.aliasArn());
        assertThat(got.revisionId()).isEqualTo(created.revisionId());
        assertThat(lambda.getFunctionConfiguration(g -> g.functionName(name)).revisionId()).isEqualTo(latestRevision);
    }

    @Test
    void createAlias_withWeights_reportsTheRoutingConfig() {
        String name = withTwoVersions("alias-weights");

        CreateAliasResponse created = lambda.createAlias(a -> a.functionName(name).name("canary").functionVersion("2")
                .routingConfig(r -> r.additionalVersionWeights(Map.of("1", 0.3))));

        assertThat(created.routingConfig().additionalVersionWeights()).containsExactly(Map.entry("1", 0.3));
    }

    @Test
    void createAlias_twice_isAConflictWithTheAliasArn() {
        String name = withTwoVersions("alias-twice");
        lambda.createAlias(a -> a.functionName(name).name("live").functionVersion("1"));

        assertAwsError(() -> lambda.createAlias(a -> a.functionName(name).name("live").functionVersion("2")), 409,
                "ResourceConflictException", "Alias already exists: " + arn(name) + ":live");
    }

    @Test
    void createAlias_forAVersionOrFunctionThatDoesNotExist_isNotFound() {
        String name = withTwoVersions("alias-missing");

        assertNotFound(() -> lambda.createAlias(a -> a.functionName(name).name("live").functionVersion("9")),
                "Function not found: " + arn(name) + ":9");
        String missing = uniqueName("alias-no-function");
        assertNotFound(() -> lambda.createAlias(a -> a.functionName(missing).name("live").functionVersion("1")),
                functionNotFound(missing));
    }

    @Test
    void createAlias_withANumericOrMalformedName_isAValidationError() {
        String name = withTwoVersions("alias-name");
        String pattern = "Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)";

        assertValidation(() -> lambda.createAlias(a -> a.functionName(name).name("123").functionVersion("1")),
                oneValidationError("123", "name", pattern));
        assertValidation(() -> lambda.createAlias(a -> a.functionName(name).name("a.b").functionVersion("1")),
                oneValidationError("a.b", "name", pattern));
        String longName = "a".repeat(129);
        assertValidation(() -> lambda.createAlias(a -> a.functionName(name).name(longName).functionVersion("1")),
                oneValidationError(longName, "name", "Member must have length less than or equal to 128"));
    }

    @Test
    void createAlias_withWeightsOnLatest_isRefusedWithoutType() {
        String name = withTwoVersions("alias-latest-weights");

        var e = assertAwsError(() -> lambda.createAlias(a -> a.functionName(name).name("x").functionVersion("$LATEST")
                        .routingConfig(r -> r.additionalVersionWeights(Map.of("1", 0.5)))), 400,
                "InvalidParameterValueException", "$LATEST is not supported for an alias pointing to more than 1 version");
        assertThat(e.awsErrorDetails().rawResponse().asUtf8String()).doesNotContain("\"Type\"");
    }

    @Test
    void createAlias_withInvalidRoutingConfigs_isRefusedAsAws() {
        String name = withTwoVersions("alias-bad-weights");

        assertInvalidParameter(() -> lambda.createAlias(a -> a.functionName(name).name("x").functionVersion("1")
                        .routingConfig(r -> r.additionalVersionWeights(Map.of("1", 0.5)))),
                "Invalid function version 1. Function version 1 is already included in routing configuration.");
        assertInvalidParameter(() -> lambda.createAlias(a -> a.functionName(name).name("x").functionVersion("1")
                        .routingConfig(r -> r.additionalVersionWeights(Map.of("2", 0.2, "3", 0.1)))),
                "Number of items in AdditionalVersionWeights cannot be greater than 1");
        assertValidation(() -> lambda.createAlias(a -> a.functionName(name).name("x").functionVersion("1")
                        .routingConfig(r -> r.additionalVersionWeights(Map.of("2", 1.5)))),
                "1 validation error detected: Value '{2=1.5}' at 'routingConfig.additionalVersionWeights' failed to"
                        + " satisfy constraint: Map value must satisfy constraint: [Member must have value less than or"
                        + " equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]");
        assertNotFound(() -> lambda.createAlias(a -> a.functionName(name).name("x").functionVersion("1")
                        .routingConfig(r -> r.additionalVersionWeights(Map.of("7", 0.5)))),
                "Function not found: " + arn(name) + ":7");
        assertThat(lambda.listAliases(l -> l.functionName(name)).aliases()).isEmpty();
    }

    @Test
    void updateAlias_changesVersionAndRevision_andAStaleRevisionIsPreconditionFailed() {
        String name = withTwoVersions("alias-update");
        CreateAliasResponse created = lambda.createAlias(a -> a.functionName(name).name("live").functionVersion("1")
                .description("keep"));

        var updated = lambda.updateAlias(u -> u.functionName(name).name("live").functionVersion("2")
                .revisionId(created.revisionId()).routingConfig(r -> r.additionalVersionWeights(Map.of("1", 0.25))));

        assertThat(updated.functionVersion()).isEqualTo("2");
        assertThat(updated.description()).isEqualTo("keep");
        assertThat(updated.routingConfig().additionalVersionWeights()).containsExactly(Map.entry("1", 0.25));
        assertThat(updated.revisionId()).isNotEqualTo(created.revisionId());
        assertAwsError(() -> lambda.updateAlias(u -> u.functionName(name).name("live").functionVersion("1")
                .revisionId(created.revisionId())), 412, "PreconditionFailedException", VersionsTest.REVISION_MISMATCH);
        var cleared = lambda.updateAlias(u -> u.functionName(name).name("live")
                .routingConfig(r -> r.additionalVersionWeights(Map.of())));
        assertThat(cleared.routingConfig()).isNull();
    }

    @Test
    void updateAlias_ofAMissingAlias_isNotFound() {
        String name = withTwoVersions("alias-update-missing");

        assertNotFound(() -> lambda.updateAlias(u -> u.functionName(name).name("nope").functionVersion("1")),
                "Cannot find alias arn: " + arn(name) + ":nope");
    }

    @Test
    void deleteAlias_returns204_thenGetAliasIsNotFound_andASecondDeleteSucceeds() {
        String name = withTwoVersions("alias-delete");
        lambda.createAlias(a -> a.functionName(name).name("live").functionVersion("1"));

        assertThat(lambda.deleteAlias(d -> d.functionName(name).name("live")).sdkHttpResponse().statusCode())
                .isEqualTo(204);

        assertNotFound(() -> lambda.getAlias(g -> g.functionName(name).name("live")),
                "Cannot find alias arn: " + arn(name) + ":live");
        lambda.deleteAlias(d -> d.functionName(name).name("live"));
        lambda.deleteFunction(d -> d.functionName(name).qualifier("1"));
    }

    @Test
    void listAliases_filtersByFunctionVersion_andPages() {
        String name = withTwoVersions("alias-list");
        for (String alias : List.of("a1", "a2", "a3")) {
            lambda.createAlias(a -> a.functionName(name).name(alias).functionVersion("1"));
        }
        lambda.createAlias(a -> a.functionName(name).name("b-two").functionVersion("2"));

        List<String> seen = new ArrayList<>();
        String marker = null;
        do {
            String m = marker;
            ListAliasesResponse page = lambda.listAliases(l -> l.functionName(name).maxItems(2).marker(m));
            page.aliases().forEach(a -> seen.add(a.name()));
            marker = page.nextMarker();
        } while (marker != null);

        assertThat(seen).containsExactly("a1", "a2", "a3", "b-two");
        assertThat(lambda.listAliases(l -> l.functionName(name).functionVersion("2")).aliases())
                .extracting(AliasConfiguration::name).containsExactly("b-two");
    }

    @Test
    void getFunction_withAnAliasQualifierOrAliasArn_reportsTheAliasArnAndTheVersionItPointsTo() {
        String name = withTwoVersions("alias-get-function");
        lambda.createAlias(a -> a.functionName(name).name("live").functionVersion("1"));

        var viaQualifier = lambda.getFunction(g -> g.functionName(name).qualifier("live")).configuration();
        var viaArn = lambda.getFunctionConfiguration(g -> g.functionName(arn(name) + ":live"));

        assertThat(viaQualifier.functionArn()).isEqualTo(arn(name) + ":live");
        assertThat(viaQualifier.version()).isEqualTo("1");
        assertThat(viaQualifier.description()).isEmpty();
        assertThat(viaArn.functionArn()).isEqualTo(arn(name) + ":live");
        assertThat(viaArn.version()).isEqualTo("1");
    }
}
