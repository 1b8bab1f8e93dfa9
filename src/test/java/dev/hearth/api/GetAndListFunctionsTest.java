package dev.hearth.api;

import dev.hearth.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.FunctionVersion;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;
import software.amazon.awssdk.services.lambda.model.ListFunctionsResponse;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.State;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static dev.hearth.api.Fixtures.arn;
import static dev.hearth.api.Fixtures.assertAwsError;
import static dev.hearth.api.Fixtures.assertNotFound;
import static dev.hearth.api.Fixtures.assertValidation;
import static dev.hearth.api.Fixtures.awaitSettled;
import static dev.hearth.api.Fixtures.createActive;
import static dev.hearth.api.Fixtures.createRequest;
import static dev.hearth.api.Fixtures.functionNotFound;
import static dev.hearth.api.Fixtures.oneValidationError;
import static dev.hearth.api.Fixtures.sha256Base64;
import static dev.hearth.api.Fixtures.uniqueName;
import static dev.hearth.api.Fixtures.zip;
import static org.assertj.core.api.Assertions.assertThat;

/** GetFunction, GetFunctionConfiguration and ListFunctions: settled shapes, code download, pagination, errors. */
class GetAndListFunctionsTest {
    private static TestNode node;
    private static LambdaClient lambda;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        node = TestNode.start();
        lambda = node.lambda();
    }

    @AfterAll
    static void stop() {
        node.close();
        http.close();
    }

    // ---- GetFunction / GetFunctionConfiguration ----------------------------------------------------

    @Test
    void getFunction_whenActive_returnsSettledConfigurationCodeLocationAndNoTags() {
        String name = uniqueName("get");
        byte[] zip = zip();
        lambda.createFunction(createRequest(name, zip).build());
        awaitSettled(lambda, name);

        GetFunctionResponse r = lambda.getFunction(g -> g.functionName(name));

        assertThat(r.sdkHttpResponse().statusCode()).isEqualTo(200);
        FunctionConfiguration c = r.configuration();
        assertThat(c.functionName()).isEqualTo(name);
        assertThat(c.functionArn()).isEqualTo(arn(name));
        assertThat(c.state()).isEqualTo(State.ACTIVE);
        assertThat(c.lastUpdateStatus()).isEqualTo(LastUpdateStatus.SUCCESSFUL);
        assertThat(c.stateReason()).isNull();
        assertThat(c.lastUpdateStatusReason()).isNull();
        assertThat(c.codeSha256()).isEqualTo(sha256Base64(zip));
        assertThat(c.codeSize()).isEqualTo(zip.length);
        assertThat(c.version()).isEqualTo("$LATEST");
        assertThat(c.runtimeVersionConfig().runtimeVersionArn()).startsWith("arn:aws:lambda:us-east-1::runtime:");
        assertThat(c.environment()).as("never sent, so absent").isNull();
        assertThat(r.code().repositoryType()).isEqualTo("S3");
        assertThat(r.code().location()).startsWith(node.endpoint().toString());
        assertThat(r.hasTags()).as("no Tags key without tags").isFalse();
    }

    @Test
    void getFunction_codeLocation_downloadsExactlyTheUploadedZip() throws Exception {
        String name = uniqueName("download");
        byte[] zip = zip();
        lambda.createFunction(createRequest(name, zip).build());

        String location = lambda.getFunction(g -> g.functionName(name)).code().location();
        HttpResponse<byte[]> download = http.send(HttpRequest.newBuilder(URI.create(location)).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(zip);
    }

    @Test
    void getFunction_codeLocationWithATamperedSignature_isForbidden() throws Exception {
        String name = uniqueName("tampered");
        lambda.createFunction(createRequest(name).build());
        String location = lambda.getFunction(g -> g.functionName(name)).code().location();
        String tampered = location.substring(0, location.indexOf("Signature=") + "Signature=".length()) + "forged";

        HttpResponse<String> download = http.send(HttpRequest.newBuilder(URI.create(tampered)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(download.statusCode()).isEqualTo(403);
    }

    @Test
    void getFunction_withTags_returnsThem() {
        String name = uniqueName("get-tags");
        lambda.createFunction(createRequest(name).tags(Map.of("key_a", "value_a")).build());

        GetFunctionResponse r = lambda.getFunction(g -> g.functionName(name));

        assertThat(r.tags()).containsExactlyEntriesOf(Map.of("key_a", "value_a"));
    }

    @Test
    void getFunctionConfiguration_returnsTheSameObjectAsGetFunction() {
        String name = uniqueName("get-config");
        createActive(lambda, name);

        GetFunctionConfigurationResponse config = lambda.getFunctionConfiguration(g -> g.functionName(name));
        FunctionConfiguration fromGet = lambda.getFunction(g -> g.functionName(name)).configuration();

        assertThat(config.sdkHttpResponse().statusCode()).isEqualTo(200);
        assertThat(config.functionArn()).isEqualTo(fromGet.functionArn());
        assertThat(config.revisionId()).isEqualTo(fromGet.revisionId());
        assertThat(config.codeSha256()).isEqualTo(fromGet.codeSha256());
        assertThat(config.lastModified()).isEqualTo(fromGet.lastModified());
        assertThat(config.state()).isEqualTo(fromGet.state());
        assertThat(config.lastUpdateStatus()).isEqualTo(fromGet.lastUpdateStatus());
        assertThat(config.runtimeVersionConfig()).isEqualTo(fromGet.runtimeVersionConfig());
        assertThat(config.loggingConfig()).isEqualTo(fromGet.loggingConfig());
    }

    @Test
    void getFunction_ofMissingFunction_isNotFoundWithTheUnqualifiedArn() {
        String name = uniqueName("missing");

        var e = assertAwsError(() -> lambda.getFunction(g -> g.functionName(name)), 404, "ResourceNotFoundException",
                functionNotFound(name));
        assertThat(e).isInstanceOf(ResourceNotFoundException.class);
        assertNotFound(() -> lambda.getFunctionConfiguration(g -> g.functionName(name)), functionNotFound(name));
    }

    @Test
    void getFunction_withVersionQualifierThatDoesNotExist_isNotFoundWithTheQualifiedArn() {
        String name = uniqueName("no-version");
        lambda.createFunction(createRequest(name).build());

        assertNotFound(() -> lambda.getFunction(g -> g.functionName(name).qualifier("1221")),
                "Function not found: " + arn(name) + ":1221");
        assertNotFound(() -> lambda.getFunctionConfiguration(g -> g.functionName(name).qualifier("1221")),
                "Function not found: " + arn(name) + ":1221");
    }

    @Test
    void getFunction_withAliasQualifierThatDoesNotExist_isNotFoundWithTheAliasArn() {
        String name = uniqueName("no-alias");
        lambda.createFunction(createRequest(name).build());

        assertNotFound(() -> lambda.getFunction(g -> g.functionName(name).qualifier("aliasdoesnotexist")),
                "Function not found: " + arn(name) + ":aliasdoesnotexist");
    }

    @Test
    void getFunction_withLatestQualifier_reportsTheQualifiedArn() {
        String name = uniqueName("latest");
        lambda.createFunction(createRequest(name).build());

        assertThat(lambda.getFunction(g -> g.functionName(name).qualifier("$LATEST")).configuration().functionArn())
                .isEqualTo(arn(name) + ":$LATEST");
        assertThat(lambda.getFunctionConfiguration(g -> g.functionName(name).qualifier("$LATEST")).functionArn())
                .isEqualTo(arn(name) + ":$LATEST");
    }

    @Test
    void getFunction_withQualifierOver128Characters_isAValidationError() {
        String name = uniqueName("long-qualifier");
        String qualifier = "q".repeat(129);

        assertValidation(() -> lambda.getFunction(g -> g.functionName(name).qualifier(qualifier)),
                oneValidationError(qualifier, "qualifier", "Member must have length less than or equal to 128"));
    }

    // ---- ListFunctions ----------------------------------------------------------------------------------

    @Test
    void listFunctions_withMaxItems2_pagesThroughEveryFunctionExactlyOnce() {
        String prefix = uniqueName("page");
        List<String> mine = IntStream.rangeClosed(1, 5).mapToObj(i -> prefix + "-" + i).toList();
        mine.forEach(n -> lambda.createFunction(createRequest(n).build()));

        List<String> seen = new ArrayList<>();
        String marker = null;
        int pages = 0;
        do {
            String from = marker;
            ListFunctionsResponse page = lambda.listFunctions(l -> l.maxItems(2).marker(from));
            assertThat(page.sdkHttpResponse().statusCode()).isEqualTo(200);
            assertThat(page.functions()).hasSizeLessThanOrEqualTo(2);
            page.functions().forEach(f -> seen.add(f.functionName()));
            marker = page.nextMarker();
            pages++;
        } while (marker != null && pages < 1000);

        assertThat(seen).doesNotHaveDuplicates();
        assertThat(seen).containsAll(mine);
        assertThat(seen).hasSize(lambda.listFunctions(l -> l.maxItems(10_000)).functions().size());
        assertThat(pages).isGreaterThanOrEqualTo(3);
    }

    @Test
    void listFunctions_lastPage_hasNoNextMarker() {
        lambda.createFunction(createRequest(uniqueName("last-page")).build());

        ListFunctionsResponse all = lambda.listFunctions(l -> l.maxItems(10_000));

        assertThat(all.nextMarker()).isNull();
        assertThat(all.functions()).isNotEmpty();
    }

    @Test
    void listFunctions_throughTheSdkPaginator_seesEveryFunction() {
        String prefix = uniqueName("paginator");
        List<String> mine = IntStream.rangeClosed(1, 3).mapToObj(i -> prefix + "-" + i).toList();
        mine.forEach(n -> lambda.createFunction(createRequest(n).build()));

        List<String> seen = lambda.listFunctionsPaginator(l -> l.maxItems(1)).functions().stream()
                .map(FunctionConfiguration::functionName).toList();

        assertThat(seen).doesNotHaveDuplicates().containsAll(mine);
    }

    @Test
    void listFunctions_items_lackStateLastUpdateStatusAndRuntimeVersionConfig() {
        String name = uniqueName("list-item");
        byte[] zip = zip();
        lambda.createFunction(createRequest(name, zip).build());
        awaitSettled(lambda, name);

        FunctionConfiguration item = find(lambda.listFunctions(l -> l.maxItems(10_000)), name);

        assertThat(item.functionArn()).as("unqualified by default").isEqualTo(arn(name));
        assertThat(item.version()).isEqualTo("$LATEST");
        assertThat(item.codeSha256()).isEqualTo(sha256Base64(zip));
        assertThat(item.codeSize()).isEqualTo(zip.length);
        assertThat(item.state()).isNull();
        assertThat(item.stateReason()).isNull();
        assertThat(item.stateReasonCode()).isNull();
        assertThat(item.lastUpdateStatus()).isNull();
        assertThat(item.lastUpdateStatusReason()).isNull();
        assertThat(item.runtimeVersionConfig()).isNull();
        assertThat(item.environment()).isNull();
        assertThat(item.snapStart()).isNotNull();
        assertThat(item.ephemeralStorage().size()).isEqualTo(512);
        assertThat(item.tracingConfig()).isNotNull();
        assertThat(item.revisionId()).isNotEmpty();
    }

    @Test
    void listFunctions_withFunctionVersionAll_reportsLatestWithQualifiedArns() {
        String name = uniqueName("list-all");
        lambda.createFunction(createRequest(name).build());

        ListFunctionsResponse r = lambda.listFunctions(l -> l.functionVersion(FunctionVersion.ALL).maxItems(10_000));

        FunctionConfiguration item = find(r, name);
        assertThat(item.functionArn()).isEqualTo(arn(name) + ":$LATEST");
        assertThat(item.version()).isEqualTo("$LATEST");
        assertThat(r.functions()).allSatisfy(f -> assertThat(f.functionArn()).endsWith(":$LATEST"));
    }

    @Test
    void listFunctions_withBogusFunctionVersion_isAValidationError() {
        assertValidation(() -> lambda.listFunctions(l -> l.functionVersion("bogus")),
                "1 validation error detected: Value 'bogus' at 'functionVersion' failed to satisfy constraint:"
                        + " Member must satisfy enum value set: [ALL]");
    }

    @Test
    void listFunctions_withMaxItemsZero_isAValidationError() {
        assertValidation(() -> lambda.listFunctions(l -> l.maxItems(0)),
                oneValidationError(0, "maxItems", "Member must have value greater than or equal to 1"));
    }

    @Test
    void listFunctions_withMaxItemsAboveTenThousand_isAValidationError() {
        assertValidation(() -> lambda.listFunctions(l -> l.maxItems(10_001)),
                oneValidationError(10_001, "maxItems", "Member must have value less than or equal to 10000"));
    }

    @Test
    void listFunctions_withAMarkerItDidNotIssue_isRejected() {
        assertAwsError(() -> lambda.listFunctions(l -> l.marker("not-a-marker")), 400,
                "InvalidParameterValueException",
                "Invalid Marker: not-a-marker. Pass the NextMarker of the previous ListFunctions response.");
    }

    private static FunctionConfiguration find(ListFunctionsResponse r, String name) {
        return r.functions().stream().filter(f -> f.functionName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not listed"));
    }
}
