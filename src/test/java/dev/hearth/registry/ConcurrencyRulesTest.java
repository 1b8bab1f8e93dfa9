package dev.hearth.registry;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The account arithmetic of reserved and provisioned concurrency. */
class ConcurrencyRulesTest {

    @Test
    void minimumUnreserved_isAwsHundred_orTheWholeLimitBelowIt() {
        assertThat(ConcurrencyRules.minimumUnreserved(1000)).isEqualTo(100);
        assertThat(ConcurrencyRules.minimumUnreserved(100)).isEqualTo(100);
        assertThat(ConcurrencyRules.minimumUnreserved(10)).isEqualTo(10);
    }

    @Test
    void unreserved_subtractsReservations_andProvisionedOfUnreservedFunctionsOnly() {
        int unreserved = ConcurrencyRules.unreserved(1000, Map.of("a", 100, "b", 50),
                Map.of("a", 40, "c", 30));

        assertThat(unreserved).as("a's provisioned comes out of its own reservation").isEqualTo(1000 - 150 - 30);
    }

    @Test
    void leavesMinimum_isFalseOnceLessThanTheMinimumWouldRemain() {
        assertThat(ConcurrencyRules.leavesMinimum(1000, Map.of("a", 900), Map.of())).isTrue();
        assertThat(ConcurrencyRules.leavesMinimum(1000, Map.of("a", 901), Map.of())).isFalse();
        assertThat(ConcurrencyRules.leavesMinimum(50, Map.of("a", 1), Map.of())).as("below 100 nothing can be reserved")
                .isFalse();
        assertThat(ConcurrencyRules.leavesMinimum(50, Map.of("a", 0), Map.of())).isTrue();
    }
}
