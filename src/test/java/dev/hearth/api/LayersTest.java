package dev.hearth.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.testing.TestNode;
import dev.hearth.testing.Zips;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AddLayerVersionPermissionResponse;
import software.amazon.awssdk.services.lambda.model.Architecture;
import software.amazon.awssdk.services.lambda.model.GetLayerVersionResponse;
import software.amazon.awssdk.services.lambda.model.LayerVersionsListItem;
import software.amazon.awssdk.services.lambda.model.LayersListItem;
import software.amazon.awssdk.services.lambda.model.ListLayerVersionsResponse;
import software.amazon.awssdk.services.lambda.model.ListLayersResponse;
import software.amazon.awssdk.services.lambda.model.PublishLayerVersionRequest;
import software.amazon.awssdk.services.lambda.model.PublishLayerVersionResponse;
import software.amazon.awssdk.services.lambda.model.Runtime;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static dev.hearth.api.Fixtures.ACCOUNT;
import static dev.hearth.api.Fixtures.REGION;
import static dev.hearth.api.Fixtures.RUNTIME_ENUM;
import static dev.hearth.api.Fixtures.assertAwsError;
import static dev.hearth.api.Fixtures.assertInvalidParameter;
import static dev.hearth.api.Fixtures.assertNotFound;
import static dev.hearth.api.Fixtures.assertValidation;
import static dev.hearth.api.Fixtures.oneValidationError;
import static dev.hearth.api.Fixtures.sha256Base64;
import static dev.hearth.api.Fixtures.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * PublishLayerVersion, GetLayerVersion(ByArn), ListLayers, ListLayerVersions, DeleteLayerVersion and the
 * layer version permissions, through the AWS SDK for Java v2 against a real node.
 */
class LayersTest {
    private static final String NOT_FOUND = "The resource you requested does not exist.";
    private static final String NAME_PATTERN =
            "(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

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

    private static byte[] layerZip(String marker) {
        return Zips.of(Map.of("python/" + marker + ".py", "VALUE = '" + marker + "'\n"));
    }

    private static PublishLayerVersionResponse publish(String name, Consumer<PublishLayerVersionRequest.Builder> more) {
        return lambda.publishLayerVersion(b -> {
            b.layerName(name).content(c -> c.zipFile(SdkBytes.fromByteArray(layerZip(name))));
            more.accept(b);
        });
    }

    private static PublishLayerVersionResponse publish(String name) {
        return publish(name, b -> { });
    }

    private static String layerArn(String name) {
        return "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":layer:" + name;
    }

    // ---- publish -------------------------------------------------------------------------------

