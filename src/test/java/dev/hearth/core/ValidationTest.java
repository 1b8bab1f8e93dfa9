package dev.hearth.core;

import dev.hearth.core.FunctionRef.Form;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ValidationTest {

    @Test
    void throwIfFailed_withoutFailures_doesNothing() {
        Validation v = new Validation();

        assertThat(v.hasFailures()).isFalse();
        assertThatCode(v::throwIfFailed).doesNotThrowAnyException();
    }

    @Test
    void throwIfFailed_withOneFailure_usesTheSingularWording() {
        Validation v = new Validation().fail(0, "timeout", "Member must have value greater than or equal to 1");

        LambdaException e = catchThrowableOfType(LambdaException.class, v::throwIfFailed);

        assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION);
        assertThat(e.getMessage()).isEqualTo("1 validation error detected: Value '0' at 'timeout' failed to satisfy"
                + " constraint: Member must have value greater than or equal to 1");
    }

    @Test
    void throwIfFailed_withTwoFailures_joinsThemWithSemicolons() {
        Validation v = new Validation()
                .fail(0, "timeout", "a")
                .failRaw("b");

        LambdaException e = catchThrowableOfType(LambdaException.class, v::throwIfFailed);

        assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION);
        assertThat(e.getMessage()).isEqualTo(
                "2 validation errors detected: Value '0' at 'timeout' failed to satisfy constraint: a; b");
    }

    @Test
    void patternConstraint_quotesThePattern() {
        assertThat(Validation.patternConstraint("[a-z]+"))
                .isEqualTo("Member must satisfy regular expression pattern: [a-z]+");
    }

    @Test
    void functionName_valid_returnsTheParsedReference() {
        FunctionRef ref = Validation.functionName("123456789012:function:f:live", Form.NAMESPACED);

        assertThat(ref.name()).isEqualTo("f");
        assertThat(ref.qualifier()).contains("live");
    }

    @Test
    void functionName_of64Characters_isAccepted() {
        assertThat(Validation.functionName("a".repeat(64), Form.CREATE).name()).hasSize(64);
    }

    @Test
    void functionName_of65Characters_isAnInvalidParameterValueWithTheValidationWording() {
        String name = "a".repeat(65);

        LambdaException e = catchThrowableOfType(LambdaException.class,
                () -> Validation.functionName(name, Form.CREATE));

        // Recorded from AWS: an IPVE, not a ValidationException, although worded like one.
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
        assertThat(e.getMessage()).isEqualTo("1 validation error detected: Value '" + name
                + "' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64");
    }

    @Test
    void functionName_arnWhoseNamePartIsTooLong_isAnInvalidParameterValue() {
        String arn = "arn:aws:lambda:us-east-1:123456789012:function:" + "a".repeat(65);

        LambdaException e = catchThrowableOfType(LambdaException.class,
                () -> Validation.functionName(arn, Form.NAMESPACED));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
        assertThat(e.getMessage()).endsWith("Member must have length less than or equal to 64");
    }

    @Test
    void functionName_longerThanTheForm_isAValidationExceptionAboutLength() {
        String arn = "arn:aws:lambda:us-east-1:123456789012:function:" + "a".repeat(100);

        LambdaException e = catchThrowableOfType(LambdaException.class, () -> Validation.functionName(arn, Form.CREATE));

        assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION);
        assertThat(e.getMessage()).isEqualTo("1 validation error detected: Value '" + arn
                + "' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 140");
    }

    @Test
    void functionName_notMatchingThePattern_isAValidationExceptionQuotingThePattern() {
        LambdaException e = catchThrowableOfType(LambdaException.class,
                () -> Validation.functionName("invalid:function:name", Form.CREATE));

        assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION);
        assertThat(e.getMessage()).isEqualTo("1 validation error detected: Value 'invalid:function:name' at"
                + " 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                + Form.CREATE.pattern());
    }

    @Test
    void functionName_withDot_isRefusedOnCreateWithTheCreatePattern() {
        LambdaException e = catchThrowableOfType(LambdaException.class,
                () -> Validation.functionName("my.fn", Form.CREATE));

        assertThat(e.getMessage()).endsWith(Form.CREATE.pattern());
        assertThat(Validation.functionName("my.fn", Form.NAMESPACED).name()).isEqualTo("my.fn");
    }

    @Test
    void functionName_null_isAValidationExceptionAboutTheMissingMember() {
        LambdaException e = catchThrowableOfType(LambdaException.class,
                () -> Validation.functionName(null, Form.NAMESPACED));

        assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION);
        assertThat(e.getMessage()).isEqualTo("1 validation error detected: Value null at 'functionName' failed to"
                + " satisfy constraint: Member must not be null");
    }

    @Test
    void functionName_empty_isAValidationException() {
        LambdaException e = catchThrowableOfType(LambdaException.class,
                () -> Validation.functionName("", Form.NAMESPACED));

        assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION);
        assertThat(e.getMessage()).startsWith("1 validation error detected: Value '' at 'functionName'");
    }
}
