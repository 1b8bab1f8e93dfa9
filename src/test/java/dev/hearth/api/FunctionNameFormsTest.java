package dev.hearth.api;

import dev.hearth.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateFunctionResponse;

import static dev.hearth.api.Fixtures.ACCOUNT;
import static dev.hearth.api.Fixtures.CREATE_NAME_PATTERN;
import static dev.hearth.api.Fixtures.NAMESPACED_NAME_PATTERN;
import static dev.hearth.api.Fixtures.arn;
import static dev.hearth.api.Fixtures.assertAwsError;
import static dev.hearth.api.Fixtures.assertInvalidParameter;
import static dev.hearth.api.Fixtures.assertNotFound;
import static dev.hearth.api.Fixtures.assertValidation;
import static dev.hearth.api.Fixtures.awaitSettled;
import static dev.hearth.api.Fixtures.create;
import static dev.hearth.api.Fixtures.createRequest;
import static dev.hearth.api.Fixtures.functionCount;
import static dev.hearth.api.Fixtures.functionNotFound;
import static dev.hearth.api.Fixtures.oneValidationError;
import static dev.hearth.api.Fixtures.uniqueName;
import static dev.hearth.api.Fixtures.zip;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ways a caller can name a function (name, partial ARN {@code <account>:function:<name>}, full ARN,
 * each with an optional qualifier) and AWS's answers to names that are malformed, too long, in another
 * region or at odds with the Qualifier parameter.
 */
class FunctionNameFormsTest {
    private static final String WRONG_REGION = "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')";

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

    private static String partialArn(String name) {
        return ACCOUNT + ":function:" + name;
    }

    private static String foreignRegionArn(String name) {
        return "arn:aws:lambda:eu-west-1:" + ACCOUNT + ":function:" + name;
    }

    // ---- the three forms -----------------------------------------------------------------------------

    @Test
    void getFunction_byNamePartialArnOrFullArn_findsTheSameFunctionAndReportsItsUnqualifiedArn() {
        String name = uniqueName("forms");
        create(lambda, name);

        for (String form : new String[] {name, partialArn(name), arn(name)}) {
            var c = lambda.getFunction(g -> g.functionName(form)).configuration();
            assertThat(c.functionName()).as(form).isEqualTo(name);
            assertThat(c.functionArn()).as(form).isEqualTo(arn(name));
            assertThat(lambda.getFunctionConfiguration(g -> g.functionName(form)).functionArn()).isEqualTo(arn(name));
        }
    }

    @Test
    void createFunction_withFullArn_createsTheFunctionUnderItsBareName() {
        String name = uniqueName("create-arn");

        CreateFunctionResponse r = lambda.createFunction(createRequest(arn(name)).build());

        assertThat(r.sdkHttpResponse().statusCode()).isEqualTo(201);
        assertThat(r.functionName()).isEqualTo(name);
        assertThat(r.functionArn()).isEqualTo(arn(name));
        assertThat(r.loggingConfig().logGroup()).isEqualTo("/aws/lambda/" + name);
        assertThat(lambda.getFunction(g -> g.functionName(name)).configuration().functionName()).isEqualTo(name);
    }

    @Test
    void createFunction_withPartialArn_createsTheFunctionUnderItsBareName() {
        String name = uniqueName("create-partial");

        CreateFunctionResponse r = lambda.createFunction(createRequest(partialArn(name)).build());

        assertThat(r.functionName()).isEqualTo(name);
        assertThat(r.functionArn()).isEqualTo(arn(name));
    }

    @Test
    void updatesAndDelete_acceptEveryForm() {
        String name = uniqueName("update-forms");
        create(lambda, name);
        awaitSettled(lambda, name);

        assertThat(lambda.updateFunctionConfiguration(u -> u.functionName(partialArn(name)).timeout(5)).functionName())
                .isEqualTo(name);
        awaitSettled(lambda, name);
        assertThat(lambda.updateFunctionCode(u -> u.functionName(arn(name)).zipFile(SdkBytes.fromByteArray(zip())))
                .functionArn()).isEqualTo(arn(name));
        awaitSettled(lambda, name);
        lambda.deleteFunction(d -> d.functionName(partialArn(name)));
        assertNotFound(() -> lambda.getFunction(g -> g.functionName(name)), functionNotFound(name));
    }

    // ---- qualifiers -------------------------------------------------------------------------------------

    @Test
    void getFunction_withLatestInTheNameOrArn_reportsTheQualifiedArn() {
        String name = uniqueName("latest-forms");
        create(lambda, name);

        assertThat(lambda.getFunction(g -> g.functionName(name + ":$LATEST")).configuration().functionArn())
                .isEqualTo(arn(name) + ":$LATEST");
        assertThat(lambda.getFunction(g -> g.functionName(arn(name) + ":$LATEST")).configuration().functionArn())
                .isEqualTo(arn(name) + ":$LATEST");
        assertThat(lambda.getFunction(g -> g.functionName(arn(name) + ":$LATEST").qualifier("$LATEST"))
                .configuration().version()).isEqualTo("$LATEST");
    }

    @Test
    void getAndDelete_withQualifierThatContradictsTheArn_areRejected() {
        String name = uniqueName("mismatch");
        create(lambda, name);
        String message = "The derived qualifier from the function name does not match the specified qualifier.";

        assertInvalidParameter(() -> lambda.getFunction(g -> g.functionName(arn(name) + ":1").qualifier("$LATEST")),
                message);
        assertInvalidParameter(() -> lambda.getFunctionConfiguration(g -> g.functionName(arn(name) + ":1")
                .qualifier("$LATEST")), message);
        assertInvalidParameter(() -> lambda.deleteFunction(d -> d.functionName(arn(name) + ":1").qualifier("$LATEST")),
                message);
    }

