package dev.hearth.environment;

import java.time.Duration;
import java.util.Objects;

/**
 * How many stem cells — sandboxes started ahead of demand, interpreter and bootstrap loaded, waiting to
 * be given a function — the node keeps ({@link StemCells}). Immutable.
 *
 * @param perRuntime   ready cells kept for each runtime set-up (interpreter, bootstrap, /tmp size)
 *                     that cold starts used recently; 0 turns stem cells off
 * @param maxCells     most cells alive at once, all set-ups together: a bound on the memory they hold
 *                     (each is an idle interpreter of about 10 MB, capped at {@link #CELL_MEMORY_MB})
 * @param retireAfter  a set-up no cold start has used for this long loses its cells
 * @param maxEntries   a function whose code (or layers) holds more files and directories than this
 *                     starts without a cell: linking them all would cost more than the start it saves
 */
public record StemCellSettings(int perRuntime, int maxCells, Duration retireAfter, int maxEntries) {

    /** The memory limit of a cell while it waits; it takes on the function's MemorySize when specialised. */
    public static final int CELL_MEMORY_MB = 128;

    public StemCellSettings {
        Objects.requireNonNull(retireAfter, "retireAfter");
        if (perRuntime < 0 || maxCells < 0 || maxEntries < 0) {
            throw new IllegalArgumentException("stem cell counts must not be negative");
        }
        if (retireAfter.isNegative() || retireAfter.isZero()) {
            throw new IllegalArgumentException("the stem cell retirement delay must be positive, got " + retireAfter);
        }
    }

    /** No stem cells: every cold start launches its sandbox. */
    public static StemCellSettings off() {
        return new StemCellSettings(0, 0, Duration.ofMinutes(10), 0);
    }

    /** Two per recently used runtime set-up, at most eight in all, retired after ten idle minutes. */
    public static StemCellSettings defaults() {
        return new StemCellSettings(2, 8, Duration.ofMinutes(10), 2000);
    }

    /** These settings with {@code count} cells per set-up, and room for four set-ups' worth in all. */
    public StemCellSettings withPerRuntime(int count) {
        return new StemCellSettings(count, Math.max(maxCells, count * 4), retireAfter, maxEntries);
    }

    /** These settings with no more cells than {@code memoryMb} holds at {@link #CELL_MEMORY_MB} each. */
    public StemCellSettings withinMemoryMb(long memoryMb) {
        int fit = (int) Math.min(maxCells, Math.max(0, memoryMb / CELL_MEMORY_MB));
        return new StemCellSettings(Math.min(perRuntime, fit), fit, retireAfter, maxEntries);
    }

    /** The most memory the cells can hold at once: what the environments' budget sets aside for them. */
    public long reservedMemoryMb() {
        return enabled() ? (long) maxCells * CELL_MEMORY_MB : 0;
    }

    public boolean enabled() {
        return perRuntime > 0 && maxCells > 0;
    }
}
