package dev.hearth.boot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * {@code hearth} run as a separate JVM ({@code dev.hearth.boot.Main} on the test class path), with its
 * standard output and error captured in files, for process tests. Close it to kill it.
 */
final class ChildNode implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final int port;

    private ChildNode(Process process, Path stdout, Path stderr, int port) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.port = port;
    }

    /** Runs {@code hearth <args>}; {@code port} is only remembered, for {@link #endpoint}. */
    static ChildNode run(Path logDir, int port, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // As the launcher's jar manifest allows it: sqlite-jdbc loads a native library.
                "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        try {
            Files.createDirectories(logDir);
            Path out = Files.createTempFile(logDir, "stdout", ".txt");
            Path err = Files.createTempFile(logDir, "stderr", ".txt");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().keySet().removeIf(k -> k.startsWith("HEARTH_"));
            return new ChildNode(builder.start(), out, err, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code hearth serve} on {@code port} with {@code dataDir}. */
    static ChildNode serve(Path logDir, int port, Path dataDir) {
        return run(logDir, port, "serve", "--port", String.valueOf(port), "--data-dir", dataDir.toString());
    }

    /** A port free right now on 127.0.0.1 (opened and closed again). */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Waits until {@code GET /_hearth/health} answers 200; fails at once if the process exits first. */
    ChildNode awaitHealthy() {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
            HttpRequest health = HttpRequest.newBuilder(endpoint().resolve("/_hearth/health"))
                    .timeout(Duration.ofSeconds(2)).build();
            await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(50))
                    .failFast("hearth exited before it was healthy", () -> {
                        if (!process.isAlive()) {
                            throw new AssertionError("exit code " + process.exitValue() + "; stderr: " + stderr());
                        }
                    })
                    .ignoreExceptionsInstanceOf(IOException.class)
                    .until(() -> http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        }
        return this;
    }

    /** Waits for the process to exit and returns its exit code. */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("hearth did not exit within " + timeout + "; stderr: " + stderr());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** SIGKILL: the node gets no chance to close anything. */
    void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(10));
    }

    /** SIGTERM: the node's shutdown hook runs. */
    void terminate() {
        process.destroy();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String stdout() {
        return read(stdout);
    }

    String stderr() {
        return read(stderr);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