    @Test
    void getFunction_ofMissingFunctionByLatestArnAndQualifier_isNotFoundWithTheQualifiedArn() {
        String name = uniqueName("some-function");

        assertNotFound(() -> lambda.getFunction(g -> g.functionName(arn(name) + ":$LATEST").qualifier("$LATEST")),
                "Function not found: " + arn(name) + ":$LATEST");
        assertNotFound(() -> lambda.getFunctionConfiguration(g -> g.functionName(arn(name) + ":$LATEST")
                .qualifier("$LATEST")), "Function not found: " + arn(name) + ":$LATEST");
    }

    // ---- other regions and accounts -------------------------------------------------------------------

    @Test
    void everyOperation_onAnArnFromAnotherRegion_isNotReachable() {
        String name = uniqueName("elsewhere");
        create(lambda, name);
        String foreign = foreignRegionArn(name);

        assertNotFound(() -> lambda.getFunction(g -> g.functionName(foreign)), WRONG_REGION);
        assertNotFound(() -> lambda.getFunctionConfiguration(g -> g.functionName(foreign)), WRONG_REGION);
        assertNotFound(() -> lambda.updateFunctionConfiguration(u -> u.functionName(foreign).timeout(5)), WRONG_REGION);
        assertNotFound(() -> lambda.updateFunctionCode(u -> u.functionName(foreign)
                .zipFile(SdkBytes.fromByteArray(zip()))), WRONG_REGION);
        assertNotFound(() -> lambda.deleteFunction(d -> d.functionName(foreign)), WRONG_REGION);
        assertNotFound(() -> lambda.listTags(t -> t.resource(foreign)), WRONG_REGION);
        assertThat(lambda.getFunction(g -> g.functionName(name)).configuration().functionName()).isEqualTo(name);
    }

    @Test
    void createFunction_withArnFromAnotherRegion_isNotReachableAndCreatesNothing() {
        String name = uniqueName("create-elsewhere");
        long before = functionCount(lambda);

        assertNotFound(() -> lambda.createFunction(createRequest(foreignRegionArn(name)).build()), WRONG_REGION);

        assertThat(functionCount(lambda)).isEqualTo(before);
    }

    @Test
    void createFunction_withArnOfAnotherAccount_isAccessDenied() {
        String name = uniqueName("create-foreign-account");
        long before = functionCount(lambda);

        var e = Fixtures.awsError(() -> lambda.createFunction(createRequest(
                "arn:aws:lambda:us-east-1:123456789012:function:" + name).build()));

        assertThat(e.statusCode()).isEqualTo(403);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
        assertThat(functionCount(lambda)).isEqualTo(before);
    }

    // ---- malformed names ------------------------------------------------------------------------------

    @Test
    void createFunction_withNameOf64Characters_succeeds() {
        String unique = uniqueName("len64");
        String name = unique + "x".repeat(64 - unique.length());

        assertThat(name).hasSize(64);
        assertThat(lambda.createFunction(createRequest(name).build()).functionName()).isEqualTo(name);
    }

    @Test
    void createFunction_withNameOf65Characters_isAnInvalidParameterValueWithTheValidationWording() {
        String name = "a".repeat(65);

        assertInvalidParameter(() -> lambda.createFunction(createRequest(name).build()),
                oneValidationError(name, "functionName", "Member must have length less than or equal to 64"));
    }

    @Test
    void createFunction_withArnLongerThan140Characters_isAValidationError() {
        String longArn = arn("f".repeat(100));

        assertValidation(() -> lambda.createFunction(createRequest(longArn).build()),
                oneValidationError(longArn, "functionName", "Member must have length less than or equal to 140"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"invalid:function:name", "my-function!", "my.function", "has space"})
    void createFunction_withCharactersOutsideThePattern_isAValidationErrorQuotingThePattern(String name) {
        long before = functionCount(lambda);

        assertValidation(() -> lambda.createFunction(createRequest(name).build()),
                oneValidationError(name, "functionName", "Member must satisfy regular expression pattern: "
                        + CREATE_NAME_PATTERN));

        assertThat(functionCount(lambda)).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"my-function!", "has space", "arn:aws:lambda:us-east-1:123400000000@function:myfn"})
    void getFunction_withCharactersOutsideThePattern_isAValidationErrorQuotingTheWiderPattern(String name) {
        assertValidation(() -> lambda.getFunction(g -> g.functionName(name)),
                oneValidationError(name, "functionName", "Member must satisfy regular expression pattern: "
                        + NAMESPACED_NAME_PATTERN));
    }

    @Test
    void getFunction_withADotInTheName_isAllowedByThePatternAndSimplyNotFound() {
        assertNotFound(() -> lambda.getFunction(g -> g.functionName("my.function")), functionNotFound("my.function"));
    }

    @Test
    void getFunction_withNameOf65Characters_isAnInvalidParameterValue() {
        String name = "b".repeat(65);

        assertAwsError(() -> lambda.getFunction(g -> g.functionName(name)), 400, "InvalidParameterValueException",
                oneValidationError(name, "functionName", "Member must have length less than or equal to 64"));
    }
}
