package dev.hearth.api;

import dev.hearth.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.ApplicationLogLevel;
import software.amazon.awssdk.services.lambda.model.Architecture;
import software.amazon.awssdk.services.lambda.model.CreateFunctionRequest;
import software.amazon.awssdk.services.lambda.model.CreateFunctionResponse;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;
import software.amazon.awssdk.services.lambda.model.LogFormat;
import software.amazon.awssdk.services.lambda.model.PackageType;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;
import software.amazon.awssdk.services.lambda.model.SnapStartApplyOn;
import software.amazon.awssdk.services.lambda.model.SnapStartOptimizationStatus;
import software.amazon.awssdk.services.lambda.model.State;
import software.amazon.awssdk.services.lambda.model.StateReasonCode;
import software.amazon.awssdk.services.lambda.model.SystemLogLevel;
import software.amazon.awssdk.services.lambda.model.TracingMode;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static dev.hearth.api.Fixtures.BEING_CREATED;
import static dev.hearth.api.Fixtures.HANDLER;
import static dev.hearth.api.Fixtures.REGION;
import static dev.hearth.api.Fixtures.ROLE;
import static dev.hearth.api.Fixtures.ROLE_PATTERN;
import static dev.hearth.api.Fixtures.RUNTIME;
import static dev.hearth.api.Fixtures.RUNTIME_ENUM;
import static dev.hearth.api.Fixtures.arn;
import static dev.hearth.api.Fixtures.assertAwsError;
import static dev.hearth.api.Fixtures.assertNotFound;
import static dev.hearth.api.Fixtures.awaitSettled;
import static dev.hearth.api.Fixtures.create;
import static dev.hearth.api.Fixtures.createRequest;
import static dev.hearth.api.Fixtures.functionCount;
import static dev.hearth.api.Fixtures.functionNotFound;
import static dev.hearth.api.Fixtures.oneValidationError;
import static dev.hearth.api.Fixtures.sha256Base64;
import static dev.hearth.api.Fixtures.uniqueName;
import static dev.hearth.api.Fixtures.zip;
import static org.assertj.core.api.Assertions.assertThat;

/** CreateFunction through the AWS SDK: the response AWS gives, every configuration member, and every refusal. */
class CreateFunctionTest {
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

    // ---- success ---------------------------------------------------------------------------------

