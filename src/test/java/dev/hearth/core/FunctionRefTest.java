package dev.hearth.core;

import dev.hearth.core.FunctionRef.Form;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class FunctionRefTest {

    @ParameterizedTest
    @EnumSource(Form.class)
    void parse_plainName_yieldsOnlyTheName(Form form) {
        FunctionRef ref = FunctionRef.parse("my-function_1", form).orElseThrow();

        assertThat(ref).isEqualTo(new FunctionRef("my-function_1", Optional.empty(), Optional.empty(), Optional.empty()));
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void parse_partialArn_yieldsAccountAndName(Form form) {
        FunctionRef ref = FunctionRef.parse("123456789012:function:f", form).orElseThrow();

        assertThat(ref.name()).isEqualTo("f");
        assertThat(ref.accountId()).contains("123456789012");
        assertThat(ref.region()).isEmpty();
        assertThat(ref.qualifier()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void parse_fullArn_yieldsRegionAccountAndName(Form form) {
        FunctionRef ref = FunctionRef.parse("arn:aws:lambda:eu-west-1:123456789012:function:f", form).orElseThrow();

        assertThat(ref).isEqualTo(new FunctionRef("f", Optional.of("eu-west-1"), Optional.of("123456789012"),
                Optional.empty()));
    }

    @Test
    void parse_fullArnInGovCloudPartition_yieldsRegion() {
        FunctionRef ref = FunctionRef.parse("arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:f", Form.NAMESPACED)
                .orElseThrow();

        assertThat(ref.region()).contains("us-gov-west-1");
        assertThat(ref.name()).isEqualTo("f");
    }

    @ParameterizedTest
    @ValueSource(strings = {"$LATEST", "3", "live", "my_alias-2"})
    void parse_plainNameWithQualifier_yieldsQualifierInBothForms(String qualifier) {
        for (Form form : Form.values()) {
            FunctionRef ref = FunctionRef.parse("f:" + qualifier, form).orElseThrow();

            assertThat(ref.name()).as(form.name()).isEqualTo("f");
            assertThat(ref.qualifier()).as(form.name()).contains(qualifier);
        }
    }

    @Test
    void parse_fullArnWithQualifier_yieldsEveryPart() {
        FunctionRef ref = FunctionRef.parse("arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST", Form.CREATE)
                .orElseThrow();

        assertThat(ref).isEqualTo(new FunctionRef("f", Optional.of("us-east-1"), Optional.of("123456789012"),
                Optional.of("$LATEST")));
    }

    @Test
    void parse_partialArnWithVersion_yieldsAccountNameAndVersion() {
        FunctionRef ref = FunctionRef.parse("123456789012:function:f:7", Form.NAMESPACED).orElseThrow();

        assertThat(ref.accountId()).contains("123456789012");
        assertThat(ref.name()).isEqualTo("f");
        assertThat(ref.qualifier()).contains("7");
    }

    @Test
    void parse_latestPublished_isAcceptedOnlyInNamespacedForm() {
        assertThat(FunctionRef.parse("f:$LATEST.PUBLISHED", Form.NAMESPACED).orElseThrow().qualifier())
                .contains("$LATEST.PUBLISHED");
        assertThat(FunctionRef.parse("f:$LATEST.PUBLISHED", Form.CREATE)).isEmpty();
    }

    @Test
    void parse_dotInName_isAcceptedOnlyInNamespacedForm() {
        assertThat(FunctionRef.parse("my.function", Form.NAMESPACED).orElseThrow().name()).isEqualTo("my.function");
        assertThat(FunctionRef.parse("my.function", Form.CREATE)).isEmpty();
    }

    @Test
    void parse_dotInQualifier_isRefusedInBothForms() {
        assertThat(FunctionRef.parse("f:v1.2", Form.NAMESPACED)).isEmpty();
        assertThat(FunctionRef.parse("f:v1.2", Form.CREATE)).isEmpty();
    }

    @Test
    void parse_valueAtTheFormsMaximumLength_isAccepted() {
        // The length limit is on the whole value; the 64-character name rule is Validation's.
        assertThat(FunctionRef.parse("a".repeat(140), Form.CREATE)).isPresent();
        assertThat(FunctionRef.parse("a".repeat(256), Form.NAMESPACED)).isPresent();
    }

    @Test
    void parse_valueLongerThanTheFormAllows_isRefused() {
        assertThat(FunctionRef.parse("a".repeat(141), Form.CREATE)).isEmpty();
        assertThat(FunctionRef.parse("a".repeat(257), Form.NAMESPACED)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void parse_emptyOrNull_isRefused(Form form) {
        assertThat(FunctionRef.parse("", form)).isEmpty();
        assertThat(FunctionRef.parse(null, form)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"my function", "f@x", "f/x", "invalid:function:name", "f:", ":f", "f:a:b",
            "arn:aws:lambda:us-east-1:123400000000@function:myfn", "fünf", "f:$latest"})
    void parse_invalidCharactersOrShape_isRefusedInBothForms(String raw) {
        assertThat(FunctionRef.parse(raw, Form.CREATE)).as("CREATE").isEmpty();
        assertThat(FunctionRef.parse(raw, Form.NAMESPACED)).as("NAMESPACED").isEmpty();
    }

    @Test
    void forms_quotePatternsAndLimits_asAwsPrintsThem() {
        assertThat(Form.CREATE.maxLength()).isEqualTo(140);
        assertThat(Form.NAMESPACED.maxLength()).isEqualTo(256);
        assertThat(Form.CREATE.pattern()).endsWith("(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?");
        assertThat(Form.NAMESPACED.pattern())
                .endsWith("(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST(\\.PUBLISHED)?|[a-zA-Z0-9-_]+))?");
    }
}
