package dev.hearth.api;

import dev.hearth.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.FunctionVersion;
import software.amazon.awssdk.services.lambda.model.ListVersionsByFunctionResponse;
import software.amazon.awssdk.services.lambda.model.PublishVersionResponse;

import java.util.ArrayList;
import java.util.List;

import static dev.hearth.api.Fixtures.arn;
import static dev.hearth.api.Fixtures.assertAwsError;
import static dev.hearth.api.Fixtures.assertInvalidParameter;
import static dev.hearth.api.Fixtures.assertNotFound;
import static dev.hearth.api.Fixtures.awaitSettled;
import static dev.hearth.api.Fixtures.createActive;
import static dev.hearth.api.Fixtures.functionNotFound;
import static dev.hearth.api.Fixtures.otherZip;
import static dev.hearth.api.Fixtures.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

/** PublishVersion, ListVersionsByFunction, and versions as qualifiers of GetFunction and DeleteFunction. */
class VersionsTest {
    static final String REVISION_MISMATCH = "The Revision Id provided does not match the latest Revision Id."
            + " Call the GetFunction/GetAlias API to retrieve the latest Revision Id";

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

    private static void changeDescription(String name, String description) {
        lambda.updateFunctionConfiguration(u -> u.functionName(name).description(description));
        awaitSettled(lambda, name);
    }

    @Test
    void publishVersion_ofAnActiveFunction_answers201WithVersion1UnderItsQualifiedArn() {
        String name = uniqueName("publish");
        var latest = createActive(lambda, name);

        PublishVersionResponse v = lambda.publishVersion(p -> p.functionName(name).description("first"));

        assertThat(v.sdkHttpResponse().statusCode()).isEqualTo(201);
        assertThat(v.version()).isEqualTo("1");
        assertThat(v.functionArn()).isEqualTo(arn(name) + ":1");
        assertThat(v.description()).isEqualTo("first");
        assertThat(v.codeSha256()).isEqualTo(latest.codeSha256());
        assertThat(v.stateAsString()).isEqualTo("Active");
        assertThat(v.lastUpdateStatusAsString()).isEqualTo("Successful");
        assertThat(v.revisionId()).isNotEqualTo(latest.revisionId());
        assertThat(lambda.getFunctionConfiguration(g -> g.functionName(name)).description()).isEmpty();
    }

    @Test
    void publishVersion_whenNothingChangedSinceTheLastVersion_returnsThatVersion() {
        String name = uniqueName("publish-same");
        createActive(lambda, name);
        PublishVersionResponse first = lambda.publishVersion(p -> p.functionName(name));

        PublishVersionResponse again = lambda.publishVersion(p -> p.functionName(name).description("ignored"));

        assertThat(again.version()).isEqualTo("1");
        assertThat(again.revisionId()).isEqualTo(first.revisionId());
        assertThat(versions(name)).containsExactly("$LATEST", "1");
    }

    @Test
    void publishVersion_neverReusesTheNumberOfADeletedVersion() {
        String name = uniqueName("publish-numbers");
        createActive(lambda, name);
        lambda.publishVersion(p -> p.functionName(name));
        changeDescription(name, "two");
        assertThat(lambda.publishVersion(p -> p.functionName(name)).version()).isEqualTo("2");

        lambda.deleteFunction(d -> d.functionName(name).qualifier("2"));
        changeDescription(name, "three");

        assertThat(lambda.publishVersion(p -> p.functionName(name)).version()).isEqualTo("3");
        assertThat(versions(name)).containsExactly("$LATEST", "1", "3");
    }

    @Test
    void publishVersion_withAStaleRevisionId_isPreconditionFailed_andPublishesNothing() {
        String name = uniqueName("publish-revision");
        createActive(lambda, name);

        assertAwsError(() -> lambda.publishVersion(p -> p.functionName(name).revisionId("stale")), 412,
                "PreconditionFailedException", REVISION_MISMATCH);
        assertThat(versions(name)).containsExactly("$LATEST");
    }

