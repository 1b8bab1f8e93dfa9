package dev.hearth.registry;

import dev.hearth.core.ErrorCode;
import dev.hearth.core.LambdaException;
import dev.hearth.registry.FunctionSettings.LoggingSettings;
import dev.hearth.registry.FunctionSettings.VpcSettings;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class FunctionRulesTest {

    private static final String ROLE = "arn:aws:iam::000000000000:role/lambda-role";
    private static final String LAYER_1 = "arn:aws:lambda:us-east-1:111111111111:layer:L:1";
    private static final String LAYER_2 = "arn:aws:lambda:us-east-1:111111111111:layer:L:2";
    private static final String OTHER_LAYER = "arn:aws:lambda:us-east-1:111111111111:layer:M:3";

    private final FunctionRules rules = new FunctionRules("us-east-1");

    /** A mutable builder of request settings: only what a test sets is "sent". */
    private static final class Settings {
        Optional<String> runtime = Optional.empty();
        Optional<String> handler = Optional.empty();
        Optional<String> role = Optional.empty();
        Optional<String> description = Optional.empty();
        Optional<Integer> timeout = Optional.empty();
        Optional<Integer> memorySize = Optional.empty();
        Optional<Map<String, String>> environment = Optional.empty();
        Optional<Integer> ephemeralStorage = Optional.empty();
        Optional<List<String>> architectures = Optional.empty();
        Optional<List<String>> layers = Optional.empty();
        Optional<String> tracingMode = Optional.empty();
        Optional<LoggingSettings> logging = Optional.empty();
        Optional<String> deadLetterTargetArn = Optional.empty();
        Optional<VpcSettings> vpc = Optional.empty();
        Optional<String> kmsKeyArn = Optional.empty();
        Optional<String> snapStartApplyOn = Optional.empty();

        FunctionSettings build() {
            return new FunctionSettings(runtime, handler, role, description, timeout, memorySize, environment,
                    ephemeralStorage, architectures, layers, tracingMode, logging, deadLetterTargetArn, vpc, kmsKeyArn,
                    snapStartApplyOn);
        }
    }

    /** What a minimal CreateFunction sends. */
    private static Settings create() {
        Settings s = new Settings();
        s.runtime = Optional.of("python3.12");
        s.handler = Optional.of("app.handler");
        s.role = Optional.of(ROLE);
        return s;
    }

    private static LoggingSettings logging(String format, String appLevel, String systemLevel) {
        return new LoggingSettings(Optional.ofNullable(format), Optional.ofNullable(appLevel),
                Optional.ofNullable(systemLevel), Optional.empty());
    }

    private FunctionConfig created(Settings s) {
        return rules.forCreate("f", s.build());
    }

    private static LambdaException failure(Executable call) {
        return catchThrowableOfType(LambdaException.class, call::execute);
    }

    private LambdaException createFailure(Settings s) {
        return failure(() -> created(s));
    }

    private static void assertValidation(LambdaException e, String message) {
        assertThat(e).as("expected a ValidationException").isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION);
        assertThat(e.getMessage()).isEqualTo(message);
    }

    private static void assertInvalidParameter(LambdaException e, String message) {
        assertThat(e).as("expected an InvalidParameterValueException").isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
        assertThat(e.getMessage()).isEqualTo(message);
    }

    // ---- defaults -------------------------------------------------------------------------------

    @Test
    void forCreate_withOnlyRequiredMembers_appliesAwsDefaults() {
        FunctionConfig c = created(create());

        assertThat(c.packageType()).isEqualTo("Zip");
        assertThat(c.runtime()).contains("python3.12");
        assertThat(c.handler()).contains("app.handler");
        assertThat(c.role()).isEqualTo(ROLE);
        assertThat(c.description()).isEmpty();
        assertThat(c.timeout()).isEqualTo(3);
        assertThat(c.memorySize()).isEqualTo(128);
        assertThat(c.ephemeralStorage()).isEqualTo(512);
        assertThat(c.architectures()).containsExactly("x86_64");
        assertThat(c.layers()).isEmpty();
        assertThat(c.tracingMode()).isEqualTo("PassThrough");
        assertThat(c.logging()).isEqualTo(new FunctionConfig.Logging("Text", Optional.empty(), Optional.empty(),
                "/aws/lambda/f"));
        assertThat(c.snapStartApplyOn()).isEqualTo("None");
        assertThat(c.environment()).as("absent unless sent, as AWS omits the key").isEmpty();
        assertThat(c.vpc()).isEmpty();
        assertThat(c.deadLetterTargetArn()).isEmpty();
        assertThat(c.kmsKeyArn()).isEmpty();
    }

    @Test
    void forCreate_withEveryMemberSent_usesThem() {
        Settings s = create();
        s.description = Optional.of("d");
        s.timeout = Optional.of(900);
        s.memorySize = Optional.of(10_240);
        s.ephemeralStorage = Optional.of(10_240);
        s.architectures = Optional.of(List.of("arm64"));
        s.tracingMode = Optional.of("Active");
        s.environment = Optional.of(Map.of());

        FunctionConfig c = created(s);

        assertThat(c.description()).isEqualTo("d");
        assertThat(c.timeout()).isEqualTo(900);
        assertThat(c.memorySize()).isEqualTo(10_240);
        assertThat(c.ephemeralStorage()).isEqualTo(10_240);
        assertThat(c.architectures()).containsExactly("arm64");
        assertThat(c.tracingMode()).isEqualTo("Active");
        assertThat(c.environment()).contains(Map.of());
    }

    @Test
    void forCreate_withoutRuntimeOrHandler_isRefused() {
        String message = "Runtime and Handler are mandatory parameters for functions created with deployment packages.";
        Settings noRuntime = create();
        noRuntime.runtime = Optional.empty();
        Settings noHandler = create();
        noHandler.handler = Optional.empty();

        assertInvalidParameter(createFailure(noRuntime), message);
        assertInvalidParameter(createFailure(noHandler), message);
    }

    // ---- request-shape constraints (ValidationException) ----------------------------------------

    @Nested
    class ShapeConstraints {

        @Test
        void role_notAnIamRoleArn() {
            Settings s = create();
            s.role = Optional.of("r1");

            assertValidation(createFailure(s), "1 validation error detected: Value 'r1' at 'role' failed to satisfy"
                    + " constraint: Member must satisfy regular expression pattern:"
                    + " arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+");
        }

        @Test
        void timeout_belowOneAndAboveNineHundred() {
            Settings low = create();
            low.timeout = Optional.of(0);
            Settings high = create();
            high.timeout = Optional.of(901);

            assertValidation(createFailure(low), "1 validation error detected: Value '0' at 'timeout' failed to satisfy"
                    + " constraint: Member must have value greater than or equal to 1");
            assertValidation(createFailure(high), "1 validation error detected: Value '901' at 'timeout' failed to"
                    + " satisfy constraint: Member must have value less than or equal to 900");
        }

        @Test
        void memorySize_outsideTheRange() {
            Settings low = create();
            low.memorySize = Optional.of(127);
            Settings high = create();
            high.memorySize = Optional.of(5_555_555);

            assertValidation(createFailure(low), "1 validation error detected: Value '127' at 'memorySize' failed to"
                    + " satisfy constraint: Member must have value greater than or equal to 128");
            assertValidation(createFailure(high), "1 validation error detected: Value '5555555' at 'memorySize' failed"
                    + " to satisfy constraint: Member must have value less than or equal to 10240");
        }

        @Test
        void ephemeralStorage_outsideTheRange() {
            Settings low = create();
            low.ephemeralStorage = Optional.of(511);
            Settings high = create();
            high.ephemeralStorage = Optional.of(3_000_000);

            assertValidation(createFailure(low), "1 validation error detected: Value '511' at 'ephemeralStorage.size'"
                    + " failed to satisfy constraint: Member must have value greater than or equal to 512");
            assertValidation(createFailure(high), "1 validation error detected: Value '3000000' at"
                    + " 'ephemeralStorage.size' failed to satisfy constraint: Member must have value less than or"
                    + " equal to 10240");
        }

        @Test
        void description_longerThan256() {
            Settings s = create();
            s.description = Optional.of("d".repeat(257));

            assertValidation(createFailure(s), "1 validation error detected: Value '" + "d".repeat(257)
                    + "' at 'description' failed to satisfy constraint: Member must have length less than or equal to 256");
        }

        @Test
        void handler_tooLongOrWithWhitespace() {
            Settings longHandler = create();
            longHandler.handler = Optional.of("h".repeat(129));
            Settings spaced = create();
            spaced.handler = Optional.of("app handler");

            assertValidation(createFailure(longHandler), "1 validation error detected: Value '" + "h".repeat(129)
                    + "' at 'handler' failed to satisfy constraint: Member must have length less than or equal to 128");
            assertValidation(createFailure(spaced), "1 validation error detected: Value 'app handler' at 'handler'"
                    + " failed to satisfy constraint: Member must satisfy regular expression pattern: [^\\s]+");
        }

        @Test
        void environmentKey_notMatchingThePattern() {
            Settings s = create();
            s.environment = Optional.of(Map.of("1BAD", "x"));

            assertValidation(createFailure(s), "1 validation error detected: Value at 'environment.variables' failed to"
                    + " satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression"
                    + " pattern: [a-zA-Z]([a-zA-Z0-9_])+]");
        }

        @Test
        void architectures_twoOrUnknown() {
            Settings two = create();
            two.architectures = Optional.of(List.of("x86_64", "arm64"));
            Settings unknown = create();
            unknown.architectures = Optional.of(List.of("X86_64"));

            assertValidation(createFailure(two), "1 validation error detected: Value '[x86_64, arm64]' at"
                    + " 'architectures' failed to satisfy constraint: Member must have length less than or equal to 1");
            assertValidation(createFailure(unknown), "1 validation error detected: Value '[X86_64]' at 'architectures'"
                    + " failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value"
                    + " set: [x86_64, arm64], Member must not be null]");
        }

        @Test
        void layer_withoutVersion() {
            Settings s = create();
            s.layers = Optional.of(List.of("arn:aws:lambda:us-east-1:111111111111:layer:L"));

            assertValidation(createFailure(s), "1 validation error detected: Value"
                    + " '[arn:aws:lambda:us-east-1:111111111111:layer:L]' at 'layers' failed to satisfy constraint:"
                    + " Member must satisfy constraint: [Member must have length less than or equal to 140, Member must"
                    + " have length greater than or equal to 1, Member must satisfy regular expression pattern:"
                    + " (arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+"
                    + ":lambda:::awslayer:[a-zA-Z0-9-_]+), Member must not be null]");
        }

        @Test
        void snapStart_unknownApplyOn() {
            Settings s = create();
            s.snapStartApplyOn = Optional.of("invalidOption");

            assertValidation(createFailure(s), "1 validation error detected: Value 'invalidOption' at"
                    + " 'snapStart.applyOn' failed to satisfy constraint: Member must satisfy enum value set:"
                    + " [PublishedVersions, None]");
        }

        @Test
        void tracingMode_unknown() {
            Settings s = create();
            s.tracingMode = Optional.of("On");

            assertValidation(createFailure(s), "1 validation error detected: Value 'On' at 'tracingConfig.mode' failed"
                    + " to satisfy constraint: Member must satisfy enum value set: [Active, PassThrough]");
        }

        @Test
        void logFormatAndLevels_unknown() {
            Settings s = create();
            s.logging = Optional.of(logging("XML", "LOUD", null));

            assertValidation(createFailure(s), "2 validation errors detected: Value 'XML' at 'loggingConfig.logFormat'"
                    + " failed to satisfy constraint: Member must satisfy enum value set: [JSON, Text]; Value 'LOUD' at"
                    + " 'loggingConfig.applicationLogLevel' failed to satisfy constraint: Member must satisfy enum value"
                    + " set: [TRACE, DEBUG, INFO, WARN, ERROR, FATAL]");
        }

        @Test
        void severalMembersWrong_areReportedTogetherInRequestOrder() {
            Settings s = create();
            s.timeout = Optional.of(0);
            s.memorySize = Optional.of(64);

            assertValidation(createFailure(s), "2 validation errors detected: Value '0' at 'timeout' failed to satisfy"
                    + " constraint: Member must have value greater than or equal to 1; Value '64' at 'memorySize' failed"
                    + " to satisfy constraint: Member must have value greater than or equal to 128");
        }

        @Test
        void shapeErrors_comeBeforeTheMandatoryRuntimeCheck() {
            Settings s = new Settings();
            s.role = Optional.of(ROLE);
            s.timeout = Optional.of(0);

            assertThat(createFailure(s).code()).isEqualTo(ErrorCode.VALIDATION);
        }

        @Test
        void limits_themselvesAreAccepted() {
            Settings s = create();
            s.timeout = Optional.of(1);
            s.memorySize = Optional.of(128);
            s.ephemeralStorage = Optional.of(512);
            s.description = Optional.of("d".repeat(256));
            s.handler = Optional.of("h".repeat(128));

            assertThatCode(() -> created(s)).doesNotThrowAnyException();
        }
    }

    // ---- environment ------------------------------------------------------------------------------

    @Nested
    class Environment {

        /** A one-key map whose compact JSON {"LARGE_VAR":"x…x"} is exactly {@code bytes} long. */
        private static Map<String, String> ofJsonSize(int bytes) {
            return Map.of("LARGE_VAR", "x".repeat(bytes - "{\"LARGE_VAR\":\"\"}".length()));
        }

        @Test
        void exactly4096BytesOfCompactJson_isAccepted() {
            Settings s = create();
            s.environment = Optional.of(ofJsonSize(4096));

            assertThat(created(s).environment()).contains(ofJsonSize(4096));
        }

        @Test
        void over4096Bytes_isRefusedQuotingTheMeasuredString() {
            Settings s = create();
            s.environment = Optional.of(ofJsonSize(4097));

            assertInvalidParameter(createFailure(s), "Lambda was unable to configure your environment variables because"
                    + " the environment variables you have provided exceeded the 4KB limit. String measured:"
                    + " {\"LARGE_VAR\":\"" + "x".repeat(4081) + "\"}");
        }

        @Test
        void measuredString_keepsTheRequestsKeyOrder() {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("SMALL_VAR", "ok");
            env.put("LARGE_VAR", "x".repeat(4064));
            Settings s = create();
            s.environment = Optional.of(env);

            LambdaException e = createFailure(s);

            assertThat(e.getMessage()).endsWith("String measured: {\"SMALL_VAR\":\"ok\",\"LARGE_VAR\":\""
                    + "x".repeat(4064) + "\"}");
        }

        @Test
        void compactJson_escapesAndCountsUtf8Bytes() {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("A", "say \"hi\"\n\\");
            env.put("B", "é");

            String json = FunctionRules.compactJson(env);

            assertThat(json).isEqualTo("{\"A\":\"say \\\"hi\\\"\\n\\\\\",\"B\":\"é\"}");
            assertThat(json.getBytes(StandardCharsets.UTF_8)).hasSize(json.length() + 1);
        }

        @Test
        void multiByteCharacters_countAsTheirUtf8Length() {
            // 2048 two-byte characters are 4096 bytes of value alone: over the limit although 2048 chars.
            Settings s = create();
            s.environment = Optional.of(Map.of("KEY", "é".repeat(2048)));

            assertThat(createFailure(s).getMessage()).contains("exceeded the 4KB limit");
        }

        @Test
        void reservedKey_isRefused() {
            Settings s = create();
            s.environment = Optional.of(Map.of("AWS_REGION", "eu-west-1", "MINE", "x"));

            assertInvalidParameter(createFailure(s), "Lambda was unable to configure your environment variables because"
                    + " the environment variables you have provided contains reserved keys that are currently not"
                    + " supported for modification. Reserved keys used in this request: AWS_REGION");
        }

        @Test
        void severalReservedKeys_areAllNamed() {
            Settings s = create();
            s.environment = Optional.of(Map.of("AWS_REGION", "x", "AWS_ACCESS_KEY_ID", "y", "LAMBDA_RUNTIME_DIR", "z"));

            assertThat(createFailure(s).getMessage())
                    .contains("Reserved keys used in this request: ")
                    .contains("AWS_REGION", "AWS_ACCESS_KEY_ID", "LAMBDA_RUNTIME_DIR");
        }

        @Test
        void keyStartingWithUnderscore_failsTheKeyPatternBeforeTheReservedCheck() {
            Settings s = create();
            s.environment = Optional.of(Map.of("_HANDLER", "x"));

            assertThat(createFailure(s).code()).isEqualTo(ErrorCode.VALIDATION);
        }

        @Test
        void singleCharacterKey_failsTheKeyPattern() {
            Settings s = create();
            s.environment = Optional.of(Map.of("A", "x"));

            assertThat(createFailure(s).code()).isEqualTo(ErrorCode.VALIDATION);
        }

        @ParameterizedTest
        @ValueSource(strings = {"AWS_LAMBDA_FUNCTION_NAME", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                "LAMBDA_TASK_ROOT", "AWS_LAMBDA_RUNTIME_API"})
        void runtimeOwnedKeys_areReserved(String key) {
            Settings s = create();
            s.environment = Optional.of(Map.of(key, "x"));

            assertThat(createFailure(s).getMessage()).endsWith("Reserved keys used in this request: " + key);
        }

        @Test
        void reservedKey_onUpdate_isRefusedToo() {
            FunctionConfig current = created(create());
            Settings update = new Settings();
            update.environment = Optional.of(Map.of("AWS_REGION", "x"));

            assertThat(failure(() -> rules.forUpdate(current, update.build())).code())
                    .isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
        }
    }

    // ---- runtime ----------------------------------------------------------------------------------

    @Nested
    class Runtime {

        @ParameterizedTest
        @ValueSource(strings = {"python3.7", "nodejs14.x", "go1.x", "java8", "dotnet6"})
        void deprecated_isRefusedOnCreate(String runtime) {
            Settings s = create();
            s.runtime = Optional.of(runtime);

            assertInvalidParameter(createFailure(s), "The runtime parameter of " + runtime + " is no longer supported"
                    + " for creating or updating AWS Lambda functions. We recommend you use a supported runtime while"
                    + " creating or updating functions.");
        }

        @ParameterizedTest
        @ValueSource(strings = {"python3.9", "python3.13", "nodejs18.x", "nodejs22.x", "java21", "provided.al2023",
                "provided"})
        void supported_isAccepted(String runtime) {
            Settings s = create();
            s.runtime = Optional.of(runtime);

            assertThat(created(s).runtime()).contains(runtime);
        }

        @ParameterizedTest
        @ValueSource(strings = {"non-existent-runtime", "PYTHON3.9"})
        void unknown_isAnInvalidParameterListingTheEnum(String runtime) {
            Settings s = create();
            s.runtime = Optional.of(runtime);

            LambdaException e = createFailure(s);

            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
            assertThat(e.getMessage())
                    .startsWith("Value " + runtime + " at 'runtime' failed to satisfy constraint: Member must satisfy"
                            + " enum value set: [nodejs20.x, provided.al2023, python3.12, ")
                    .endsWith("] or be a valid ARN")
                    .doesNotContain("validation error detected");
        }

        @Test
        void deprecated_onUpdate_isRefusedWhenSent() {
            FunctionConfig current = created(create());
            Settings update = new Settings();
            update.runtime = Optional.of("python3.8");

            assertThat(failure(() -> rules.forUpdate(current, update.build())).getMessage())
                    .startsWith("The runtime parameter of python3.8 is no longer supported");
        }

        @Test
        void deprecatedRuntimeAlreadyStored_doesNotBlockAnUpdateThatDoesNotSendIt() {
            FunctionConfig legacy = FunctionRules.apply(created(create()), runtimeOnly("python3.7"));
            Settings update = new Settings();
            update.memorySize = Optional.of(256);

            FunctionConfig next = rules.forUpdate(legacy, update.build());

            assertThat(next.runtime()).contains("python3.7");
            assertThat(next.memorySize()).isEqualTo(256);
        }

        private static FunctionSettings runtimeOnly(String runtime) {
            Settings s = new Settings();
            s.runtime = Optional.of(runtime);
            return s.build();
        }

        @Test
        void snapStart_onPython39_isRefused_andOnJava21Accepted() {
            Settings python = create();
            python.runtime = Optional.of("python3.9");
            python.snapStartApplyOn = Optional.of("PublishedVersions");
            Settings java = create();
            java.runtime = Optional.of("java21");
            java.handler = Optional.of("example.Handler::handleRequest");
            java.snapStartApplyOn = Optional.of("PublishedVersions");

            assertInvalidParameter(createFailure(python), "python3.9 is not supported for SnapStart enabled functions.");
            assertThat(created(java).snapStartApplyOn()).isEqualTo("PublishedVersions");
        }
    }

    // ---- logging ----------------------------------------------------------------------------------

    @Nested
    class Logging {

        @Test
        void jsonFormat_defaultsBothLevelsToInfo() {
            Settings s = create();
            s.logging = Optional.of(logging("JSON", null, null));

            FunctionConfig.Logging l = created(s).logging();

            assertThat(l).isEqualTo(new FunctionConfig.Logging("JSON", Optional.of("INFO"), Optional.of("INFO"),
                    "/aws/lambda/f"));
        }

        @Test
        void jsonFormat_keepsSentLevels() {
            Settings s = create();
            s.logging = Optional.of(logging("JSON", "DEBUG", "WARN"));

            FunctionConfig.Logging l = created(s).logging();

            assertThat(l.applicationLogLevel()).contains("DEBUG");
            assertThat(l.systemLogLevel()).contains("WARN");
        }

        @Test
        void levelsWithTextFormat_areRefused() {
            Settings s = create();
            s.logging = Optional.of(logging("Text", "DEBUG", null));

            assertInvalidParameter(createFailure(s), "Invalid LoggingConfig: Log level can be configured only for"
                    + " functions with JSON log format.");
        }

        @Test
        void levelsWithoutFormat_onATextFunction_areRefused() {
            Settings s = create();
            s.logging = Optional.of(logging(null, null, "WARN"));

            assertThat(createFailure(s).code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
        }

        @Test
        void customLogGroup_isKept() {
            Settings s = create();
            s.logging = Optional.of(new LoggingSettings(Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.of("/my/group")));

            assertThat(created(s).logging().logGroup()).isEqualTo("/my/group");
        }

        @Test
        void update_switchingBackToText_dropsTheLevels() {
            Settings json = create();
            json.logging = Optional.of(logging("JSON", "DEBUG", null));
            FunctionConfig current = created(json);
            Settings update = new Settings();
            update.logging = Optional.of(logging("Text", null, null));

            FunctionConfig.Logging l = rules.forUpdate(current, update.build()).logging();

            assertThat(l).isEqualTo(new FunctionConfig.Logging("Text", Optional.empty(), Optional.empty(),
                    "/aws/lambda/f"));
        }

        @Test
        void update_ofOnlyALevel_keepsJsonAndTheOtherLevel() {
            Settings json = create();
            json.logging = Optional.of(logging("JSON", "DEBUG", "WARN"));
            FunctionConfig current = created(json);
            Settings update = new Settings();
            update.logging = Optional.of(logging(null, "ERROR", null));

            FunctionConfig.Logging l = rules.forUpdate(current, update.build()).logging();

            assertThat(l.logFormat()).isEqualTo("JSON");
            assertThat(l.applicationLogLevel()).contains("ERROR");
            assertThat(l.systemLogLevel()).contains("WARN");
        }
    }

    // ---- layers -----------------------------------------------------------------------------------

    @Nested
    class Layers {

        private LambdaException withLayers(String... arns) {
            Settings s = create();
            s.layers = Optional.of(List.of(arns));
            return createFailure(s);
        }

        @Test
        void moreThanFive_isRefused() {
            LambdaException e = withLayers("arn:aws:lambda:us-east-1:111111111111:layer:A:1",
                    "arn:aws:lambda:us-east-1:111111111111:layer:B:1", "arn:aws:lambda:us-east-1:111111111111:layer:C:1",
                    "arn:aws:lambda:us-east-1:111111111111:layer:D:1", "arn:aws:lambda:us-east-1:111111111111:layer:E:1",
                    "arn:aws:lambda:us-east-1:111111111111:layer:F:1");

            assertInvalidParameter(e, "Cannot reference more than 5 layers.");
        }

        @Test
        void twoVersionsOfOneLayer_areRefusedNamingBoth() {
            assertInvalidParameter(withLayers(LAYER_1, LAYER_2), "Two different versions of the same layer are not"
                    + " allowed to be referenced in the same function. " + LAYER_1 + " and " + LAYER_2
                    + " are versions of the same layer.");
        }

        @Test
        void sameLayerVersionTwice_isRefusedWithTheSameMessage() {
            assertInvalidParameter(withLayers(LAYER_1, LAYER_1), "Two different versions of the same layer are not"
                    + " allowed to be referenced in the same function. " + LAYER_1 + " and " + LAYER_1
                    + " are versions of the same layer.");
        }

        @Test
        void threeVersions_nameOnlyTheFirstTwo() {
            String third = "arn:aws:lambda:us-east-1:111111111111:layer:L:3";

            assertThat(withLayers(LAYER_1, LAYER_2, third).getMessage()).contains(LAYER_1 + " and " + LAYER_2)
                    .doesNotContain(third);
        }

        @Test
        void layerFromAnotherRegion_isRefused() {
            assertInvalidParameter(withLayers("arn:aws:lambda:eu-west-1:111111111111:layer:L:1"),
                    "Layers are not in the same region as the function. Layers are expected to be in region us-east-1.");
        }

        @Test
        void wellFormedLayer_doesNotExistOnThisNode() {
            assertInvalidParameter(withLayers(LAYER_1), "Layer version " + LAYER_1 + " does not exist.");
        }

        @Test
        void emptyLayerList_isAccepted() {
            Settings s = create();
            s.layers = Optional.of(List.of());

            assertThat(created(s).layers()).isEmpty();
        }

        @Test
        void existingLayers_areResolvedInTheOrderSent_andAnUnsentListKeepsTheCurrentOne() {
            FunctionConfig.LayerRef one = new FunctionConfig.LayerRef(LAYER_1, 10, "a".repeat(64), 100);
            FunctionConfig.LayerRef other = new FunctionConfig.LayerRef(OTHER_LAYER, 20, "b".repeat(64), 200);
            FunctionRules withStore = new FunctionRules("us-east-1",
                    arn -> java.util.stream.Stream.of(one, other).filter(l -> l.arn().equals(arn)).findFirst());
            Settings s = create();
            s.layers = Optional.of(List.of(OTHER_LAYER, LAYER_1));

            FunctionConfig c = withStore.forCreate("f", s.build());
            Settings timeoutOnly = new Settings();
            timeoutOnly.timeout = Optional.of(9);

            assertThat(c.layers()).containsExactly(other, one);
            assertThat(withStore.forUpdate(c, timeoutOnly.build()).layers()).containsExactly(other, one);
        }
    }

    // ---- update -----------------------------------------------------------------------------------

    @Nested
    class Update {

        private FunctionConfig rich() {
            Settings s = create();
            s.description = Optional.of("first");
            s.memorySize = Optional.of(256);
            s.timeout = Optional.of(10);
            s.environment = Optional.of(Map.of("AA", "1"));
            s.architectures = Optional.of(List.of("arm64"));
            s.tracingMode = Optional.of("Active");
            s.deadLetterTargetArn = Optional.of("arn:aws:sqs:us-east-1:000000000000:dlq");
            s.kmsKeyArn = Optional.of("arn:aws:kms:us-east-1:000000000000:key/k");
            s.vpc = Optional.of(new VpcSettings(Optional.of(List.of("subnet-1")), Optional.of(List.of("sg-1")),
                    Optional.empty()));
            s.logging = Optional.of(logging("JSON", "DEBUG", null));
            return created(s);
        }

        @Test
        void unsentMembers_keepTheirCurrentValues() {
            FunctionConfig current = rich();
            Settings update = new Settings();
            update.timeout = Optional.of(30);

            FunctionConfig next = rules.forUpdate(current, update.build());

            assertThat(next.timeout()).isEqualTo(30);
            assertThat(next).usingRecursiveComparison().ignoringFields("timeout").isEqualTo(current);
        }

        @Test
        void nothingSent_changesNothing() {
            FunctionConfig current = rich();

            assertThat(rules.forUpdate(current, FunctionSettings.none())).isEqualTo(current);
        }

        @Test
        void environmentSent_replacesTheWholeMap_andAnEmptyMapStaysPresent() {
            FunctionConfig current = rich();
            Settings update = new Settings();
            update.environment = Optional.of(Map.of());

            assertThat(rules.forUpdate(current, update.build()).environment()).contains(Map.of());
        }

        @Test
        void emptyDeadLetterAndKmsArns_clearThem() {
            FunctionConfig current = rich();
            Settings update = new Settings();
            update.deadLetterTargetArn = Optional.of("");
            update.kmsKeyArn = Optional.of("");

            FunctionConfig next = rules.forUpdate(current, update.build());

            assertThat(next.deadLetterTargetArn()).isEmpty();
            assertThat(next.kmsKeyArn()).isEmpty();
        }

        @Test
        void partialVpc_keepsTheUnsentLists() {
            FunctionConfig current = rich();
            Settings update = new Settings();
            update.vpc = Optional.of(new VpcSettings(Optional.empty(), Optional.of(List.of()), Optional.of(true)));

            FunctionConfig.Vpc vpc = rules.forUpdate(current, update.build()).vpc().orElseThrow();

            assertThat(vpc).isEqualTo(new FunctionConfig.Vpc(List.of("subnet-1"), List.of(), true));
        }

        @Test
        void invalidMember_isRefusedAndDoesNotNeedRuntimeOrHandler() {
            FunctionConfig current = rich();
            Settings update = new Settings();
            update.memorySize = Optional.of(1);

            assertThat(failure(() -> rules.forUpdate(current, update.build())).code()).isEqualTo(ErrorCode.VALIDATION);
        }
    }
}
