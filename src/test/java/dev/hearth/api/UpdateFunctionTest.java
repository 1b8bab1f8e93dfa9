package dev.hearth.api;

import dev.hearth.testing.TestNode;
import dev.hearth.testing.Zips;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.Architecture;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;
import software.amazon.awssdk.services.lambda.model.PreconditionFailedException;
import software.amazon.awssdk.services.lambda.model.State;
import software.amazon.awssdk.services.lambda.model.StateReasonCode;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionCodeResponse;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionConfigurationResponse;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static dev.hearth.api.Fixtures.BEING_CREATED;
import static dev.hearth.api.Fixtures.ROLE_PATTERN;
import static dev.hearth.api.Fixtures.RUNTIME_ENUM;
import static dev.hearth.api.Fixtures.arn;
import static dev.hearth.api.Fixtures.assertAwsError;
import static dev.hearth.api.Fixtures.assertInvalidParameter;
import static dev.hearth.api.Fixtures.assertNotFound;
import static dev.hearth.api.Fixtures.assertValidation;
import static dev.hearth.api.Fixtures.awaitSettled;
import static dev.hearth.api.Fixtures.createActive;
import static dev.hearth.api.Fixtures.createRequest;
import static dev.hearth.api.Fixtures.functionNotFound;
import static dev.hearth.api.Fixtures.oneValidationError;
import static dev.hearth.api.Fixtures.otherZip;
import static dev.hearth.api.Fixtures.sha256Base64;
import static dev.hearth.api.Fixtures.uniqueName;
import static dev.hearth.api.Fixtures.zip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** UpdateFunctionConfiguration and UpdateFunctionCode: the in-progress shape, revisions, DryRun, refusals, races. */
class UpdateFunctionTest {
    private static final String REVISION_MISMATCH = "The Revision Id provided does not match the latest Revision Id."
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

    // ---- UpdateFunctionConfiguration --------------------------------------------------------------

    @Test
    void updateFunctionConfiguration_returnsInProgressWithTheCreatingReasonAndANewRevision_thenSuccessful() {
        String name = uniqueName("update-config");
        GetFunctionConfigurationResponse before = createActive(lambda, name);

        UpdateFunctionConfigurationResponse r = lambda.updateFunctionConfiguration(u -> u.functionName(name)
                .memorySize(256).timeout(10).description("updated"));

        assertThat(r.sdkHttpResponse().statusCode()).isEqualTo(200);
        assertThat(r.state()).isEqualTo(State.ACTIVE);
        assertThat(r.lastUpdateStatus()).isEqualTo(LastUpdateStatus.IN_PROGRESS);
        assertThat(r.lastUpdateStatusReason()).isEqualTo(BEING_CREATED);
        assertThat(r.lastUpdateStatusReasonCodeAsString()).isEqualTo("Creating");
        assertThat(r.stateReason()).isNull();
        assertThat(r.functionArn()).isEqualTo(arn(name));
        assertThat(r.memorySize()).isEqualTo(256);
        assertThat(r.timeout()).isEqualTo(10);
        assertThat(r.description()).isEqualTo("updated");
        assertThat(r.revisionId()).isNotEqualTo(before.revisionId());
        assertThat(r.codeSha256()).isEqualTo(before.codeSha256());
        assertThat(r.runtimeVersionConfig()).isNotNull();

        GetFunctionConfigurationResponse after = awaitSettled(lambda, name);
        assertThat(after.revisionId()).as("completing the update issues another revision").isNotEqualTo(r.revisionId());
        assertThat(after.memorySize()).isEqualTo(256);
        assertThat(after.lastUpdateStatusReason()).isNull();
        assertThat(after.lastUpdateStatusReasonCode()).isNull();
    }

    @Test
    void updateFunctionConfiguration_thenSdkWaiter_seesTheUpdateSuccessful() {
        String name = uniqueName("update-waiter");
        createActive(lambda, name);
        lambda.updateFunctionConfiguration(u -> u.functionName(name).memorySize(256));

        var outcome = lambda.waiter().waitUntilFunctionUpdatedV2(g -> g.functionName(name));

        assertThat(outcome.matched().response()).hasValueSatisfying(r ->
                assertThat(r.configuration().lastUpdateStatus()).isEqualTo(LastUpdateStatus.SUCCESSFUL));
    }

