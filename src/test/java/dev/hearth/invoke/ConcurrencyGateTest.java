package dev.hearth.invoke;

import dev.hearth.core.Arns;
import dev.hearth.core.Ids;
import dev.hearth.core.LambdaException;
import dev.hearth.environment.InvokeOutcome;
import dev.hearth.pool.EnvironmentPool;
import dev.hearth.registry.CodeInput;
import dev.hearth.registry.Commands;
import dev.hearth.registry.ConcurrencySettings;
import dev.hearth.registry.FunctionSettings;
import dev.hearth.registry.Registries;
import dev.hearth.store.CodeStore;
import dev.hearth.store.Database;
import dev.hearth.store.Stores;
import dev.hearth.testing.Zips;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The router's concurrency gate with the real pool and in-process environments: a throttle is AWS's 429,
 * and the permit comes back whatever happened to the invocation (function error, a lease the pool
 * refused).
 */
class ConcurrencyGateTest {

    @TempDir
    Path dir;

    private final Map<String, Integer> reserved = new ConcurrentHashMap<>();
    private final ConcurrencySettings settings = new ConcurrencySettings() {
        @Override
        public OptionalInt reserved(String functionName) {
            Integer r = reserved.get(functionName);
            return r == null ? OptionalInt.empty() : OptionalInt.of(r);
        }

        @Override
        public int unreservedPool() {
            return 1000;
        }

        @Override
        public int accountLimit() {
            return 1000;
        }
    };
    private Vertx vertx;
    private Database db;
    private Registries.Parts registry;
    private FakeEnvironments environments;
    private EnvironmentPool pool;
    private InvocationRouter router;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        db = Database.open(dir.resolve("hearth.db"));
        CodeStore code = new CodeStore(dir.resolve("code"));
        Arns arns = new Arns("us-east-1", "000000000000");
        registry = Registries.create(Stores.functions(db), Stores.layers(db), code, arns, Ids.random(),
                Clock.systemUTC(), Runnable::run);
        environments = new FakeEnvironments();
        pool = EnvironmentPool.create(environments, Runnable::run, Duration.ofMinutes(10), vertx, 256, 100);
        router = InvocationRouter.create(registry.directory(), pool, code, arns, Clock.systemUTC(), settings);
    }

    @AfterEach
    void tearDown() {
        pool.close();
        db.close();
        vertx.close().await();
    }

    private String createFunction(int memoryMb) {
        String name = "fn-" + UUID.randomUUID().toString().substring(0, 8);
        FunctionSettings s = new FunctionSettings(Optional.of("python3.12"), Optional.of("app.handler"),
                Optional.of("arn:aws:iam::000000000000:role/r"), Optional.empty(), Optional.empty(),
                Optional.of(memoryMb), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
        registry.registry().create(new Commands.CreateFunction(name, s, Optional.empty(),
                CodeInput.zip(Zips.pythonEcho()), Map.of(), false));
        return name;
    }

    private InvocationResult invoke(String name) {
        return router.invoke(new InvocationCall(UUID.randomUUID().toString(), name, Optional.empty(),
                InvocationType.REQUEST_RESPONSE, false, "{}".getBytes(StandardCharsets.UTF_8), Optional.empty(),
                Optional.empty())).join();
    }

    private LambdaException failure(String name) {
        Throwable t = catchThrowable(() -> invoke(name));
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        assertThat(cause).isInstanceOf(LambdaException.class);
        return (LambdaException) cause;
    }

    @Test
    void invoke_whenReservedConcurrencyIsZero_throttlesBeforeAnyEnvironmentStarts() {
        String fn = createFunction(128);
        reserved.put(fn, 0);

        LambdaException e = failure(fn);

        assertThat(e.code().httpStatus()).isEqualTo(429);
        assertThat(e.getMessage()).isEqualTo("Rate Exceeded.");
        assertThat(e.extraFields()).containsEntry("Reason", "ReservedFunctionConcurrentInvocationLimitExceeded");
        assertThat(environments.started).isEmpty();
    }

    @Test
    void permit_comesBackAfterAFunctionError() {
        String fn = createFunction(128);
        reserved.put(fn, 1);
        environments.behaviour = r -> new InvokeOutcome.Failure("Runtime.ExitError",
                "{\"errorType\":\"Runtime.ExitError\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(invoke(fn).functionError()).contains("Unhandled");
        environments.behaviour = r -> new InvokeOutcome.Success(r.payload(), "application/json");

        assertThat(invoke(fn).functionError()).as("not throttled: the first permit was released").isEmpty();
    }

    @Test
    void permit_comesBackWhenThePoolRefusesTheEnvironment() {
        String fn = createFunction(512);
        reserved.put(fn, 1);

        LambdaException first = failure(fn);
        LambdaException second = failure(fn);

        assertThat(first.getMessage()).startsWith("The node's memory budget is full");
        assertThat(second.getMessage()).as("still the memory refusal, not a concurrency throttle")
                .startsWith("The node's memory budget is full");
    }

    @Test
    void manySequentialInvokes_withReservedOne_areNeverThrottled() {
        String fn = createFunction(128);
        reserved.put(fn, 1);

        for (int i = 0; i < 50; i++) {
            assertThat(invoke(fn).status()).isEqualTo(200);
        }
        assertThat(environments.started).hasSize(1);
    }
}