    @Test
    void createFunction_withMinimalRequest_returns201PendingWithAwsDefaults() {
        String name = uniqueName("minimal");
        byte[] zip = zip();

        CreateFunctionResponse r = lambda.createFunction(createRequest(name, zip).build());

        assertThat(r.sdkHttpResponse().statusCode()).isEqualTo(201);
        assertThat(r.functionName()).isEqualTo(name);
        assertThat(r.functionArn()).isEqualTo(arn(name));
        assertThat(r.runtimeAsString()).isEqualTo(RUNTIME);
        assertThat(r.handler()).isEqualTo(HANDLER);
        assertThat(r.role()).isEqualTo(ROLE);
        assertThat(r.state()).isEqualTo(State.PENDING);
        assertThat(r.stateReason()).isEqualTo(BEING_CREATED);
        assertThat(r.stateReasonCode()).isEqualTo(StateReasonCode.CREATING);
        assertThat(r.lastUpdateStatus()).isNull();
        assertThat(r.lastUpdateStatusReason()).isNull();
        assertThat(r.lastUpdateStatusReasonCode()).isNull();
        assertThat(r.codeSha256()).isEqualTo(sha256Base64(zip));
        assertThat(r.codeSize()).isEqualTo(zip.length);
        assertThat(r.description()).isEmpty();
        assertThat(r.timeout()).isEqualTo(3);
        assertThat(r.memorySize()).isEqualTo(128);
        assertThat(r.version()).isEqualTo("$LATEST");
        assertThat(r.packageType()).isEqualTo(PackageType.ZIP);
        assertThat(r.architectures()).containsExactly(Architecture.X86_64);
        assertThat(r.ephemeralStorage().size()).isEqualTo(512);
        assertThat(r.tracingConfig().mode()).isEqualTo(TracingMode.PASS_THROUGH);
        assertThat(r.snapStart().applyOn()).isEqualTo(SnapStartApplyOn.NONE);
        assertThat(r.snapStart().optimizationStatus()).isEqualTo(SnapStartOptimizationStatus.OFF);
        assertThat(r.loggingConfig().logFormat()).isEqualTo(LogFormat.TEXT);
        assertThat(r.loggingConfig().logGroup()).isEqualTo("/aws/lambda/" + name);
        assertThat(r.loggingConfig().applicationLogLevel()).isNull();
        assertThat(r.loggingConfig().systemLogLevel()).isNull();
        assertThat(r.runtimeVersionConfig().runtimeVersionArn()).matches("arn:aws:lambda:" + REGION + "::runtime:[0-9a-f]+");
        assertThat(r.revisionId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(r.lastModified()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}\\+0000");
        // Members never sent are absent, as on AWS.
        assertThat(r.environment()).isNull();
        assertThat(r.vpcConfig()).isNull();
        assertThat(r.deadLetterConfig()).isNull();
        assertThat(r.kmsKeyArn()).isNull();
        assertThat(r.hasLayers()).isFalse();
    }

    @Test
    void createFunction_thenGet_becomesActiveWithSuccessfulLastUpdateAndANewRevision() {
        String name = uniqueName("settles");
        CreateFunctionResponse created = create(lambda, name);

        var settled = awaitSettled(lambda, name);

        assertThat(settled.state()).isEqualTo(State.ACTIVE);
        assertThat(settled.lastUpdateStatus()).isEqualTo(LastUpdateStatus.SUCCESSFUL);
        assertThat(settled.stateReason()).isNull();
        assertThat(settled.stateReasonCode()).isNull();
        assertThat(settled.lastUpdateStatusReason()).isNull();
        assertThat(settled.lastUpdateStatusReasonCode()).isNull();
        assertThat(settled.revisionId()).as("Pending→Active issues a new revision").isNotEqualTo(created.revisionId());
        assertThat(settled.codeSha256()).isEqualTo(created.codeSha256());
        assertThat(settled.lastModified()).isEqualTo(created.lastModified());
        assertThat(settled.runtimeVersionConfig()).isEqualTo(created.runtimeVersionConfig());
    }

    @Test
    void createFunction_thenSdkWaiter_seesTheFunctionActive() {
        String name = uniqueName("waiter");
        create(lambda, name);

        var outcome = lambda.waiter().waitUntilFunctionActiveV2(r -> r.functionName(name));

        assertThat(outcome.matched().response()).hasValueSatisfying(
                r -> assertThat(r.configuration().state()).isEqualTo(State.ACTIVE));
    }

    @Test
    void createFunction_withEveryConfigurationMember_echoesThemInCreateAndGet() {
        String name = uniqueName("everything");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("FIRST", "1");
        env.put("SECOND", "two");
        String dlq = "arn:aws:sqs:" + REGION + ":000000000000:dead-letters";
        String kms = "arn:aws:kms:" + REGION + ":000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab";

        CreateFunctionResponse r = lambda.createFunction(createRequest(name)
                .description("all the members")
                .timeout(30)
                .memorySize(512)
                .environment(e -> e.variables(env))
                .ephemeralStorage(e -> e.size(1024))
                .architectures(Architecture.ARM64)
                .tracingConfig(t -> t.mode(TracingMode.ACTIVE))
                .loggingConfig(l -> l.logFormat(LogFormat.JSON).applicationLogLevel(ApplicationLogLevel.DEBUG)
                        .systemLogLevel(SystemLogLevel.WARN).logGroup("/custom/group"))
                .deadLetterConfig(d -> d.targetArn(dlq))
                .vpcConfig(v -> v.subnetIds("subnet-1", "subnet-2").securityGroupIds("sg-1"))
                .kmsKeyArn(kms)
                .tags(Map.of("team", "hearth", "env", "test"))
                .build());

        assertThat(r.sdkHttpResponse().statusCode()).isEqualTo(201);
        assertThat(r.state()).isEqualTo(State.PENDING);
        assertEchoed(r.description(), r.timeout(), r.memorySize(), r.environment().variables(), r.ephemeralStorage().size(),
                r.architectures(), r.tracingConfig().mode(), r.loggingConfig(), r.deadLetterConfig().targetArn(),
                r.vpcConfig(), r.kmsKeyArn(), dlq, kms, env);

        awaitSettled(lambda, name);
        GetFunctionResponse got = lambda.getFunction(g -> g.functionName(name));
        var c = got.configuration();
        assertEchoed(c.description(), c.timeout(), c.memorySize(), c.environment().variables(), c.ephemeralStorage().size(),
                c.architectures(), c.tracingConfig().mode(), c.loggingConfig(), c.deadLetterConfig().targetArn(),
                c.vpcConfig(), c.kmsKeyArn(), dlq, kms, env);
        assertThat(got.tags()).containsExactlyInAnyOrderEntriesOf(Map.of("team", "hearth", "env", "test"));
        assertThat(lambda.listTags(t -> t.resource(arn(name))).tags())
                .containsExactlyInAnyOrderEntriesOf(Map.of("team", "hearth", "env", "test"));
    }

    private static void assertEchoed(String description, Integer timeout, Integer memory, Map<String, String> env,
                                     Integer ephemeral, List<Architecture> architectures, TracingMode tracing,
                                     software.amazon.awssdk.services.lambda.model.LoggingConfig logging, String dlq,
                                     software.amazon.awssdk.services.lambda.model.VpcConfigResponse vpc, String kms,
                                     String expectedDlq, String expectedKms, Map<String, String> expectedEnv) {
        assertThat(description).isEqualTo("all the members");
        assertThat(timeout).isEqualTo(30);
        assertThat(memory).isEqualTo(512);
        assertThat(env).containsExactlyEntriesOf(expectedEnv);
        assertThat(ephemeral).isEqualTo(1024);
        assertThat(architectures).containsExactly(Architecture.ARM64);
        assertThat(tracing).isEqualTo(TracingMode.ACTIVE);
        assertThat(logging.logFormat()).isEqualTo(LogFormat.JSON);
        assertThat(logging.applicationLogLevel()).isEqualTo(ApplicationLogLevel.DEBUG);
        assertThat(logging.systemLogLevel()).isEqualTo(SystemLogLevel.WARN);
        assertThat(logging.logGroup()).isEqualTo("/custom/group");
        assertThat(dlq).isEqualTo(expectedDlq);
        assertThat(vpc.subnetIds()).containsExactly("subnet-1", "subnet-2");
        assertThat(vpc.securityGroupIds()).containsExactly("sg-1");
        assertThat(vpc.vpcId()).isEmpty();
        assertThat(vpc.ipv6AllowedForDualStack()).isFalse();
        assertThat(kms).isEqualTo(expectedKms);
    }

    @Test
    void createFunction_withEmptyEnvironment_echoesEmptyVariables() {
        String name = uniqueName("empty-env");

        CreateFunctionResponse r = lambda.createFunction(createRequest(name).environment(e -> e.variables(Map.of())).build());

        assertThat(r.environment()).isNotNull();
        assertThat(r.environment().variables()).isEmpty();
    }

    @Test
    void createFunction_withJsonLogFormatAndNoLevels_defaultsBothLevelsToInfo() {
        String name = uniqueName("json-logs");

        CreateFunctionResponse r = lambda.createFunction(createRequest(name)
                .loggingConfig(l -> l.logFormat(LogFormat.JSON)).build());

        assertThat(r.loggingConfig().logFormat()).isEqualTo(LogFormat.JSON);
        assertThat(r.loggingConfig().applicationLogLevel()).isEqualTo(ApplicationLogLevel.INFO);
        assertThat(r.loggingConfig().systemLogLevel()).isEqualTo(SystemLogLevel.INFO);
        assertThat(r.loggingConfig().logGroup()).isEqualTo("/aws/lambda/" + name);
    }

    @Test
    void createFunction_withEnvironmentOfExactly4096Bytes_succeeds() {
        String name = uniqueName("env-4096");
        // {"BIG":"x…x"} is 10 bytes of framing around the value.
        Map<String, String> env = Map.of("BIG", "x".repeat(4096 - 10));

        CreateFunctionResponse r = lambda.createFunction(createRequest(name).environment(e -> e.variables(env)).build());

        assertThat(r.environment().variables()).isEqualTo(env);
    }

    // ---- refusals that leave nothing behind -----------------------------------------------------

    /** Asserts the create fails as given and leaves no function behind. */
    private static void assertCreateRefused(CreateFunctionRequest request, int status, String code, String message) {
        long before = functionCount(lambda);
        assertAwsError(() -> lambda.createFunction(request), status, code, message);
        assertThat(functionCount(lambda)).as("a refused create adds no function").isEqualTo(before);
        assertNotFound(() -> lambda.getFunction(g -> g.functionName(request.functionName())),
                functionNotFound(request.functionName()));
    }

    private static void assertCreateRefused(String name, UnaryOperator<CreateFunctionRequest.Builder> change, int status,
                                            String code, String message) {
        assertCreateRefused(change.apply(createRequest(name)).build(), status, code, message);
    }

    static Stream<Arguments> outOfRangeSettings() {
        return Stream.of(
                Arguments.of("memory 127", (UnaryOperator<CreateFunctionRequest.Builder>) b -> b.memorySize(127),
                        oneValidationError(127, "memorySize", "Member must have value greater than or equal to 128")),
                Arguments.of("memory 10241", (UnaryOperator<CreateFunctionRequest.Builder>) b -> b.memorySize(10241),
                        oneValidationError(10241, "memorySize", "Member must have value less than or equal to 10240")),
                Arguments.of("timeout 0", (UnaryOperator<CreateFunctionRequest.Builder>) b -> b.timeout(0),
                        oneValidationError(0, "timeout", "Member must have value greater than or equal to 1")),
                Arguments.of("timeout 901", (UnaryOperator<CreateFunctionRequest.Builder>) b -> b.timeout(901),
                        oneValidationError(901, "timeout", "Member must have value less than or equal to 900")),
                Arguments.of("ephemeral storage 511",
                        (UnaryOperator<CreateFunctionRequest.Builder>) b -> b.ephemeralStorage(e -> e.size(511)),
                        oneValidationError(511, "ephemeralStorage.size",
                                "Member must have value greater than or equal to 512")),
                Arguments.of("ephemeral storage 10241",
                        (UnaryOperator<CreateFunctionRequest.Builder>) b -> b.ephemeralStorage(e -> e.size(10241)),
                        oneValidationError(10241, "ephemeralStorage.size",
                                "Member must have value less than or equal to 10240")),
                Arguments.of("description of 257 characters",
                        (UnaryOperator<CreateFunctionRequest.Builder>) b -> b.description("d".repeat(257)),
                        oneValidationError("d".repeat(257), "description",
                                "Member must have length less than or equal to 256")),
                Arguments.of("handler with a space",
                        (UnaryOperator<CreateFunctionRequest.Builder>) b -> b.handler("app handler"),
                        oneValidationError("app handler", "handler",
                                "Member must satisfy regular expression pattern: [^\\s]+")),
                Arguments.of("role r1", (UnaryOperator<CreateFunctionRequest.Builder>) b -> b.role("r1"),
                        oneValidationError("r1", "role", "Member must satisfy regular expression pattern: " + ROLE_PATTERN)),
                Arguments.of("two architectures",
                        (UnaryOperator<CreateFunctionRequest.Builder>) b -> b.architectures(Architecture.X86_64,
                                Architecture.ARM64),
                        oneValidationError("[x86_64, arm64]", "architectures",
                                "Member must have length less than or equal to 1")),
                Arguments.of("upper-case architecture",
                        (UnaryOperator<CreateFunctionRequest.Builder>) b -> b.architecturesWithStrings("X86_64"),
                        oneValidationError("[X86_64]", "architectures", "Member must satisfy constraint: [Member must"
                                + " satisfy enum value set: [x86_64, arm64], Member must not be null]")),
                Arguments.of("environment key starting with a digit",
                        (UnaryOperator<CreateFunctionRequest.Builder>) b -> b.environment(e -> e.variables(
                                Map.of("1BAD", "x"))),
                        "1 validation error detected: Value at 'environment.variables' failed to satisfy constraint:"
                                + " Map keys must satisfy constraint: [Member must satisfy regular expression pattern:"
                                + " [a-zA-Z]([a-zA-Z0-9_])+]"),
                Arguments.of("tracing mode Sometimes",
                        (UnaryOperator<CreateFunctionRequest.Builder>) b -> b.tracingConfig(t -> t.mode("Sometimes")),
                        oneValidationError("Sometimes", "tracingConfig.mode",
                                "Member must satisfy enum value set: [Active, PassThrough]")),
                Arguments.of("SnapStart invalidOption",
                        (UnaryOperator<CreateFunctionRequest.Builder>) b -> b.snapStart(s -> s.applyOn("invalidOption")),
                        oneValidationError("invalidOption", "snapStart.applyOn",
                                "Member must satisfy enum value set: [PublishedVersions, None]")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outOfRangeSettings")
    void createFunction_withSettingOutsideTheModelConstraints_isRejectedWithValidationException(
            String label, UnaryOperator<CreateFunctionRequest.Builder> change, String message) {
        assertCreateRefused(uniqueName("invalid"), change, 400, "ValidationException", message);
    }

    @Test
    void createFunction_withSeveralInvalidSettings_reportsThemAllInOneValidationException() {
        String name = uniqueName("many-invalid");
        assertCreateRefused(name, b -> b.memorySize(64).timeout(0), 400, "ValidationException",
                "2 validation errors detected: Value '0' at 'timeout' failed to satisfy constraint: Member must have"
                        + " value greater than or equal to 1; Value '64' at 'memorySize' failed to satisfy constraint:"
                        + " Member must have value greater than or equal to 128");
    }

    @Test
    void createFunction_withoutRole_isRejectedAsMissingMember() {
        String name = uniqueName("no-role");
        assertCreateRefused(name, b -> b.role(null), 400, "ValidationException",
                "1 validation error detected: Value null at 'role' failed to satisfy constraint: Member must not be null");
    }

    @Test
    void createFunction_withUnknownRuntime_isRejectedWithTheEnumList() {
        assertCreateRefused(uniqueName("bad-runtime"), b -> b.runtime("non-existent-runtime"), 400,
                "InvalidParameterValueException", "Value non-existent-runtime at 'runtime' failed to satisfy constraint:"
                        + " Member must satisfy enum value set: " + RUNTIME_ENUM + " or be a valid ARN");
    }

    @Test
    void createFunction_withUpperCaseRuntime_isRejectedAsUnknown() {
        assertCreateRefused(uniqueName("upper-runtime"), b -> b.runtime("PYTHON3.9"), 400,
                "InvalidParameterValueException", "Value PYTHON3.9 at 'runtime' failed to satisfy constraint:"
                        + " Member must satisfy enum value set: " + RUNTIME_ENUM + " or be a valid ARN");
    }

    @Test
    void createFunction_withDeprecatedRuntime_isRejected() {
        assertCreateRefused(uniqueName("old-runtime"), b -> b.runtime("python3.7"), 400,
                "InvalidParameterValueException", "The runtime parameter of python3.7 is no longer supported for"
                        + " creating or updating AWS Lambda functions. We recommend you use a supported runtime while"
                        + " creating or updating functions.");
    }

    @Test
    void createFunction_withEnvironmentOver4KB_isRejectedQuotingTheMeasuredString() {
        Map<String, String> env = Map.of("LARGE_VAR", "x".repeat(4081));
        assertCreateRefused(uniqueName("env-big"), b -> b.environment(e -> e.variables(env)), 400,
                "InvalidParameterValueException", "Lambda was unable to configure your environment variables because the"
                        + " environment variables you have provided exceeded the 4KB limit. String measured: "
                        + "{\"LARGE_VAR\":\"" + "x".repeat(4081) + "\"}");
    }

    @Test
    void createFunction_withSeveralEnvironmentVariablesOver4KB_measuresThemInRequestOrder() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SMALL_VAR", "ok");
        env.put("LARGE_VAR", "x".repeat(4064));
        assertCreateRefused(uniqueName("env-order"), b -> b.environment(e -> e.variables(env)), 400,
                "InvalidParameterValueException", "Lambda was unable to configure your environment variables because the"
                        + " environment variables you have provided exceeded the 4KB limit. String measured: "
                        + "{\"SMALL_VAR\":\"ok\",\"LARGE_VAR\":\"" + "x".repeat(4064) + "\"}");
    }

    @Test
    void createFunction_withReservedEnvironmentKey_isRejectedNamingTheKey() {
        assertCreateRefused(uniqueName("env-reserved"), b -> b.environment(e -> e.variables(Map.of("AWS_REGION", "x"))),
                400, "InvalidParameterValueException", "Lambda was unable to configure your environment variables"
                        + " because the environment variables you have provided contains reserved keys that are"
                        + " currently not supported for modification. Reserved keys used in this request: AWS_REGION");
    }

    @Test
    void createFunction_withSixLayers_isRejected() {
        List<String> layers = Stream.of(1, 2, 3, 4, 5, 6)
                .map(i -> "arn:aws:lambda:" + REGION + ":000000000000:layer:layer" + i + ":1").toList();
        assertCreateRefused(uniqueName("six-layers"), b -> b.layers(layers), 400, "InvalidParameterValueException",
                "Cannot reference more than 5 layers.");
    }

    @Test
    void createFunction_withWellFormedLayerThatDoesNotExist_isRejected() {
        String layer = "arn:aws:lambda:" + REGION + ":000000000000:layer:doesnotexist:1";
        assertCreateRefused(uniqueName("no-layer"), b -> b.layers(layer), 400, "InvalidParameterValueException",
                "Layer version " + layer + " does not exist.");
    }

    @Test
    void createFunction_withLayerFromAnotherRegion_isRejected() {
        String layer = "arn:aws:lambda:eu-west-1:000000000000:layer:elsewhere:1";
        assertCreateRefused(uniqueName("far-layer"), b -> b.layers(layer), 400, "InvalidParameterValueException",
                "Layers are not in the same region as the function. Layers are expected to be in region " + REGION + ".");
    }

    @Test
    void createFunction_withSnapStartOnARuntimeWithoutIt_isRejected() {
        assertCreateRefused(uniqueName("snap"), b -> b.runtime("python3.9")
                        .snapStart(s -> s.applyOn(SnapStartApplyOn.PUBLISHED_VERSIONS)), 400,
                "InvalidParameterValueException", "python3.9 is not supported for SnapStart enabled functions.");
    }

    @Test
    void createFunction_withBytesThatAreNotAZip_isRejected() {
        String name = uniqueName("not-zip");
        assertCreateRefused(createRequest(name, "this is not a zipfile, just a random string".getBytes()).build(), 400,
                "InvalidParameterValueException",
                "Could not unzip uploaded file. Please check your file, then try to upload again.");
    }

    @Test
    void createFunction_withZipOverTheZippedLimit_isRejectedAsTooLarge() {
        byte[] big = new byte[52_428_801];
        assertCreateRefused(createRequest(uniqueName("huge"), big).build(), 413, "RequestEntityTooLargeException",
                "Zipped size must be smaller than 52428800 bytes");
    }

    @Test
    void createFunction_withZipThatUnpacksPastTheUnzippedLimit_isRejected() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("zeros.bin"));
            byte[] block = new byte[1 << 20];
            for (int i = 0; i < 250; i++) {
                zip.write(block);
            }
            zip.write(new byte[262_144_001 - 250 * (1 << 20)]);
            zip.closeEntry();
        }
        assertCreateRefused(createRequest(uniqueName("bomb"), bytes.toByteArray()).build(), 400,
                "InvalidParameterValueException", "Unzipped size must be smaller than 262144000 bytes");
    }

