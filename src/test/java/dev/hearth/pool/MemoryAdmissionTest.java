package dev.hearth.pool;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which idle environments the memory budget evicts, and when it refuses. */
class MemoryAdmissionTest {

    private static final PoolKey ME = new PoolKey("me", "$LATEST", "r1");

    private static MemoryAdmission.Candidate<String> idle(String id, String function, String version, int mb, long used) {
        return new MemoryAdmission.Candidate<>(id, new PoolKey(function, version, "r"), mb, used);
    }

    private static List<String> ids(List<MemoryAdmission.Candidate<String>> victims) {
        return victims.stream().map(MemoryAdmission.Candidate::environment).toList();
    }

    @Test
    void whenItFits_nothingIsEvicted() {
        assertThat(MemoryAdmission.victims(1024, 512, 512, ME, List.of(idle("x", "other", "$LATEST", 128, 1))))
                .hasValueSatisfying(v -> assertThat(v).isEmpty());
    }

    @Test
    void whenFull_otherFunctionsGoFirst_leastRecentlyUsedFirst_andOnlyAsManyAsNeeded() {
        var plan = MemoryAdmission.victims(1024, 1024, 256, ME, List.of(
                idle("mine-v1", "me", "1", 128, 1),
                idle("recent", "other", "$LATEST", 128, 30),
                idle("oldest", "other", "$LATEST", 128, 10),
                idle("older", "third", "$LATEST", 128, 20)));

        assertThat(plan).hasValueSatisfying(v -> assertThat(ids(v)).containsExactly("oldest", "older"));
    }

    @Test
    void theSameFunctionsOtherVersions_goOnlyAfterEveryOtherFunction() {
        var plan = MemoryAdmission.victims(512, 512, 256, ME, List.of(
                idle("mine-v1", "me", "1", 128, 1),
                idle("other", "other", "$LATEST", 128, 50)));

        assertThat(plan).hasValueSatisfying(v -> assertThat(ids(v)).containsExactly("other", "mine-v1"));
    }

    @Test
    void whenEvictingEverythingIdleIsNotEnough_itRefuses() {
        assertThat(MemoryAdmission.victims(512, 512, 512, ME, List.of(idle("small", "other", "$LATEST", 128, 1))))
                .isEmpty();
    }

    @Test
    void aNeedLargerThanTheWholeBudget_isRefused() {
        assertThat(MemoryAdmission.victims(256, 0, 512, ME, List.of())).isEmpty();
    }
}
