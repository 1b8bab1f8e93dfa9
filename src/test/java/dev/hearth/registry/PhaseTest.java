package dev.hearth.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static dev.hearth.registry.Phase.CREATE_FAILED;
import static dev.hearth.registry.Phase.CREATING;
import static dev.hearth.registry.Phase.READY;
import static dev.hearth.registry.Phase.UPDATE_FAILED;
import static dev.hearth.registry.Phase.UPDATING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PhaseTest {

    /** The lifecycle as drawn in Phase's header, written out independently of its table. */
    private static final Map<Phase, Set<Phase>> EXPECTED = Map.of(
            CREATING, EnumSet.of(READY, CREATE_FAILED),
            CREATE_FAILED, EnumSet.of(CREATING),
            READY, EnumSet.of(UPDATING),
            UPDATING, EnumSet.of(READY, UPDATE_FAILED),
            UPDATE_FAILED, EnumSet.of(UPDATING));

    static Stream<Arguments> everyPair() {
        return Stream.of(Phase.values()).flatMap(from -> Stream.of(Phase.values()).map(to -> Arguments.of(from, to)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyPair")
    void canMoveTo_followsTheLifecycleTable(Phase from, Phase to) {
        assertThat(from.canMoveTo(to)).isEqualTo(EXPECTED.get(from).contains(to));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyPair")
    void moveTo_allowedReturnsTheTarget_illegalThrowsIllegalState(Phase from, Phase to) {
        if (EXPECTED.get(from).contains(to)) {
            assertThat(from.moveTo(to)).isSameAs(to);
        } else {
            assertThatThrownBy(() -> from.moveTo(to))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(from.name())
                    .hasMessageContaining(to.name());
        }
    }

    @Test
    void moveTo_sameState_isIllegal_soARedundantUpdateMustGoThroughUpdating() {
        for (Phase p : Phase.values()) {
            assertThatThrownBy(() -> p.moveTo(p)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void state_mapsToAwsStateField() {
        assertThat(CREATING.state()).isEqualTo("Pending");
        assertThat(CREATE_FAILED.state()).isEqualTo("Failed");
        assertThat(READY.state()).isEqualTo("Active");
        assertThat(UPDATING.state()).isEqualTo("Active");
        assertThat(UPDATE_FAILED.state()).isEqualTo("Active");
    }

    @Test
    void isBusy_onlyWhileBackgroundWorkIsPending() {
        assertThat(EnumSet.allOf(Phase.class).stream().filter(Phase::isBusy)).containsExactlyInAnyOrder(CREATING, UPDATING);
    }

    @Test
    void everyPhase_isReachableFromCreating() {
        Set<Phase> seen = EnumSet.of(CREATING);
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Phase from : EnumSet.copyOf(seen)) {
                for (Phase to : Phase.values()) {
                    if (from.canMoveTo(to) && seen.add(to)) {
                        grew = true;
                    }
                }
            }
        }
        assertThat(seen).containsExactlyInAnyOrder(Phase.values());
    }
}
