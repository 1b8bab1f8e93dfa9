package dev.hearth.environment;

import dev.hearth.logs.FunctionLogs;
import dev.hearth.logs.LogEvent;
import io.vertx.core.Vertx;
import org.awaitility.Awaitility;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Everything an environment test needs: a Vert.x instance, a real log store in a temp dir, the scripted
 * launcher, fake managed runtimes, and the real factory built from them.
 */
final class Harness implements AutoCloseable {
    static final String FUNCTION = "fn";
    static final String ARN = "arn:aws:lambda:us-east-1:000000000000:function:fn";
    static final String GROUP = "/aws/lambda/fn";

    final Vertx vertx = Vertx.vertx();
    final ExecutorService blocking = Executors.newVirtualThreadPerTaskExecutor();
    final FunctionLogs logs;
    final ScriptedLauncher launcher = new ScriptedLauncher();
    final FakeRuntimes runtimes = new FakeRuntimes();
    final EnvironmentFactory factory;
    private final Path dir;

    Harness(Path dir) {
        this(dir, s -> s);
    }

    Harness(Path dir, UnaryOperator<EnvironmentSettings> settings) {
        this.dir = dir;
        this.logs = FunctionLogs.create(dir.resolve("logs"), Clock.systemUTC());
        this.factory = EnvironmentFactory.create(vertx, launcher, runtimes, logs, Clock.systemUTC(),
                settings.apply(EnvironmentSettings.defaults(dir.resolve("scratch"), blocking)
                        // The fake runtimes are threads of this JVM, not processes of their sandbox.
                        .withRuntimePeerVerification(false)));
    }

    /** A spec with test defaults; {@code timeoutSeconds} 3, 128 MB, python3.12, Text logs. */
    Spec spec() {
        return new Spec();
    }

    Environment start(RuntimeScript script) {
        return start(spec(), script);
    }

    /** Starts an environment running {@code script} and waits until its sandbox is launched. */
    Environment start(Spec spec, RuntimeScript script) {
        int before = launcher.launched().size();
        launcher.willRun(script);
        Environment environment = factory.start(spec.build());
        // Launches run on virtual threads; one at a time keeps scripts and environments paired.
        Awaitility.await().atMost(Duration.ofSeconds(3)).until(() -> launcher.launched().size() > before);
        return environment;
    }

    InvokeRequest request(String payload) {
        return request(payload, Duration.ofSeconds(3));
    }

    InvokeRequest request(String payload, Duration timeout) {
        return new InvokeRequest(UUID.randomUUID().toString(), payload.getBytes(), ARN,
                System.currentTimeMillis() + timeout.toMillis(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** The environment's log stream as written so far (flushing the writer first). */
    List<String> lines(Environment environment) {
        logs.flush();
        String stream = logs.streams(GROUP).stream().filter(s -> s.endsWith(environment.id())).findFirst().orElseThrow();
        return logs.read(GROUP, stream).stream().map(LogEvent::message).toList();
    }

    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(4, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("future did not complete: " + e, e);
        }
    }

    @Override
    public void close() {
        factory.close();
        launcher.close();
        logs.close();
        vertx.close().await();
        blocking.shutdownNow();
    }

    /** A mutable builder for {@link EnvironmentSpec}. */
    final class Spec {
        String runtime = "python3.12";
        String version = "$LATEST";
        int memoryMb = 128;
        int timeoutSeconds = 3;
        Map<String, String> userEnvironment = new LinkedHashMap<>();
        String logFormat = "Text";
        Optional<String> applicationLogLevel = Optional.empty();
        String initializationType = "on-demand";

        Spec runtime(String value) {
            runtime = value;
            return this;
        }

        Spec version(String value) {
            version = value;
            return this;
        }

        Spec memoryMb(int value) {
            memoryMb = value;
            return this;
        }

        Spec timeoutSeconds(int value) {
            timeoutSeconds = value;
            return this;
        }

        Spec variable(String key, String value) {
            userEnvironment.put(key, value);
            return this;
        }

        Spec jsonLogs(String level) {
            logFormat = "JSON";
            applicationLogLevel = Optional.ofNullable(level);
            return this;
        }

        Spec provisioned() {
            initializationType = "provisioned-concurrency";
            return this;
        }

        EnvironmentSpec build() {
            return new EnvironmentSpec(FUNCTION, ARN, version, runtime, "app.handler", memoryMb, timeoutSeconds, 512,
                    List.of("x86_64"), userEnvironment, dir.resolve("task"), Optional.empty(), GROUP, logFormat,
                    applicationLogLevel, Optional.empty(), initializationType);
        }
    }
}