    @Test
    void createFunction_withExistingName_isRejectedAsConflict() {
        String name = uniqueName("twice");
        create(lambda, name);
        long before = functionCount(lambda);

        var e = assertAwsError(() -> create(lambda, name), 409, "ResourceConflictException",
                "Function already exist: " + name);

        assertThat(e).isInstanceOf(ResourceConflictException.class);
        assertThat(functionCount(lambda)).isEqualTo(before);
    }

    @Test
    void createFunction_ofOneNameFromSeveralThreadsAtOnce_createsItExactlyOnce() throws Exception {
        String name = uniqueName("race");
        int threads = 6;
        long before = functionCount(lambda);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Object>> outcomes = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int i = 0; i < threads; i++) {
                outcomes.add(pool.submit(() -> {
                    go.await();
                    try {
                        return create(lambda, name);
                    } catch (LambdaException e) {
                        return e;
                    }
                }));
            }
            go.countDown();
            List<Object> results = new ArrayList<>();
            for (Future<Object> f : outcomes) {
                results.add(f.get());
            }

            assertThat(results).filteredOn(CreateFunctionResponse.class::isInstance).hasSize(1);
            assertThat(results).filteredOn(LambdaException.class::isInstance).hasSize(threads - 1)
                    .allSatisfy(e -> {
                        LambdaException error = (LambdaException) e;
                        assertThat(error.statusCode()).isEqualTo(409);
                        assertThat(error.awsErrorDetails().errorMessage()).isEqualTo("Function already exist: " + name);
                    });
            assertThat(functionCount(lambda)).isEqualTo(before + 1);
        }
    }

    @Test
    void createFunction_withPublishTrue_answersVersion1UnderTheUnqualifiedArn_andPublishesIt() {
        String name = uniqueName("publish");

        var created = lambda.createFunction(createRequest(name).publish(true).build());

        assertThat(created.version()).isEqualTo("1");
        assertThat(created.functionArn()).isEqualTo(arn(name));
        assertThat(created.stateAsString()).isEqualTo("Pending");
        assertThat(lambda.listVersionsByFunction(l -> l.functionName(name)).versions())
                .extracting(v -> v.version()).containsExactly("$LATEST", "1");
    }

    @Test
    void createFunction_withCodeFromS3_isRefused() {
        assertCreateRefused(uniqueName("s3"), b -> b.code(c -> c.s3Bucket("bucket").s3Key("key.zip")), 400,
                "InvalidParameterValueException", "Hearth does not support code from S3 yet (Code.S3Bucket/S3Key);"
                        + " send the .zip package inline with Code.ZipFile (the AWS CLI's --zip-file fileb://...).");
    }

    @Test
    void createFunction_withImageUri_isRefused() {
        assertCreateRefused(uniqueName("image"), b -> b.code(c -> c.imageUri("123456789012.dkr.ecr.us-east-1"
                        + ".amazonaws.com/repo:latest")), 400, "InvalidParameterValueException",
                "Hearth does not support container image functions yet (Code.ImageUri); deploy a .zip package with"
                        + " Code.ZipFile.");
    }

    @Test
    void createFunction_withImagePackageType_isRefused() {
        assertCreateRefused(uniqueName("image-type"), b -> b.packageType(PackageType.IMAGE)
                        .code(c -> c.imageUri("123456789012.dkr.ecr.us-east-1.amazonaws.com/repo:latest")), 400,
                "InvalidParameterValueException", "Hearth does not support container image functions yet"
                        + " (PackageType Image); deploy a .zip package with Code.ZipFile.");
    }

    @Test
    void createFunction_withEmptyZipFile_isRejectedAsNotAZip() {
        assertCreateRefused(createRequest(uniqueName("empty-zip"), new byte[0]).build(), 400,
                "InvalidParameterValueException",
                "Could not unzip uploaded file. Please check your file, then try to upload again.");
    }

    @Test
    void createFunction_afterARefusedCreateOfTheSameName_succeeds() {
        String name = uniqueName("retry");
        assertCreateRefused(name, b -> b.memorySize(1), 400, "ValidationException",
                oneValidationError(1, "memorySize", "Member must have value greater than or equal to 128"));

        CreateFunctionResponse r = lambda.createFunction(createRequest(name).code(c -> c.zipFile(SdkBytes.fromByteArray(zip())))
                .build());

        assertThat(r.sdkHttpResponse().statusCode()).isEqualTo(201);
    }
}