    @Test
    void updateFunctionConfiguration_changesOnlyTheMembersSent() {
        String name = uniqueName("partial-update");
        lambda.createFunction(createRequest(name).description("kept").timeout(7)
                .environment(e -> e.variables(Map.of("KEEP", "me"))).build());
        awaitSettled(lambda, name);

        UpdateFunctionConfigurationResponse r = lambda.updateFunctionConfiguration(u -> u.functionName(name)
                .memorySize(1024));

        assertThat(r.memorySize()).isEqualTo(1024);
        assertThat(r.description()).isEqualTo("kept");
        assertThat(r.timeout()).isEqualTo(7);
        assertThat(r.environment().variables()).containsExactlyEntriesOf(Map.of("KEEP", "me"));
        assertThat(r.handler()).isEqualTo(Fixtures.HANDLER);
    }

    @Test
    void updateFunctionConfiguration_withSameValues_stillIssuesANewRevision() {
        String name = uniqueName("redundant");
        GetFunctionConfigurationResponse before = createActive(lambda, name);

        UpdateFunctionConfigurationResponse r = lambda.updateFunctionConfiguration(u -> u.functionName(name)
                .memorySize(before.memorySize()));

        assertThat(r.lastUpdateStatus()).isEqualTo(LastUpdateStatus.IN_PROGRESS);
        assertThat(r.revisionId()).isNotEqualTo(before.revisionId());
    }

    @Test
    void updateFunctionConfiguration_withEnvironment_replacesTheVariablesInOrder() {
        String name = uniqueName("update-env");
        createActive(lambda, name);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ENV_B", "b");
        env.put("ENV_A", "a");

        UpdateFunctionConfigurationResponse r = lambda.updateFunctionConfiguration(u -> u.functionName(name)
                .environment(e -> e.variables(env)));

        assertThat(r.environment().variables()).containsExactlyEntriesOf(env);
        awaitSettled(lambda, name);
        assertThat(lambda.getFunction(g -> g.functionName(name)).configuration().environment().variables())
                .containsExactlyEntriesOf(env);
    }

    @Test
    void updateFunctionConfiguration_withEmptyVpcLists_reportsAnEmptyVpcId() {
        String name = uniqueName("vpc");
        lambda.createFunction(createRequest(name).vpcConfig(v -> v.subnetIds("subnet-1").securityGroupIds("sg-1")).build());
        awaitSettled(lambda, name);

        UpdateFunctionConfigurationResponse r = lambda.updateFunctionConfiguration(u -> u.functionName(name)
                .vpcConfig(v -> v.subnetIds(List.of()).securityGroupIds(List.of())));

        assertThat(r.vpcConfig().subnetIds()).isEmpty();
        assertThat(r.vpcConfig().securityGroupIds()).isEmpty();
        assertThat(r.vpcConfig().vpcId()).isEmpty();
        assertThat(r.vpcConfig().ipv6AllowedForDualStack()).isFalse();
    }

    @Test
    void updateFunctionConfiguration_withMatchingRevisionId_succeeds() {
        String name = uniqueName("right-revision");
        GetFunctionConfigurationResponse before = createActive(lambda, name);

        UpdateFunctionConfigurationResponse r = lambda.updateFunctionConfiguration(u -> u.functionName(name)
                .revisionId(before.revisionId()).timeout(20));

        assertThat(r.timeout()).isEqualTo(20);
    }

    @Test
    void updateFunctionConfiguration_withWrongRevisionId_failsThePreconditionAndChangesNothing() {
        String name = uniqueName("wrong-revision");
        GetFunctionConfigurationResponse before = createActive(lambda, name);

        var e = assertAwsError(() -> lambda.updateFunctionConfiguration(u -> u.functionName(name).revisionId("wrong")
                .timeout(20)), 412, "PreconditionFailedException", REVISION_MISMATCH);

        assertThat(e).isInstanceOf(PreconditionFailedException.class);
        GetFunctionConfigurationResponse after = lambda.getFunctionConfiguration(g -> g.functionName(name));
        assertThat(after.revisionId()).isEqualTo(before.revisionId());
        assertThat(after.timeout()).isEqualTo(before.timeout());
    }

