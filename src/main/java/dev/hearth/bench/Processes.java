package dev.hearth.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Running host processes directly: once for their output (set-up), or timed from spawn to exit. */
final class Processes {

    private Processes() {
    }

    /** Runs {@code argv} to completion and returns stdout and stderr together, trimmed. */
    static String output(List<String> argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", argv) + " did not exit within 30 s");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + " exited with " + p.exitValue());
        }
        return new String(out, StandardCharsets.UTF_8).trim();
    }

    /**
     * Nanoseconds from asking the OS to start {@code argv} with exactly {@code environment} until it has
     * exited (output discarded, so no pipe is read inside the timed region).
     */
    static long timeToExit(List<String> argv, Map<String, String> environment) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(environment);
        long t0 = System.nanoTime();
        Process p = pb.start();
        int code = p.waitFor();
        long elapsed = System.nanoTime() - t0;
        if (code != 0) {
            throw new IOException(String.join(" ", argv) + " exited with " + code);
        }
        return elapsed;
    }
}
