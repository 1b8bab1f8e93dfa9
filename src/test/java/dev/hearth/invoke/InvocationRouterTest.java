package dev.hearth.invoke;

import dev.hearth.core.Arns;
import dev.hearth.core.Ids;
import dev.hearth.core.LambdaException;
import dev.hearth.environment.InvokeOutcome;
import dev.hearth.pool.EnvironmentPool;
import dev.hearth.registry.CodeInput;
import dev.hearth.registry.Commands;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The router and pool together, with in-process fake environments (no processes). */
class InvocationRouterTest {

    @TempDir
    Path dir;

    private final Executor direct = Runnable::run;
    private final List<Runnable> parked = new ArrayList<>();
    private Vertx vertx;
    private Database db;
    private Registries.Parts registry;
    private FakeEnvironments environments;
    private EnvironmentPool pool;
    private InvocationRouter router;
    private boolean activateImmediately = true;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        db = Database.open(dir.resolve("hearth.db"));
        CodeStore code = new CodeStore(dir.resolve("code"));
        Executor background = task -> {
            if (activateImmediately) {
                task.run();
            } else {
                parked.add(task);
            }
        };
        Arns arns = new Arns("us-east-1", "000000000000");
        registry = Registries.create(Stores.functions(db), Stores.layers(db), code, arns, Ids.random(),
                Clock.systemUTC(), background);
        environments = new FakeEnvironments();
        pool = EnvironmentPool.create(environments, direct, Duration.ofMinutes(10), vertx);
        registry.directory().addListener((name, version, now) ->
                pool.retire(name, version, now.map(DefaultInvocationRouter::keyOf)));
        router = InvocationRouter.create(registry.directory(), pool, code, arns, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        pool.close();
        db.close();
        vertx.close().await();
    }