    @Test
    void publishLayerVersion_returns201WithAwsShape_andItsLocationDownloadsTheZip() throws Exception {
        String name = uniqueName("layer");
        byte[] zip = layerZip("shape");

        PublishLayerVersionResponse r = lambda.publishLayerVersion(b -> b.layerName(name)
                .content(c -> c.zipFile(SdkBytes.fromByteArray(zip))).description("my layer")
                .compatibleRuntimes(Runtime.PYTHON3_12, Runtime.NODEJS22_X)
                .compatibleArchitectures(Architecture.X86_64, Architecture.ARM64).licenseInfo("MIT"));

        assertThat(r.sdkHttpResponse().statusCode()).isEqualTo(201);
        assertThat(r.layerArn()).isEqualTo(layerArn(name));
        assertThat(r.layerVersionArn()).isEqualTo(layerArn(name) + ":1");
        assertThat(r.version()).isEqualTo(1L);
        assertThat(r.description()).isEqualTo("my layer");
        assertThat(r.licenseInfo()).isEqualTo("MIT");
        assertThat(r.compatibleRuntimes()).containsExactly(Runtime.PYTHON3_12, Runtime.NODEJS22_X);
        assertThat(r.compatibleArchitectures()).containsExactly(Architecture.X86_64, Architecture.ARM64);
        assertThat(r.createdDate()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}\\+0000");
        assertThat(r.content().codeSha256()).isEqualTo(sha256Base64(zip));
        assertThat(r.content().codeSize()).isEqualTo(zip.length);
        HttpResponse<byte[]> download = HTTP.send(HttpRequest.newBuilder(URI.create(r.content().location())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(zip);
    }

    @Test
    void publishLayerVersion_withOnlyTheRequiredMembers_omitsTheOptionalOnes_andDescriptionIsEmpty() throws Exception {
        String name = uniqueName("bare");
        publish(name);

        JsonNode raw = rawGet("/2018-10-31/layers/" + name + "/versions/1");

        assertThat(raw.get("Description").asText()).isEmpty();
        assertThat(raw.has("CompatibleRuntimes")).isFalse();
        assertThat(raw.has("CompatibleArchitectures")).isFalse();
        assertThat(raw.has("LicenseInfo")).isFalse();
        assertThat(fieldNames(raw)).containsExactly("Content", "LayerArn", "LayerVersionArn", "Description",
                "CreatedDate", "Version");
    }

    private static JsonNode rawGet(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(node.endpoint().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void publishLayerVersion_numbersVersionsFromOne_andNeverReusesANumberAfterDeletion() {
        String name = uniqueName("numbers");
        assertThat(publish(name).version()).isEqualTo(1L);
        assertThat(publish(name).version()).isEqualTo(2L);
        lambda.deleteLayerVersion(b -> b.layerName(name).versionNumber(1L));
        lambda.deleteLayerVersion(b -> b.layerName(name).versionNumber(2L));

        assertThat(publish(name).version()).isEqualTo(3L);
    }

    @Test
    void publishLayerVersion_withALayerArnAsTheName_publishesToThatLayer() {
        String name = uniqueName("byarn");
        publish(name);

        PublishLayerVersionResponse second = publish(layerArn(name));

        assertThat(second.layerVersionArn()).isEqualTo(layerArn(name) + ":2");
    }

    @Test
    void publishLayerVersion_withInvalidRuntimeAndArchitecture_reportsBothAsAwsDoes() {
        assertValidation(() -> publish(uniqueName("invalid"), b -> b.compatibleRuntimesWithStrings("invalidruntime")
                        .compatibleArchitecturesWithStrings("invalidarch")),
                "2 validation errors detected: Value '[invalidruntime]' at 'compatibleRuntimes' failed to satisfy"
                        + " constraint: Member must satisfy enum value set: " + RUNTIME_ENUM + "; Value '[invalidarch]'"
                        + " at 'compatibleArchitectures' failed to satisfy constraint: Member must satisfy constraint:"
                        + " [Member must satisfy enum value set: [x86_64, arm64]]");
    }

    @Test
    void publishLayerVersion_withTooManyRuntimesOrALongLicence_isAValidationError() {
        List<String> sixteen = Collections.nCopies(16, "python3.12");
        assertValidation(() -> publish(uniqueName("many"), b -> b.compatibleRuntimesWithStrings(sixteen)),
                oneValidationError(sixteen, "compatibleRuntimes", "Member must have length less than or equal to 15"));
        String licence = "l".repeat(513);
        assertValidation(() -> publish(uniqueName("licence"), b -> b.licenseInfo(licence)),
                oneValidationError(licence, "licenseInfo", "Member must have length less than or equal to 512"));
    }

    @Test
    void publishLayerVersion_withAnInvalidName_isAValidationError() {
        assertValidation(() -> publish("bad.name"),
                oneValidationError("bad.name", "layerName", "Member must satisfy regular expression pattern: "
                        + NAME_PATTERN));
    }

    @Test
    void publishLayerVersion_fromS3_isRefusedClearly_andNotAZipAsAws() {
        assertInvalidParameter(() -> lambda.publishLayerVersion(b -> b.layerName(uniqueName("s3"))
                        .content(c -> c.s3Bucket("bucket").s3Key("layer.zip"))),
                "Hearth does not support layer content from S3 yet (Content.S3Bucket/S3Key); send the .zip inline"
                        + " with Content.ZipFile (the AWS CLI's --zip-file fileb://...).");
        assertInvalidParameter(() -> lambda.publishLayerVersion(b -> b.layerName(uniqueName("notzip"))
                        .content(c -> c.zipFile(SdkBytes.fromUtf8String("not a zip")))),
                "Could not unzip uploaded file. Please check your file, then try to upload again.");
    }

    // ---- get -----------------------------------------------------------------------------------

    @Test
    void getLayerVersion_andByArn_returnTheVersion() {
        String name = uniqueName("get");
        PublishLayerVersionResponse published = publish(name, b -> b.compatibleRuntimes(Runtime.PYTHON3_13));

        GetLayerVersionResponse byName = lambda.getLayerVersion(b -> b.layerName(name).versionNumber(1L));
        GetLayerVersionResponse byLayerArn = lambda.getLayerVersion(b -> b.layerName(layerArn(name)).versionNumber(1L));
        var byArn = lambda.getLayerVersionByArn(b -> b.arn(layerArn(name) + ":1"));

        for (GetLayerVersionResponse r : List.of(byName, byLayerArn)) {
            assertThat(r.layerVersionArn()).isEqualTo(published.layerVersionArn());
            assertThat(r.createdDate()).isEqualTo(published.createdDate());
            assertThat(r.content().codeSha256()).isEqualTo(published.content().codeSha256());
            assertThat(r.compatibleRuntimes()).containsExactly(Runtime.PYTHON3_13);
        }
        assertThat(byArn.layerVersionArn()).isEqualTo(published.layerVersionArn());
        assertThat(byArn.createdDate()).isEqualTo(published.createdDate());
        assertThat(byArn.content().codeSha256()).isEqualTo(published.content().codeSha256());
        assertThat(byArn.compatibleRuntimes()).containsExactly(Runtime.PYTHON3_13);
    }

    @Test
    void getLayerVersion_ofAMissingLayerOrVersion_is404_andVersionZeroIsInvalid() {
        String name = uniqueName("missing");
        publish(name);

        assertNotFound(() -> lambda.getLayerVersion(b -> b.layerName(name).versionNumber(2L)), NOT_FOUND);
        assertNotFound(() -> lambda.getLayerVersion(b -> b.layerName(uniqueName("none")).versionNumber(1L)), NOT_FOUND);
        assertNotFound(() -> lambda.getLayerVersionByArn(b -> b.arn(layerArn(name) + ":7")), NOT_FOUND);
        assertInvalidParameter(() -> lambda.getLayerVersion(b -> b.layerName(name).versionNumber(0L)),
                "Layer Version Cannot be less than 1");
    }

    @Test
    void getLayerVersionByArn_withoutAVersion_isAValidationError() {
        String arn = layerArn("noversion");
        assertValidation(() -> lambda.getLayerVersionByArn(b -> b.arn(arn)),
                oneValidationError(arn, "arn", "Member must satisfy regular expression pattern: "
                        + "arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+"));
    }

    // ---- list ----------------------------------------------------------------------------------

    @Test
    void listLayerVersions_isNewestFirst_filters_andPages() {
        String name = uniqueName("versions");
        publish(name, b -> b.compatibleRuntimes(Runtime.PYTHON3_12).compatibleArchitectures(Architecture.X86_64));
        publish(name, b -> b.compatibleRuntimes(Runtime.NODEJS22_X));
        publish(name, b -> b.compatibleRuntimes(Runtime.PYTHON3_12, Runtime.PYTHON3_13));

        ListLayerVersionsResponse all = lambda.listLayerVersions(b -> b.layerName(name));
        ListLayerVersionsResponse python = lambda.listLayerVersions(b -> b.layerName(name)
                .compatibleRuntime(Runtime.PYTHON3_12));
        ListLayerVersionsResponse x86 = lambda.listLayerVersions(b -> b.layerName(name)
                .compatibleArchitecture(Architecture.X86_64));
        ListLayerVersionsResponse first = lambda.listLayerVersions(b -> b.layerName(name).maxItems(2));
        ListLayerVersionsResponse rest = lambda.listLayerVersions(b -> b.layerName(name).maxItems(2)
                .marker(first.nextMarker()));

        assertThat(all.layerVersions()).extracting(LayerVersionsListItem::version).containsExactly(3L, 2L, 1L);
        assertThat(all.nextMarker()).isNull();
        assertThat(all.layerVersions().getFirst().layerVersionArn()).isEqualTo(layerArn(name) + ":3");
        assertThat(python.layerVersions()).extracting(LayerVersionsListItem::version).containsExactly(3L, 1L);
        assertThat(x86.layerVersions()).extracting(LayerVersionsListItem::version).containsExactly(1L);
        assertThat(first.layerVersions()).extracting(LayerVersionsListItem::version).containsExactly(3L, 2L);
        assertThat(first.nextMarker()).isNotNull();
        assertThat(rest.layerVersions()).extracting(LayerVersionsListItem::version).containsExactly(1L);
        assertThat(rest.nextMarker()).isNull();
    }

    @Test
    void listLayerVersions_ofALayerThatDoesNotExist_isEmpty() {
        assertThat(lambda.listLayerVersions(b -> b.layerName(uniqueName("nothing"))).layerVersions()).isEmpty();
    }

    @Test
    void listLayers_showsEachLayersLatestMatchingVersion_andPages() {
        String prefix = uniqueName("list");
        String a = prefix + "-a";
        String b = prefix + "-b";
        publish(a, r -> r.compatibleRuntimes(Runtime.JAVA21));
        publish(a, r -> r.compatibleRuntimes(Runtime.NODEJS22_X));
        publish(b, r -> r.compatibleRuntimes(Runtime.NODEJS22_X));

        List<LayersListItem> java = mine(prefix, lambda.listLayers(r -> r.compatibleRuntime(Runtime.JAVA21)));
        List<LayersListItem> any = mine(prefix, lambda.listLayers(r -> r.maxItems(50)));

        assertThat(java).extracting(LayersListItem::layerName).containsExactly(a);
        assertThat(java.getFirst().latestMatchingVersion().version()).isEqualTo(1L);
        assertThat(java.getFirst().layerArn()).isEqualTo(layerArn(a));
        assertThat(any).extracting(l -> l.layerName() + ":" + l.latestMatchingVersion().version())
                .containsExactly(a + ":2", b + ":1");

        ListLayersResponse page = lambda.listLayers(r -> r.maxItems(1));
        assertThat(page.layers()).hasSize(1);
        assertThat(page.nextMarker()).isNotNull();
        ListLayersResponse next = lambda.listLayers(r -> r.maxItems(1).marker(page.nextMarker()));
        assertThat(next.layers().getFirst().layerName()).isGreaterThan(page.layers().getFirst().layerName());
    }

    private static List<LayersListItem> mine(String prefix, ListLayersResponse response) {
        return response.layers().stream().filter(l -> l.layerName().startsWith(prefix)).toList();
    }

    @Test
    void listLayers_withInvalidFiltersOrPageSize_isAValidationError() {
        assertValidation(() -> lambda.listLayers(r -> r.compatibleRuntime("cobol")),
                oneValidationError("cobol", "compatibleRuntime", "Member must satisfy enum value set: " + RUNTIME_ENUM));
        assertValidation(() -> lambda.listLayers(r -> r.compatibleArchitecture("sparc")),
                oneValidationError("sparc", "compatibleArchitecture", "Member must satisfy enum value set: [x86_64, arm64]"));
        assertValidation(() -> lambda.listLayerVersions(r -> r.layerName("x").maxItems(51)),
                oneValidationError(51, "maxItems", "Member must have value less than or equal to 50"));
    }

    // ---- delete --------------------------------------------------------------------------------

    @Test
    void deleteLayerVersion_is204_andIdempotent_evenForAVersionThatNeverExisted() {
        String name = uniqueName("delete");
        publish(name);

        assertThat(lambda.deleteLayerVersion(b -> b.layerName(name).versionNumber(1L)).sdkHttpResponse().statusCode())
                .isEqualTo(204);
        assertThat(lambda.deleteLayerVersion(b -> b.layerName(name).versionNumber(1L)).sdkHttpResponse().statusCode())
                .isEqualTo(204);
        assertThat(lambda.deleteLayerVersion(b -> b.layerName(uniqueName("never")).versionNumber(5L))
                .sdkHttpResponse().statusCode()).isEqualTo(204);
        assertNotFound(() -> lambda.getLayerVersion(b -> b.layerName(name).versionNumber(1L)), NOT_FOUND);
    }

    @Test
    void accountSettings_countLayerZipsInTheTotalCodeSize() {
        long before = lambda.getAccountSettings(r -> { }).accountUsage().totalCodeSize();

        long size = publish(uniqueName("usage")).content().codeSize();

        assertThat(lambda.getAccountSettings(r -> { }).accountUsage().totalCodeSize()).isEqualTo(before + size);
    }

    // ---- permissions ---------------------------------------------------------------------------

    @Test
    void addLayerVersionPermission_returnsTheStatement_andGetLayerVersionPolicyTheDocument() throws Exception {
        String name = uniqueName("policy");
        publish(name);
        String versionArn = layerArn(name) + ":1";

        AddLayerVersionPermissionResponse account = lambda.addLayerVersionPermission(b -> b.layerName(name)
                .versionNumber(1L).statementId("xaccount").action("lambda:GetLayerVersion").principal("123456789012"));
        AddLayerVersionPermissionResponse org = lambda.addLayerVersionPermission(b -> b.layerName(name)
                .versionNumber(1L).statementId("org").action("lambda:GetLayerVersion").principal("*")
                .organizationId("o-abcdefghij"));

        assertThat(account.sdkHttpResponse().statusCode()).isEqualTo(201);
        assertThat(JSON.readTree(account.statement())).isEqualTo(JSON.readTree("{\"Sid\":\"xaccount\",\"Effect\":"
                + "\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"},\"Action\":"
                + "\"lambda:GetLayerVersion\",\"Resource\":\"" + versionArn + "\"}"));
        assertThat(account.revisionId()).isNotEqualTo(org.revisionId());
        var policy = lambda.getLayerVersionPolicy(b -> b.layerName(name).versionNumber(1L));
        assertThat(policy.revisionId()).isEqualTo(org.revisionId());
        JsonNode doc = JSON.readTree(policy.policy());
        assertThat(doc.get("Version").asText()).isEqualTo("2012-10-17");
        assertThat(doc.get("Id").asText()).isEqualTo("default");
        assertThat(doc.get("Statement")).hasSize(2);
        assertThat(doc.get("Statement").get(1)).isEqualTo(JSON.readTree("{\"Sid\":\"org\",\"Effect\":\"Allow\","
                + "\"Principal\":\"*\",\"Action\":\"lambda:GetLayerVersion\",\"Resource\":\"" + versionArn + "\","
                + "\"Condition\":{\"StringEquals\":{\"aws:PrincipalOrgID\":\"o-abcdefghij\"}}}"));
    }

    @Test
    void addLayerVersionPermission_withADuplicateStatementIdOrStaleRevision_isRefused() {
        String name = uniqueName("conflict");
        publish(name);
        AddLayerVersionPermissionResponse first = lambda.addLayerVersionPermission(b -> b.layerName(name)
                .versionNumber(1L).statementId("s1").action("lambda:GetLayerVersion").principal("*"));

        assertAwsError(() -> lambda.addLayerVersionPermission(b -> b.layerName(name).versionNumber(1L)
                        .statementId("s1").action("lambda:GetLayerVersion").principal("*")), 409,
                "ResourceConflictException", "The statement id (s1) provided already exists. Please provide a new"
                        + " statement id, or remove the existing statement.");
        assertAwsError(() -> lambda.addLayerVersionPermission(b -> b.layerName(name).versionNumber(1L)
                        .statementId("s2").action("lambda:GetLayerVersion").principal("*").revisionId("stale")), 412,
                "PreconditionFailedException", "The Revision Id provided does not match the latest Revision Id."
                        + " Call the GetLayerPolicy API to retrieve the latest Revision Id");
        assertThat(lambda.addLayerVersionPermission(b -> b.layerName(name).versionNumber(1L).statementId("s2")
                .action("lambda:GetLayerVersion").principal("*").revisionId(first.revisionId())).revisionId())
                .isNotEqualTo(first.revisionId());
    }

    @Test
    void addLayerVersionPermission_withABadActionOrPrincipal_orToAMissingVersion_isRefused() {
        String name = uniqueName("badgrant");
        publish(name);

        assertValidation(() -> lambda.addLayerVersionPermission(b -> b.layerName(name).versionNumber(1L)
                        .statementId("s").action("lambda:Invoke").principal("*")),
                oneValidationError("lambda:Invoke", "action",
                        "Member must satisfy regular expression pattern: lambda:GetLayerVersion"));
        assertValidation(() -> lambda.addLayerVersionPermission(b -> b.layerName(name).versionNumber(1L)
                        .statementId("s").action("lambda:GetLayerVersion").principal("someone")),
                oneValidationError("someone", "principal", "Member must satisfy regular expression pattern:"
                        + " \\d{12}|\\*|arn:(aws[a-zA-Z-]*):iam::\\d{12}:root"));
        assertNotFound(() -> lambda.addLayerVersionPermission(b -> b.layerName(name).versionNumber(4L)
                        .statementId("s").action("lambda:GetLayerVersion").principal("*")),
                "Layer version " + layerArn(name) + ":4 does not exist.");
    }

    @Test
    void removeLayerVersionPermission_removesOneStatement_andTheLastOneLeavesNoPolicy() {
        String name = uniqueName("remove");
        publish(name);
        assertNotFound(() -> lambda.getLayerVersionPolicy(b -> b.layerName(name).versionNumber(1L)),
                "No policy is associated with the given resource.");
        AddLayerVersionPermissionResponse added = lambda.addLayerVersionPermission(b -> b.layerName(name)
                .versionNumber(1L).statementId("only").action("lambda:GetLayerVersion").principal("*"));

        assertAwsError(() -> lambda.removeLayerVersionPermission(b -> b.layerName(name).versionNumber(1L)
                        .statementId("only").revisionId("stale")), 412, "PreconditionFailedException",
                "The Revision Id provided does not match the latest Revision Id. Call the GetLayerPolicy API to"
                        + " retrieve the latest Revision Id");
        assertNotFound(() -> lambda.removeLayerVersionPermission(b -> b.layerName(name).versionNumber(1L)
                .statementId("other")), "Statement other is not found in resource policy.");
        assertThat(lambda.removeLayerVersionPermission(b -> b.layerName(name).versionNumber(1L).statementId("only")
                .revisionId(added.revisionId())).sdkHttpResponse().statusCode()).isEqualTo(204);
        assertNotFound(() -> lambda.getLayerVersionPolicy(b -> b.layerName(name).versionNumber(1L)),
                "No policy is associated with the given resource.");
        assertNotFound(() -> lambda.removeLayerVersionPermission(b -> b.layerName(name).versionNumber(1L)
                .statementId("only")), "No policy is associated with the given resource.");
    }
}