    @Test
    void publishVersion_withADifferentCodeSha256_isRefusedWithAwsMessage() {
        String name = uniqueName("publish-sha");
        String sha = createActive(lambda, name).codeSha256();

        assertInvalidParameter(() -> lambda.publishVersion(p -> p.functionName(name).codeSha256("nope")),
                "CodeSHA256 (nope) is different from current CodeSHA256 in $LATEST (" + sha + ")."
                        + " Please try again with the CodeSHA256 in $LATEST.");
        assertThat(lambda.publishVersion(p -> p.functionName(name).codeSha256(sha)).version()).isEqualTo("1");
    }

    @Test
    void publishVersion_ofAMissingFunction_isNotFound() {
        String name = uniqueName("publish-missing");

        assertNotFound(() -> lambda.publishVersion(p -> p.functionName(name)), functionNotFound(name));
    }

    @Test
    void aPublishedVersion_keepsItsConfigurationAndCode_whenLatestChanges() {
        String name = uniqueName("immutable");
        var original = createActive(lambda, name);
        lambda.publishVersion(p -> p.functionName(name));

        lambda.updateFunctionConfiguration(u -> u.functionName(name).timeout(30).description("changed"));
        awaitSettled(lambda, name);
        lambda.updateFunctionCode(u -> u.functionName(name).zipFile(SdkBytes.fromByteArray(otherZip())));
        awaitSettled(lambda, name);

        var v1 = lambda.getFunction(g -> g.functionName(name).qualifier("1")).configuration();
        assertThat(v1.timeout()).isEqualTo(original.timeout());
        assertThat(v1.description()).isEmpty();
        assertThat(v1.codeSha256()).isEqualTo(original.codeSha256());
        assertThat(v1.functionArn()).isEqualTo(arn(name) + ":1");
        assertThat(v1.version()).isEqualTo("1");
        assertThat(v1.stateAsString()).isEqualTo("Active");
        var viaArn = lambda.getFunctionConfiguration(g -> g.functionName(arn(name) + ":1"));
        assertThat(viaArn.timeout()).isEqualTo(original.timeout());
        assertThat(lambda.getFunctionConfiguration(g -> g.functionName(name)).timeout()).isEqualTo(30);
    }

    @Test
    void updateFunctionConfiguration_ofAVersion_isRefused() {
        String name = uniqueName("update-version");
        createActive(lambda, name);
        lambda.publishVersion(p -> p.functionName(name));

        assertInvalidParameter(() -> lambda.updateFunctionConfiguration(u -> u.functionName(arn(name) + ":1")
                        .timeout(9)),
                "Current operation does not support versions other than $LATEST."
                        + " Please set version to $LATEST or do not set a version in your request.");
    }

    @Test
    void listVersionsByFunction_pagesWithMaxItemsAndMarker_latestFirstThenByNumber() {
        String name = uniqueName("list-versions");
        createActive(lambda, name);
        for (int i = 1; i <= 3; i++) {
            String d = "v" + i;
            changeDescription(name, d);
            lambda.publishVersion(p -> p.functionName(name));
        }

        List<String> seen = new ArrayList<>();
        String marker = null;
        int pages = 0;
        do {
            String m = marker;
            ListVersionsByFunctionResponse page = lambda.listVersionsByFunction(l -> l.functionName(name)
                    .maxItems(3).marker(m));
            page.versions().forEach(v -> seen.add(v.version()));
            page.versions().forEach(v -> assertThat(v.functionArn()).isEqualTo(arn(name) + ":" + v.version()));
            marker = page.nextMarker();
            pages++;
        } while (marker != null);

        assertThat(seen).containsExactly("$LATEST", "1", "2", "3");
        assertThat(pages).isEqualTo(2);
    }

    @Test
    void listVersionsByFunction_ofAMissingFunction_isNotFound() {
        String name = uniqueName("list-missing");

        assertNotFound(() -> lambda.listVersionsByFunction(l -> l.functionName(name)), functionNotFound(name));
    }