    @Test
    void updateFunctionConfiguration_withInvalidSettings_isRejectedAndChangesNothing() {
        String name = uniqueName("invalid-update");
        GetFunctionConfigurationResponse before = createActive(lambda, name);

        assertValidation(() -> lambda.updateFunctionConfiguration(u -> u.functionName(name).memorySize(10_241)),
                oneValidationError(10_241, "memorySize", "Member must have value less than or equal to 10240"));
        assertValidation(() -> lambda.updateFunctionConfiguration(u -> u.functionName(name).role("r1")),
                oneValidationError("r1", "role", "Member must satisfy regular expression pattern: " + ROLE_PATTERN));
        assertValidation(() -> lambda.updateFunctionConfiguration(u -> u.functionName(name).timeout(901)),
                oneValidationError(901, "timeout", "Member must have value less than or equal to 900"));

        GetFunctionConfigurationResponse after = lambda.getFunctionConfiguration(g -> g.functionName(name));
        assertThat(after.revisionId()).isEqualTo(before.revisionId());
        assertThat(after.memorySize()).isEqualTo(before.memorySize());
        assertThat(after.role()).isEqualTo(before.role());
        assertThat(after.lastUpdateStatus()).isEqualTo(LastUpdateStatus.SUCCESSFUL);
    }

    @Test
    void updateFunctionConfiguration_withUnknownOrDeprecatedRuntime_isRejected() {
        String name = uniqueName("update-runtime");
        createActive(lambda, name);

        assertInvalidParameter(() -> lambda.updateFunctionConfiguration(u -> u.functionName(name)
                        .runtime("non-existent-runtime")),
                "Value non-existent-runtime at 'runtime' failed to satisfy constraint: Member must satisfy enum value"
                        + " set: " + RUNTIME_ENUM + " or be a valid ARN");
        assertInvalidParameter(() -> lambda.updateFunctionConfiguration(u -> u.functionName(name).runtime("python3.7")),
                "The runtime parameter of python3.7 is no longer supported for creating or updating AWS Lambda"
                        + " functions. We recommend you use a supported runtime while creating or updating functions.");
    }

    @Test
    void updateFunctionConfiguration_withLayerThatDoesNotExist_isRejected() {
        String name = uniqueName("update-layer");
        createActive(lambda, name);
        String layer = "arn:aws:lambda:us-east-1:000000000000:layer:doesnotexist:1";

        assertInvalidParameter(() -> lambda.updateFunctionConfiguration(u -> u.functionName(name).layers(layer)),
                "Layer version " + layer + " does not exist.");
    }

    @Test
    void updateFunctionConfiguration_withTwoVersionsOfOneLayer_isRejected() {
        String name = uniqueName("update-layers");
        createActive(lambda, name);
        String v1 = "arn:aws:lambda:us-east-1:000000000000:layer:shared:1";
        String v2 = "arn:aws:lambda:us-east-1:000000000000:layer:shared:2";

        assertInvalidParameter(() -> lambda.updateFunctionConfiguration(u -> u.functionName(name).layers(v1, v2)),
                "Two different versions of the same layer are not allowed to be referenced in the same function. "
                        + v1 + " and " + v2 + " are versions of the same layer.");
    }

    @Test
    void updateFunctionConfiguration_withUnversionedLayerArn_isAValidationError() {
        String name = uniqueName("update-layer-arn");
        createActive(lambda, name);
        String layer = "arn:aws:lambda:us-east-1:000000000000:layer:unversioned";

        assertValidation(() -> lambda.updateFunctionConfiguration(u -> u.functionName(name).layers(layer)),
                oneValidationError("[" + layer + "]", "layers", "Member must satisfy constraint: [Member must have"
                        + " length less than or equal to 140, Member must have length greater than or equal to 1, Member"
                        + " must satisfy regular expression pattern: (arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:"
                        + "layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+), Member"
                        + " must not be null]"));
    }

    @Test
    void updateFunctionConfiguration_ofMissingFunction_isNotFound() {
        String name = uniqueName("update-missing");

        assertNotFound(() -> lambda.updateFunctionConfiguration(u -> u.functionName(name).timeout(5)),
                functionNotFound(name));
    }

    // ---- UpdateFunctionCode ---------------------------------------------------------------------------

