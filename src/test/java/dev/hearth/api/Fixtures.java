package dev.hearth.api;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateFunctionRequest;
import software.amazon.awssdk.services.lambda.model.CreateFunctionResponse;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;
import software.amazon.awssdk.services.lambda.model.State;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Shared values and helpers for the Lambda API tests: a valid create request, unique names, waiting for a
 * function to settle, and asserting AWS errors by status, code and exact message.
 */
final class Fixtures {
    static final String REGION = "us-east-1";
    static final String ACCOUNT = "000000000000";
    static final String ROLE = "arn:aws:iam::" + ACCOUNT + ":role/lambda-role";
    static final String RUNTIME = "python3.12";
    static final String HANDLER = "app.handler";

    /** The runtimes AWS lists when a runtime value is unknown, in AWS's order (the creatable ones). */
    static final String RUNTIME_ENUM = "[nodejs20.x, provided.al2023, python3.12, python3.13, nodejs22.x, java17,"
            + " nodejs24.x, python3.14, java25, dotnet8, dotnet10, python3.10, java11, python3.11, java21, nodejs18.x,"
            + " provided.al2, provided, ruby3.3, ruby3.4, ruby4.0, java8.al2, ruby3.2, python3.9]";

    /** The FunctionName pattern AWS quotes for CreateFunction (no dots, no .PUBLISHED). */
    static final String CREATE_NAME_PATTERN = "(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?"
            + "-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?";

    /** The FunctionName pattern AWS quotes for every other operation. */
    static final String NAMESPACED_NAME_PATTERN = "(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|"
            + "(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)"
            + "(:(\\$LATEST(\\.PUBLISHED)?|[a-zA-Z0-9-_]+))?";

    static final String ROLE_PATTERN = "arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+";

    static final String BEING_CREATED = "The function is being created.";

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private Fixtures() {
    }

    /** A function name no other test uses. */
    static String uniqueName(String prefix) {
        return prefix + "-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
    }

    static String arn(String name) {
        return "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:" + name;
    }

    static byte[] zip() {
        return dev.hearth.testing.Zips.pythonEcho();
    }

    static byte[] otherZip() {
        return dev.hearth.testing.Zips.of(Map.of("app.py", "def handler(event, context):\n    return 'other'\n"));
    }

    /** A valid CreateFunction request for {@code name} with the echo zip; tests add or override members. */
    static CreateFunctionRequest.Builder createRequest(String name) {
        return createRequest(name, zip());
    }

    static CreateFunctionRequest.Builder createRequest(String name, byte[] zip) {
        return CreateFunctionRequest.builder()
                .functionName(name)
                .runtime(RUNTIME)
                .handler(HANDLER)
                .role(ROLE)
                .code(c -> c.zipFile(SdkBytes.fromByteArray(zip)));
    }

    static CreateFunctionResponse create(LambdaClient lambda, String name) {
        return lambda.createFunction(createRequest(name).build());
    }

    /** Creates a function and waits until it is Active. */
    static GetFunctionConfigurationResponse createActive(LambdaClient lambda, String name) {
        create(lambda, name);
        return awaitSettled(lambda, name);
    }

    /** Waits until the function is Active and its last update Successful; returns that configuration. */
    static GetFunctionConfigurationResponse awaitSettled(LambdaClient lambda, String name) {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> lambda.getFunctionConfiguration(r -> r.functionName(name)),
                        c -> c.state() == State.ACTIVE && c.lastUpdateStatus() == LastUpdateStatus.SUCCESSFUL);
    }

    static long functionCount(LambdaClient lambda) {
        return lambda.getAccountSettings(r -> { }).accountUsage().functionCount();
    }

    /** Runs {@code call}, which must fail with an AWS error, and returns that error. */
    static LambdaException awsError(ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).as("the call should fail with an AWS error").isInstanceOf(LambdaException.class);
        return (LambdaException) thrown;
    }

    /** Asserts that {@code call} fails with exactly this HTTP status, error code and message. */
    static LambdaException assertAwsError(ThrowingCallable call, int status, String code, String message) {
        LambdaException e = awsError(call);
        assertThat(e.statusCode()).as("HTTP status").isEqualTo(status);
        assertThat(e.awsErrorDetails().errorCode()).as("error code").isEqualTo(code);
        assertThat(e.awsErrorDetails().errorMessage()).as("error message").isEqualTo(message);
        return e;
    }

    static void assertNotFound(ThrowingCallable call, String message) {
        assertAwsError(call, 404, "ResourceNotFoundException", message);
    }

    static void assertInvalidParameter(ThrowingCallable call, String message) {
        assertAwsError(call, 400, "InvalidParameterValueException", message);
    }

    static void assertValidation(ThrowingCallable call, String message) {
        assertAwsError(call, 400, "ValidationException", message);
    }

    /** AWS's single-error ValidationException text. */
    static String oneValidationError(Object value, String member, String constraint) {
        return "1 validation error detected: Value '" + value + "' at '" + member + "' failed to satisfy constraint: "
                + constraint;
    }

    static String functionNotFound(String name) {
        return "Function not found: " + arn(name);
    }

    static String sha256Base64(byte[] bytes) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