    @Test
    void listFunctions_withFunctionVersionAll_includesPublishedVersions() {
        String name = uniqueName("list-all");
        createActive(lambda, name);
        lambda.publishVersion(p -> p.functionName(name));

        List<FunctionConfiguration> mine = lambda.listFunctionsPaginator(l -> l.functionVersion(FunctionVersion.ALL))
                .functions().stream().filter(f -> f.functionName().equals(name)).toList();

        assertThat(mine).extracting(FunctionConfiguration::functionArn)
                .containsExactly(arn(name) + ":$LATEST", arn(name) + ":1");
    }

    @Test
    void deleteFunction_withAVersionQualifier_deletesOnlyThatVersion() {
        String name = uniqueName("delete-version");
        createActive(lambda, name);
        lambda.publishVersion(p -> p.functionName(name));

        lambda.deleteFunction(d -> d.functionName(name).qualifier("1"));

        assertNotFound(() -> lambda.getFunction(g -> g.functionName(name).qualifier("1")),
                "Function not found: " + arn(name) + ":1");
        assertThat(lambda.getFunction(g -> g.functionName(name)).configuration().functionName()).isEqualTo(name);
    }

    @Test
    void deleteFunction_withAnAliasQualifier_isRefusedWithAwsMessage() {
        String name = uniqueName("delete-alias");
        createActive(lambda, name);
        lambda.createAlias(a -> a.functionName(name).name("live").functionVersion("$LATEST"));

        assertInvalidParameter(() -> lambda.deleteFunction(d -> d.functionName(name).qualifier("live")),
                "Deletion of aliases is not currently supported.");
    }

    @Test
    void deleteFunction_ofAVersionAnAliasRoutesTo_isAConflictNamingTheAliases() {
        String name = uniqueName("delete-referenced");
        createActive(lambda, name);
        lambda.publishVersion(p -> p.functionName(name));
        changeDescription(name, "two");
        lambda.publishVersion(p -> p.functionName(name));
        lambda.createAlias(a -> a.functionName(name).name("live").functionVersion("1"));
        lambda.createAlias(a -> a.functionName(name).name("canary").functionVersion("2")
                .routingConfig(r -> r.additionalVersionWeights(java.util.Map.of("1", 0.1))));

        assertAwsError(() -> lambda.deleteFunction(d -> d.functionName(name).qualifier("1")), 409,
                "ResourceConflictException", "Unable to delete version because the following aliases reference it:"
                        + " [canary, live]");
        assertThat(versions(name)).containsExactly("$LATEST", "1", "2");
    }

    @Test
    void deleteFunction_unqualified_removesEveryVersionAndAlias() {
        String name = uniqueName("delete-all");
        createActive(lambda, name);
        lambda.publishVersion(p -> p.functionName(name));
        lambda.createAlias(a -> a.functionName(name).name("live").functionVersion("1"));

        lambda.deleteFunction(d -> d.functionName(name));
        createActive(lambda, name);

        assertThat(versions(name)).containsExactly("$LATEST");
        assertThat(lambda.listAliases(l -> l.functionName(name)).aliases()).isEmpty();
        assertThat(lambda.publishVersion(p -> p.functionName(name)).version()).isEqualTo("1");
    }

    @Test
    void invoke_ofAVersionThatDoesNotExist_isNotFoundWithTheQualifiedArn() {
        String name = uniqueName("invoke-missing-version");
        createActive(lambda, name);

        assertNotFound(() -> lambda.invoke(i -> i.functionName(name).qualifier("7")),
                "Function not found: " + arn(name) + ":7");
        assertInvalidParameter(() -> lambda.invoke(i -> i.functionName(arn(name) + ":1").qualifier("2")),
                "The derived qualifier from the function name does not match the specified qualifier.");
    }

    @Test
    void invoke_withAMalformedQualifier_isAValidationError() {
        String name = uniqueName("invoke-bad-qualifier");
        createActive(lambda, name);

        assertAwsError(() -> lambda.invoke(i -> i.functionName(name).qualifier("a.b")), 400, "ValidationException",
                "1 validation error detected: Value 'a.b' at 'qualifier' failed to satisfy constraint: Member must"
                        + " satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)");
    }

    private static List<String> versions(String name) {
        return lambda.listVersionsByFunction(l -> l.functionName(name)).versions().stream()
                .map(FunctionConfiguration::version).toList();
    }
}
