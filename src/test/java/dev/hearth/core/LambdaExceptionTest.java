package dev.hearth.core;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LambdaExceptionTest {

    @Test
    void errorCodes_carryAwsNamesStatusesAndBodyStyles_asRecorded() {
        assertThat(ErrorCode.RESOURCE_NOT_FOUND.awsName()).isEqualTo("ResourceNotFoundException");
        assertThat(ErrorCode.RESOURCE_NOT_FOUND.httpStatus()).isEqualTo(404);
        assertThat(ErrorCode.RESOURCE_NOT_FOUND.bodyStyle()).isEqualTo(ErrorCode.BodyStyle.USER_CAPITALISED);

        assertThat(ErrorCode.INVALID_PARAMETER_VALUE.httpStatus()).isEqualTo(400);
        assertThat(ErrorCode.INVALID_PARAMETER_VALUE.bodyStyle()).isEqualTo(ErrorCode.BodyStyle.USER_LOWERCASE);
        assertThat(ErrorCode.RESOURCE_CONFLICT.httpStatus()).isEqualTo(409);
        assertThat(ErrorCode.RESOURCE_CONFLICT.bodyStyle()).isEqualTo(ErrorCode.BodyStyle.USER_LOWERCASE);
        assertThat(ErrorCode.PRECONDITION_FAILED.httpStatus()).isEqualTo(412);
        assertThat(ErrorCode.REQUEST_TOO_LARGE.httpStatus()).isEqualTo(413);
        assertThat(ErrorCode.VALIDATION.bodyStyle()).isEqualTo(ErrorCode.BodyStyle.PLAIN_LOWERCASE);
        assertThat(ErrorCode.SERVICE.httpStatus()).isEqualTo(500);
    }

    @Test
    void errorCodes_areClientErrorsExceptTheServiceError() {
        for (ErrorCode code : ErrorCode.values()) {
            ErrorKind expected = code == ErrorCode.SERVICE ? ErrorKind.PLATFORM : ErrorKind.CLIENT;
            assertThat(code.kind()).as(code.name()).isEqualTo(expected);
            assertThat(code.httpStatus() >= 500).as(code.name()).isEqualTo(code == ErrorCode.SERVICE);
        }
    }

    @Test
    void factories_setTheMatchingCodes() {
        assertThat(LambdaException.invalidParameter("m").code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
        assertThat(LambdaException.notFound("m").code()).isEqualTo(ErrorCode.RESOURCE_NOT_FOUND);
        assertThat(LambdaException.conflict("m").code()).isEqualTo(ErrorCode.RESOURCE_CONFLICT);
        assertThat(LambdaException.validation("m").code()).isEqualTo(ErrorCode.VALIDATION);
        assertThat(LambdaException.service("m", null).code()).isEqualTo(ErrorCode.SERVICE);
    }

    @Test
    void revisionMismatch_isAPreconditionFailureWithAwsWording() {
        LambdaException e = LambdaException.revisionMismatch();

        assertThat(e.code()).isEqualTo(ErrorCode.PRECONDITION_FAILED);
        assertThat(e.getMessage()).isEqualTo("The Revision Id provided does not match the latest Revision Id."
                + " Call the GetFunction/GetAlias API to retrieve the latest Revision Id");
    }

    @Test
    void cause_isOptional() {
        IllegalStateException root = new IllegalStateException("disk");

        assertThat(LambdaException.service("failed", root).cause()).containsSame(root);
        assertThat(LambdaException.notFound("gone").cause()).isEmpty();
    }

    @Test
    void extraFields_areCopiedAndImmutable() {
        Map<String, String> fields = new HashMap<>(Map.of("Reason", "ReservedFunctionConcurrentInvocationLimitExceeded"));
        LambdaException e = new LambdaException(ErrorCode.TOO_MANY_REQUESTS, "Rate exceeded", fields, null);
        fields.clear();

        assertThat(e.extraFields()).containsEntry("Reason", "ReservedFunctionConcurrentInvocationLimitExceeded");
        assertThatThrownBy(() -> e.extraFields().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void stackTrace_isNotCaptured_becauseClientErrorsAreControlFlow() {
        assertThat(LambdaException.notFound("gone").getStackTrace()).isEmpty();
    }

    @Test
    void arns_areBuiltFromRegionAndAccount() {
        Arns arns = new Arns("eu-west-1", "123456789012");

        assertThat(arns.function("f")).isEqualTo("arn:aws:lambda:eu-west-1:123456789012:function:f");
        assertThat(arns.function("f", "$LATEST")).isEqualTo("arn:aws:lambda:eu-west-1:123456789012:function:f:$LATEST");
        assertThat(arns.role("r")).isEqualTo("arn:aws:iam::123456789012:role/r");
        assertThat(arns.runtimeVersion("python3.12")).matches("arn:aws:lambda:eu-west-1::runtime:[0-9a-f]{64}")
                .isEqualTo(arns.runtimeVersion("python3.12"))
                .isNotEqualTo(arns.runtimeVersion("python3.13"));
    }

    @Test
    void randomIds_areLowercaseUuidsAndDistinct() {
        Ids ids = Ids.random();

        assertThat(ids.requestId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(ids.revisionId()).isNotEqualTo(ids.revisionId());
    }
}
