package dev.hearth.environment;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StemCellSettingsTest {

    @Test
    void withinMemory_keepsNoMoreCellsThanTheMemoryHoldsAtTheirCap() {
        StemCellSettings settings = StemCellSettings.defaults().withinMemoryMb(3 * StemCellSettings.CELL_MEMORY_MB + 1);

        assertThat(settings.maxCells()).isEqualTo(3);
        assertThat(settings.perRuntime()).isEqualTo(2);
        assertThat(settings.reservedMemoryMb()).isEqualTo(3L * StemCellSettings.CELL_MEMORY_MB);
    }

    @Test
    void withinMemory_belowOneCell_turnsCellsOff_andReservesNothing() {
        StemCellSettings settings = StemCellSettings.defaults().withinMemoryMb(StemCellSettings.CELL_MEMORY_MB - 1);

        assertThat(settings.enabled()).isFalse();
        assertThat(settings.reservedMemoryMb()).isZero();
    }

    @Test
    void withPerRuntime_leavesRoomForFourSetUps() {
        assertThat(StemCellSettings.defaults().withPerRuntime(5).maxCells()).isEqualTo(20);
        assertThat(StemCellSettings.off().reservedMemoryMb()).isZero();
    }
}
