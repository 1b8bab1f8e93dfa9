package dev.hearth.logs;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The supported subset of CloudWatch Logs filter patterns: terms, phrases, exclusions, alternatives. */
class FilterPatternTest {

    @Test
    void blankPattern_matchesEverything() {
        assertThat(FilterPattern.parse("  ").matches("anything")).isTrue();
        assertThat(FilterPattern.parse("").matchesAll()).isTrue();
    }

    @Test
    void terms_mustAllOccur_caseSensitively() {
        FilterPattern p = FilterPattern.parse("ERROR timeout");
        assertThat(p.matches("[ERROR] request timeout after 3s")).isTrue();
        assertThat(p.matches("[ERROR] request failed")).isFalse();
        assertThat(p.matches("[error] request timeout")).isFalse();
    }

    @Test
    void quotedPhrase_matchesAsWritten_includingEscapedQuotes() {
        FilterPattern p = FilterPattern.parse("\"connection reset\" \"say \\\"hi\\\"\"");
        assertThat(p.matches("connection reset by peer; say \"hi\"")).isTrue();
        assertThat(p.matches("reset connection; say \"hi\"")).isFalse();
    }

    @Test
    void minusTerm_excludes_andQuestionTerms_areAlternatives() {
        FilterPattern p = FilterPattern.parse("?ERROR ?WARN -health -\"GET /ping\"");
        assertThat(p.matches("WARN slow")).isTrue();
        assertThat(p.matches("ERROR boom")).isTrue();
        assertThat(p.matches("INFO fine")).isFalse();
        assertThat(p.matches("ERROR health check")).isFalse();
        assertThat(p.matches("WARN GET /ping took 2s")).isFalse();
    }

    @Test
    void loneMinus_isAnOrdinaryTerm() {
        assertThat(FilterPattern.parse("a - b").matches("a - b")).isTrue();
        assertThat(FilterPattern.parse("a - b").matches("a b")).isFalse();
    }

    @Test
    void jsonSpaceDelimitedAndRegexPatterns_andUnterminatedPhrases_areRefused() {
        for (String unsupported : new String[] {"{ $.level = \"ERROR\" }", "[ip, user]", "%ERR.*%", "\"open"}) {
            assertThatThrownBy(() -> FilterPattern.parse(unsupported))
                    .isInstanceOf(LogStoreException.class)
                    .extracting(e -> ((LogStoreException) e).kind())
                    .isEqualTo(LogStoreException.Kind.INVALID_PARAMETER);
        }
    }
}
