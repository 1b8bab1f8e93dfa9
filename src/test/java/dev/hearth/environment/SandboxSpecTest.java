package dev.hearth.environment;

import dev.hearth.sandbox.SandboxSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static dev.hearth.environment.Harness.await;
import static org.assertj.core.api.Assertions.assertThat;

/** What an environment asks the sandbox launcher for: the process environment, mounts and limits. */
class SandboxSpecTest {
    @TempDir
    Path dir;
    private Harness h;

    @BeforeEach
    void setUp() {
        h = new Harness(dir);
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private Map<String, String> environmentOf(Harness.Spec spec) {
        CompletableFuture<Integer> ping = new CompletableFuture<>();
        h.start(spec, rt -> {
            ping.complete(rt.get("/2018-06-01/ping").status());
            rt.next();
        });
        // The runtime found its endpoint through AWS_LAMBDA_RUNTIME_API alone.
        assertThat(await(ping)).isEqualTo(200);
        return h.launcher.last().spec().environment();
    }

    @Test
    void theReservedVariables_haveLambdasValues() {
        Map<String, String> env = environmentOf(h.spec().version("7").memoryMb(256));

        String stream = h.logs.streams(Harness.GROUP).getFirst();
        assertThat(env).containsEntry("_HANDLER", "app.handler")
                .containsEntry("AWS_REGION", "us-east-1")
                .containsEntry("AWS_DEFAULT_REGION", "us-east-1")
                .containsEntry("AWS_EXECUTION_ENV", "AWS_Lambda_python3.12")
                .containsEntry("AWS_LAMBDA_FUNCTION_NAME", "fn")
                .containsEntry("AWS_LAMBDA_FUNCTION_VERSION", "7")
                .containsEntry("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
                .containsEntry("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand")
                .containsEntry("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/fn")
                .containsEntry("AWS_LAMBDA_LOG_STREAM_NAME", stream)
                .containsEntry("AWS_ACCESS_KEY_ID", EnvironmentSettings.Credentials.dummy().accessKeyId())
                .containsEntry("AWS_SECRET_ACCESS_KEY", EnvironmentSettings.Credentials.dummy().secretAccessKey())
                .containsEntry("AWS_SESSION_TOKEN", EnvironmentSettings.Credentials.dummy().sessionToken())
                .containsEntry("LAMBDA_TASK_ROOT", "/var/task")
                .containsEntry("LAMBDA_RUNTIME_DIR", "/var/runtime")
                .containsEntry("TZ", ":UTC")
                .containsEntry("LANG", "en_US.UTF-8")
                .containsEntry("LD_LIBRARY_PATH", EnvironmentVariables.DEFAULT_LD_LIBRARY_PATH)
                .containsEntry("AWS_LAMBDA_LOG_FORMAT", "Text")
                .containsEntry("AWS_XRAY_CONTEXT_MISSING", "LOG_ERROR")
                .doesNotContainKeys("AWS_LAMBDA_MAX_CONCURRENCY", "AWS_LAMBDA_LOG_LEVEL", "AWS_ACCESS_KEY");
        assertThat(env.get("AWS_LAMBDA_RUNTIME_API")).matches("127\\.0\\.0\\.1:\\d+");
        assertThat(stream).startsWith("20").contains("/[7]");
    }

    @Test
    void theUsersVariables_arePresent_butCannotReplaceReservedOnes() {
        Map<String, String> env = environmentOf(h.spec()
                .variable("TABLE", "orders")
                .variable("LANG", "de_DE.UTF-8")
                .variable("TZ", "Europe/Paris")
                .variable("AWS_REGION", "eu-west-9")
                .variable("AWS_LAMBDA_RUNTIME_API", "10.0.0.1:80")
                .variable("AWS_LAMBDA_MAX_CONCURRENCY", "4"));

        assertThat(env).containsEntry("TABLE", "orders")
                .containsEntry("LANG", "de_DE.UTF-8")
                .containsEntry("TZ", "Europe/Paris")
                .containsEntry("AWS_REGION", "us-east-1")
                .doesNotContainKey("AWS_LAMBDA_MAX_CONCURRENCY");
        assertThat(env.get("AWS_LAMBDA_RUNTIME_API")).startsWith("127.0.0.1:");
    }

    @Test
    void theRuntimesVariables_overrideDefaults_andTheUserOverridesTheRuntime() {
        h.runtimes.withEnvironment(Map.of("PYTHONPATH", "/var/runtime", "PATH", "/runtime/bin:/usr/bin",
                "AWS_LAMBDA_FUNCTION_NAME", "sneaky"));

        Map<String, String> env = environmentOf(h.spec().variable("PYTHONPATH", "/var/task/vendor"));

        assertThat(env).containsEntry("PATH", "/runtime/bin:/usr/bin")
                .containsEntry("PYTHONPATH", "/var/task/vendor")
                .containsEntry("AWS_LAMBDA_FUNCTION_NAME", "fn");
    }

    @Test
    void providedRuntimes_haveNoExecutionEnv_andJsonLogsSetTheLogLevel() {
        Map<String, String> env = environmentOf(h.spec().runtime("provided.al2023").jsonLogs("DEBUG"));

        assertThat(env).doesNotContainKey("AWS_EXECUTION_ENV")
                .containsEntry("AWS_LAMBDA_LOG_FORMAT", "JSON")
                .containsEntry("AWS_LAMBDA_LOG_LEVEL", "DEBUG");
    }

    @Test
    void theSandbox_getsTheMountsAndLimits() {
        Environment env = h.start(h.spec().memoryMb(512), rt -> rt.next());

        SandboxSpec spec = h.launcher.last().spec();

        assertThat(spec.id()).isEqualTo(env.id());
        assertThat(spec.command()).containsExactly("/usr/bin/python3", "/var/runtime/bootstrap.py");
        assertThat(spec.taskDir()).isEqualTo(dir.resolve("task"));
        assertThat(spec.runtimeDir()).isEqualTo(Path.of("/opt/hearth/runtimes/python"));
        assertThat(spec.optDir()).isEmpty();
        assertThat(spec.tmpSizeMb()).isEqualTo(512);
        assertThat(spec.memoryMb()).isEqualTo(512);
        assertThat(spec.pidLimit()).isEqualTo(EnvironmentSettings.DEFAULT_PID_LIMIT);
    }
}