    @Test
    void updateFunctionCode_returnsTheNewCodeInProgress_thenSuccessful_andServesTheNewZip() throws Exception {
        String name = uniqueName("update-code");
        GetFunctionConfigurationResponse before = createActive(lambda, name);
        byte[] newZip = otherZip();

        UpdateFunctionCodeResponse r = lambda.updateFunctionCode(u -> u.functionName(name)
                .zipFile(SdkBytes.fromByteArray(newZip)));

        assertThat(r.sdkHttpResponse().statusCode()).isEqualTo(200);
        assertThat(r.codeSha256()).isEqualTo(sha256Base64(newZip));
        assertThat(r.codeSize()).isEqualTo(newZip.length);
        assertThat(r.state()).isEqualTo(State.ACTIVE);
        assertThat(r.lastUpdateStatus()).isEqualTo(LastUpdateStatus.IN_PROGRESS);
        assertThat(r.lastUpdateStatusReason()).isEqualTo(BEING_CREATED);
        assertThat(r.lastUpdateStatusReasonCodeAsString()).isEqualTo("Creating");
        assertThat(r.revisionId()).isNotEqualTo(before.revisionId());
        assertThat(r.version()).isEqualTo("$LATEST");
        assertThat(r.functionArn()).isEqualTo(arn(name));

        GetFunctionConfigurationResponse after = awaitSettled(lambda, name);
        assertThat(after.codeSha256()).isEqualTo(sha256Base64(newZip));
        String location = lambda.getFunction(g -> g.functionName(name)).code().location();
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<byte[]> download = http.send(HttpRequest.newBuilder(URI.create(location)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(download.body()).isEqualTo(newZip);
        }
    }

    @Test
    void updateFunctionCode_withDryRun_returnsTheWouldBeCodeSha256AndChangesNothing() {
        String name = uniqueName("dry-run");
        GetFunctionConfigurationResponse before = createActive(lambda, name);
        byte[] newZip = otherZip();

        UpdateFunctionCodeResponse r = lambda.updateFunctionCode(u -> u.functionName(name).dryRun(true)
                .zipFile(SdkBytes.fromByteArray(newZip)));

        assertThat(r.codeSha256()).isEqualTo(sha256Base64(newZip));
        assertThat(r.codeSize()).isEqualTo(newZip.length);
        GetFunctionConfigurationResponse after = lambda.getFunctionConfiguration(g -> g.functionName(name));
        assertThat(after.codeSha256()).isEqualTo(before.codeSha256());
        assertThat(after.revisionId()).isEqualTo(before.revisionId());
        assertThat(after.lastModified()).isEqualTo(before.lastModified());
        assertThat(after.lastUpdateStatus()).isEqualTo(LastUpdateStatus.SUCCESSFUL);
    }

    @Test
    void updateFunctionCode_withArchitectures_switchesTheArchitecture() {
        String name = uniqueName("code-arch");
        createActive(lambda, name);

        UpdateFunctionCodeResponse r = lambda.updateFunctionCode(u -> u.functionName(name)
                .zipFile(SdkBytes.fromByteArray(zip())).architectures(Architecture.ARM64));

        assertThat(r.architectures()).containsExactly(Architecture.ARM64);
    }

    @Test
    void updateFunctionCode_withWrongRevisionId_failsThePrecondition() {
        String name = uniqueName("code-revision");
        GetFunctionConfigurationResponse before = createActive(lambda, name);

        assertAwsError(() -> lambda.updateFunctionCode(u -> u.functionName(name).revisionId("wrong")
                .zipFile(SdkBytes.fromByteArray(otherZip()))), 412, "PreconditionFailedException", REVISION_MISMATCH);

        assertThat(lambda.getFunctionConfiguration(g -> g.functionName(name)).codeSha256())
                .isEqualTo(before.codeSha256());
    }

    @Test
    void updateFunctionCode_withPublishTrue_answersTheNewVersionUnderItsQualifiedArn() {
        String name = uniqueName("code-publish");
        createActive(lambda, name);

        var published = lambda.updateFunctionCode(u -> u.functionName(name).publish(true)
                .zipFile(SdkBytes.fromByteArray(otherZip())));

        assertThat(published.version()).isEqualTo("1");
        assertThat(published.functionArn()).isEqualTo(arn(name) + ":1");
        assertThat(published.stateAsString()).isEqualTo("Pending");
        assertThat(published.lastUpdateStatus()).isNull();
        assertThat(published.codeSha256()).isEqualTo(sha256Base64(otherZip()));
    }

    @Test
    void updateFunctionCode_withBytesThatAreNotAZip_isRejectedAndChangesNothing() {
        String name = uniqueName("code-not-zip");
        GetFunctionConfigurationResponse before = createActive(lambda, name);

        assertInvalidParameter(() -> lambda.updateFunctionCode(u -> u.functionName(name)
                        .zipFile(SdkBytes.fromUtf8String("this is not a zipfile, just a random string"))),
                "Could not unzip uploaded file. Please check your file, then try to upload again.");

        GetFunctionConfigurationResponse after = lambda.getFunctionConfiguration(g -> g.functionName(name));
        assertThat(after.codeSha256()).isEqualTo(before.codeSha256());
        assertThat(after.revisionId()).isEqualTo(before.revisionId());
    }

    @Test
    void updateFunctionCode_withImageUriOnAZipFunction_isRejected() {
        String name = uniqueName("code-image");
        createActive(lambda, name);

        assertInvalidParameter(() -> lambda.updateFunctionCode(u -> u.functionName(name)
                        .imageUri("123456789012.dkr.ecr.us-east-1.amazonaws.com/repo:latest")),
                "Please don't provide ImageUri when updating a function with packageType Zip.");
    }

    @Test
    void updateFunctionCode_fromS3_isRefused() {
        String name = uniqueName("code-s3");
        createActive(lambda, name);

        assertInvalidParameter(() -> lambda.updateFunctionCode(u -> u.functionName(name).s3Bucket("b").s3Key("k.zip")),
                "Hearth does not support code from S3 yet (Code.S3Bucket/S3Key); send the .zip package inline with"
                        + " Code.ZipFile (the AWS CLI's --zip-file fileb://...).");
    }

    @Test
    void updateFunctionCode_ofMissingFunction_isNotFound() {
        String name = uniqueName("code-missing");

        assertNotFound(() -> lambda.updateFunctionCode(u -> u.functionName(name).zipFile(SdkBytes.fromByteArray(zip()))),
                functionNotFound(name));
    }

    // ---- failed creation ----------------------------------------------------------------------------

    @Test
    void createFunction_withZipWhoseEntriesCannotBeUnpacked_becomesFailed_andACodeUpdateRecoversIt() {
        String name = uniqueName("corrupt");
        lambda.createFunction(createRequest(name, corruptZip()).build());

        GetFunctionConfigurationResponse failed = await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> lambda.getFunctionConfiguration(g -> g.functionName(name)), c -> c.state() != State.PENDING);
        assertThat(failed.state()).isEqualTo(State.FAILED);
        assertThat(failed.stateReasonCode()).isEqualTo(StateReasonCode.INVALID_ZIP_FILE_EXCEPTION);
        assertThat(failed.lastUpdateStatus()).isEqualTo(LastUpdateStatus.FAILED);

        byte[] good = zip();
        UpdateFunctionCodeResponse retry = lambda.updateFunctionCode(u -> u.functionName(name)
                .zipFile(SdkBytes.fromByteArray(good)));

        assertThat(retry.state()).isEqualTo(State.PENDING);
        assertThat(retry.stateReason()).isEqualTo(BEING_CREATED);
        assertThat(retry.stateReasonCode()).isEqualTo(StateReasonCode.CREATING);
        assertThat(retry.lastUpdateStatus()).isNull();
        assertThat(awaitSettled(lambda, name).codeSha256()).isEqualTo(sha256Base64(good));
    }

