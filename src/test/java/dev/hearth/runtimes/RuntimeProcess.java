package dev.hearth.runtimes;

import org.awaitility.core.ConditionTimeoutException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A real runtime started as a plain child process the way a sandbox would start it, with the
 * {@code /var/runtime} and {@code /var/task} of its {@link RuntimeLaunch} mapped to host directories
 * (the bootstraps honour LAMBDA_TASK_ROOT / LAMBDA_RUNTIME_DIR for this). Captures stdout and stderr
 * line by line, splitting on {@code \n} only, so that records joined with {@code \r} stay whole, as the
 * platform's reader sees them. {@link #close} kills the process tree.
 */
final class RuntimeProcess implements AutoCloseable {

    static final String FUNCTION_NAME = "fn-under-test";
    static final String LOG_GROUP = "/aws/lambda/" + FUNCTION_NAME;
    static final String LOG_STREAM = "2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef";

    private final Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final List<Thread> readers = new ArrayList<>();

    private RuntimeProcess(Process process) {
        this.process = process;
        readers.add(Thread.ofVirtual().start(() -> pump(process.getInputStream(), stdout)));
        readers.add(Thread.ofVirtual().start(() -> pump(process.getErrorStream(), stderr)));
    }

    static RuntimeProcess start(RuntimeLaunch launch, Path taskDir, FakeRuntimeApi api, String handler, int memoryMb,
                                Map<String, String> extraEnvironment) {
        Path runtimeDir = launch.runtimeDir();
        List<String> command = launch.command().stream().map(arg -> toHost(arg, runtimeDir, taskDir)).toList();
        ProcessBuilder builder = new ProcessBuilder(command).directory(taskDir.toFile());
        Map<String, String> env = builder.environment();
        env.clear();
        Map<String, String> platform = new HashMap<>();
        platform.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        platform.put("LANG", "en_US.UTF-8");
        platform.put("TZ", ":UTC");
        platform.put("AWS_LAMBDA_RUNTIME_API", api.address());
        platform.put("_HANDLER", handler);
        platform.put("LAMBDA_TASK_ROOT", taskDir.toString());
        platform.put("LAMBDA_RUNTIME_DIR", runtimeDir.toString());
        platform.put("AWS_REGION", "us-east-1");
        platform.put("AWS_DEFAULT_REGION", "us-east-1");
        platform.put("AWS_LAMBDA_FUNCTION_NAME", FUNCTION_NAME);
        platform.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        platform.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(memoryMb));
        platform.put("AWS_LAMBDA_LOG_GROUP_NAME", LOG_GROUP);
        platform.put("AWS_LAMBDA_LOG_STREAM_NAME", LOG_STREAM);
        platform.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        launch.environment().forEach((key, value) -> platform.put(key, toHost(value, runtimeDir, taskDir)));
        platform.putAll(extraEnvironment);
        env.putAll(platform);
        try {
            return new RuntimeProcess(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    static String toHost(String value, Path runtimeDir, Path taskDir) {
        return value.replace(LaunchPlanner.RUNTIME_DIR, runtimeDir.toString()).replace("/var/task", taskDir.toString());
    }

    private static void pump(InputStream in, List<String> lines) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try (in) {
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines.add(line.toString(StandardCharsets.UTF_8));
                        line.reset();
                    } else {
                        line.write(buffer[i]);
                    }
                }
            }
        } catch (IOException e) {
            // The process was killed.
        }
        if (line.size() > 0) {
            lines.add(line.toString(StandardCharsets.UTF_8));
        }
    }

    List<String> stdout() {
        return List.copyOf(stdout);
    }

    List<String> stderr() {
        return List.copyOf(stderr);
    }

    String output() {
        return "stdout:\n" + String.join("\n", stdout) + "\nstderr:\n" + String.join("\n", stderr);
    }

    /** Waits until a stdout line contains {@code text} and returns it. */
    String awaitStdoutLine(String text) {
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> stdout.stream().anyMatch(l -> l.contains(text)));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no stdout line contains \"" + text + "\"\n" + output(), e);
        }
        return stdout.stream().filter(l -> l.contains(text)).findFirst().orElseThrow();
    }

    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the runtime did not exit within " + timeout + "\n" + output());
            }
            for (Thread reader : readers) {
                reader.join(Duration.ofSeconds(5));
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