    private String createFunction() {
        String name = "fn-" + UUID.randomUUID().toString().substring(0, 8);
        FunctionSettings s = new FunctionSettings(Optional.of("python3.12"), Optional.of("app.handler"),
                Optional.of("arn:aws:iam::000000000000:role/r"), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        registry.registry().create(new Commands.CreateFunction(name, s, Optional.empty(),
                CodeInput.zip(Zips.pythonEcho()), Map.of(), false));
        return name;
    }

    private InvocationResult invoke(String name, String payload) {
        return invoke(name, payload, InvocationType.REQUEST_RESPONSE, false);
    }

    private InvocationResult invoke(String name, String payload, InvocationType type, boolean tail) {
        return router.invoke(new InvocationCall(UUID.randomUUID().toString(), name, Optional.empty(), type, tail,
                payload.getBytes(StandardCharsets.UTF_8), Optional.empty(), Optional.empty())).join();
    }

    @Test
    void invoke_twiceInSequence_reusesTheWarmEnvironment() {
        String fn = createFunction();

        InvocationResult first = invoke(fn, "{\"a\":1}");
        InvocationResult second = invoke(fn, "{\"a\":2}");

        assertThat(new String(first.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
        assertThat(new String(second.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":2}");
        assertThat(environments.started).hasSize(1);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.executedVersion()).isEqualTo("$LATEST");
        assertThat(first.functionError()).isEmpty();
    }

    @Test
    void invoke_afterConfigurationUpdate_runsInANewEnvironment() {
        String fn = createFunction();
        invoke(fn, "{}");
        FunctionSettings timeout = new FunctionSettings(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of(9), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
        registry.registry().updateConfiguration(new Commands.UpdateConfiguration(fn, timeout, Optional.empty()));

        invoke(fn, "{}");

        assertThat(environments.started).hasSize(2);
        assertThat(environments.started.getFirst().isStopped()).isTrue();
        assertThat(environments.started.get(1).spec().timeoutSeconds()).isEqualTo(9);
    }

    @Test
    void invoke_afterDelete_isNotFoundAndEnvironmentsStop() {
        String fn = createFunction();
        invoke(fn, "{}");
        registry.registry().delete(fn, Optional.empty());

        assertThatThrownBy(() -> invoke(fn, "{}"))
                .isInstanceOf(LambdaException.class)
                .hasMessage("Function not found: arn:aws:lambda:us-east-1:000000000000:function:" + fn + ":$LATEST");
        assertThat(environments.started.getFirst().isStopped()).isTrue();
    }

    @Test
    void invoke_withEmptyPayload_deliversAnEmptyObject() {
        String fn = createFunction();

        invoke(fn, "");

        assertThat(environments.started.getFirst().payloadsAsText()).isEqualTo("[{}]");
    }

    @Test
    void invoke_withNonJsonPayload_isRejectedWithJacksonsMessage() {
        String fn = createFunction();

        assertThatThrownBy(() -> invoke(fn, "abc"))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.code().awsName()).isEqualTo("InvalidRequestContentException");
                    assertThat(e.getMessage()).startsWith("Could not parse request body into json: Could not parse"
                            + " payload into json: Unrecognized token 'abc'");
                    assertThat(e.getMessage()).contains("[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION`"
                            + " disabled); line: 1, column: 4]");
                });
        assertThat(environments.started).isEmpty();
    }

    @Test
    void invoke_dryRun_answers204WithoutStartingAnEnvironment() {
        String fn = createFunction();

        InvocationResult result = invoke(fn, "{}", InvocationType.DRY_RUN, false);

        assertThat(result.status()).isEqualTo(204);
        assertThat(environments.started).isEmpty();
    }

    @Test
    void invoke_eventType_isRefusedUntilAsyncInvocationExists() {
        String fn = createFunction();

        assertThatThrownBy(() -> invoke(fn, "{}", InvocationType.EVENT, false))
                .isInstanceOfSatisfying(LambdaException.class,
                        e -> assertThat(e.code().awsName()).isEqualTo("InvalidParameterValueException"));
    }

    @Test
    void invoke_whileFunctionIsPending_isAConflict() {
        activateImmediately = false;
        String fn = createFunction();

        assertThatThrownBy(() -> invoke(fn, "{}"))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.code().httpStatus()).isEqualTo(409);
                    assertThat(e.getMessage()).isEqualTo("The operation cannot be performed at this time."
                            + " The function is currently in the following state: Pending");
                });
    }

    @Test
    void invoke_whenTheFunctionFails_reportsUnhandledWithItsPayload() {
        String fn = createFunction();
        environments.behaviour = r -> new InvokeOutcome.Failure("Runtime.ExitError",
                "{\"errorType\":\"Runtime.ExitError\"}".getBytes(StandardCharsets.UTF_8));

        InvocationResult result = invoke(fn, "{}");

        assertThat(result.status()).isEqualTo(200);
        assertThat(result.functionError()).contains("Unhandled");
        assertThat(new String(result.payload(), StandardCharsets.UTF_8)).contains("Runtime.ExitError");
    }

    @Test
    void invoke_withTailLog_returnsTheBase64LogOfTheInvocation() {
        String fn = createFunction();

        InvocationResult result = invoke(fn, "{}", InvocationType.REQUEST_RESPONSE, true);

        String log = new String(Base64.getDecoder().decode(result.logResult().orElseThrow()), StandardCharsets.UTF_8);
        assertThat(log).startsWith("START RequestId: ").contains("END RequestId: ");
    }

    @Test
    void invoke_ofAnUnknownQualifier_isNotFoundWithTheQualifiedArn() {
        String fn = createFunction();

        assertThatThrownBy(() -> router.invoke(new InvocationCall("r", fn, Optional.of("7"),
                InvocationType.REQUEST_RESPONSE, false, new byte[0], Optional.empty(), Optional.empty())))
                .isInstanceOf(LambdaException.class)
                .hasMessage("Function not found: arn:aws:lambda:us-east-1:000000000000:function:" + fn + ":7");
    }

    @Test
    void invoke_ofAFunctionInAnotherRegion_isNotReachable() {
        assertThatThrownBy(() -> invoke("arn:aws:lambda:eu-west-1:000000000000:function:x", "{}"))
                .isInstanceOf(LambdaException.class)
                .hasMessage("Functions from 'eu-west-1' are not reachable in this region ('us-east-1')");
    }
}