    @Test
    void updateFunctionConfiguration_ofAFailedFunction_retriesTheCreation() {
        String name = uniqueName("corrupt-config");
        lambda.createFunction(createRequest(name, corruptZip()).build());
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> lambda.getFunctionConfiguration(g -> g.functionName(name)).state() == State.FAILED);

        UpdateFunctionConfigurationResponse r = lambda.updateFunctionConfiguration(u -> u.functionName(name).timeout(9));

        assertThat(r.state()).isEqualTo(State.PENDING);
        assertThat(r.timeout()).isEqualTo(9);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> lambda.getFunctionConfiguration(g -> g.functionName(name)).state() == State.FAILED);
    }

    /** A zip whose central directory is intact but whose only entry's compressed data is garbage. */
    private static byte[] corruptZip() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("app.py"));
            zip.write("def handler(event, context):\n    return event\n".repeat(50).getBytes());
            zip.closeEntry();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        byte[] out = bytes.toByteArray();
        int data = 30 + "app.py".length(); // local file header, then the name, then the data
        for (int i = data; i < data + 8; i++) {
            out[i] = (byte) 0xFF;
        }
        return out;
    }

    // ---- conflicts -------------------------------------------------------------------------------------

    @Test
    void updateFunctionConfiguration_whileAnotherUpdateIsInProgress_isAConflict() {
        String name = uniqueName("busy");
        createActive(lambda, name);
        // Thousands of files take the node far longer to unpack than one more request takes to arrive.
        lambda.updateFunctionCode(u -> u.functionName(name).zipFile(SdkBytes.fromByteArray(manyFilesZip(name))));

        assertAwsError(() -> lambda.updateFunctionConfiguration(u -> u.functionName(name).timeout(11)), 409,
                "ResourceConflictException", "The operation cannot be performed at this time. An update is in"
                        + " progress for resource: " + arn(name));
        GetFunctionConfigurationResponse during = lambda.getFunctionConfiguration(g -> g.functionName(name));
        assertThat(during.state()).isEqualTo(State.ACTIVE);
        assertThat(during.lastUpdateStatus()).isEqualTo(LastUpdateStatus.IN_PROGRESS);
        assertThat(during.lastUpdateStatusReason()).isEqualTo(BEING_CREATED);
        assertThat(during.lastUpdateStatusReasonCodeAsString()).isEqualTo("Creating");

        assertThat(awaitSettled(lambda, name).timeout()).isEqualTo(3);
    }

    @Test
    void updateFunctionCode_whileTheFunctionIsPending_isAConflict() {
        String name = uniqueName("pending");
        lambda.createFunction(createRequest(name, manyFilesZip(name)).build());

        assertAwsError(() -> lambda.updateFunctionCode(u -> u.functionName(name).zipFile(SdkBytes.fromByteArray(zip()))),
                409, "ResourceConflictException",
                "The operation cannot be performed at this time. The function is currently in the following state: Pending");
        awaitSettled(lambda, name);
    }

    /**
     * A zip of thousands of files, distinct per {@code salt}: the node unpacks each distinct zip once and
     * reuses it, so a zip another test already unpacked would activate at once and race nothing.
     */
    private static byte[] manyFilesZip(String salt) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("app.py", "def handler(event, context):\n    return event\n");
        files.put("salt.txt", salt);
        for (int i = 0; i < 4000; i++) {
            files.put("pkg/d" + (i % 40) + "/m" + i + ".py", "X = " + i + "\n");
        }
        return Zips.of(files);
    }

    @RepeatedTest(3)
    void updateFunctionConfiguration_concurrentlyWithTheSameRevisionId_letsExactlyOneWin() throws Exception {
        String name = uniqueName("race");
        String revision = createActive(lambda, name).revisionId();
        int threads = 8;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Object>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int i = 0; i < threads; i++) {
                String description = "writer " + i;
                results.add(pool.submit(() -> {
                    go.await();
                    try {
                        return lambda.updateFunctionConfiguration(u -> u.functionName(name).revisionId(revision)
                                .description(description));
                    } catch (LambdaException e) {
                        return e;
                    }
                }));
            }
            go.countDown();
            List<Object> outcomes = new ArrayList<>();
            for (Future<Object> f : results) {
                outcomes.add(f.get());
            }

            List<UpdateFunctionConfigurationResponse> wins = outcomes.stream()
                    .filter(UpdateFunctionConfigurationResponse.class::isInstance)
                    .map(UpdateFunctionConfigurationResponse.class::cast).toList();
            List<LambdaException> losses = outcomes.stream().filter(LambdaException.class::isInstance)
                    .map(LambdaException.class::cast).toList();
            assertThat(wins).hasSize(1);
            assertThat(losses).hasSize(threads - 1).allSatisfy(e -> {
                if (e.statusCode() == 412) {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("PreconditionFailedException");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(REVISION_MISMATCH);
                } else {
                    assertThat(e.statusCode()).isEqualTo(409);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ResourceConflictException");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The operation cannot be performed at"
                            + " this time. An update is in progress for resource: " + arn(name));
                }
            });
            assertThat(awaitSettled(lambda, name).description()).isEqualTo(wins.getFirst().description());
        }
    }
}
