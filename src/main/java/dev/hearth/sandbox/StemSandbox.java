package dev.hearth.sandbox;

import java.io.IOException;

/**
 * A sandbox started before anyone needed it (a "stem cell"): its process runs under a small nominal
 * memory limit and waits, reading its standard input, to be told which function it becomes. Until then
 * it has no log stream, no Runtime API endpoint and no function code; {@link #specialise} gives it all
 * three at once.
 *
 * <p>Threading: thread-safe; {@link #specialise} blocks briefly (cgroupfs writes, one pipe write) and is
 * called from virtual threads, at most once.
 */
public interface StemSandbox extends Sandbox {

    /**
     * Applies the limits a sandbox of {@code memoryMb} gets at launch (memory, CPU share, with the start-up
     * allowance counted from now, as for a fresh sandbox), then writes {@code instructions} to the process's
     * standard input and closes it, so that the process reads them to their end.
     *
     * @throws IOException if the limits cannot be applied or the process no longer reads its input; the
     *                     sandbox is then unusable and must be closed
     */
    void specialise(int memoryMb, byte[] instructions) throws IOException;
}
