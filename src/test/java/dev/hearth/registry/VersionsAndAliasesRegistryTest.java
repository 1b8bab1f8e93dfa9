package dev.hearth.registry;

import dev.hearth.core.Arns;
import dev.hearth.core.Ids;
import dev.hearth.core.LambdaException;
import dev.hearth.store.CodeStore;
import dev.hearth.store.Database;
import dev.hearth.store.Stores;
import dev.hearth.testing.Zips;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The registry's versions and aliases without HTTP: publishing only an Active function, the in-memory
 * directory's resolution of versions and aliases (weighted routing with a pinned draw), and a fresh
 * cache (a restarted node) seeing what was committed.
 */
class VersionsAndAliasesRegistryTest {
    private static final Arns ARNS = new Arns("us-east-1", "000000000000");

    @TempDir
    Path dir;
    private Database db;
    private Registries.Parts parts;
    private final List<Runnable> parked = new ArrayList<>();
    private boolean activateImmediately = true;

    @BeforeEach
    void setUp() {
        db = Database.open(dir.resolve("hearth.db"));
        Executor background = task -> {
            if (activateImmediately) {
                task.run();
            } else {
                parked.add(task);
            }
        };
        parts = Registries.create(Stores.functions(db), Stores.layers(db), new CodeStore(dir.resolve("code")), ARNS,
                Ids.random(), Clock.systemUTC(), background);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private String createFunction() {
        String name = "fn-" + UUID.randomUUID().toString().substring(0, 8);
        FunctionSettings s = new FunctionSettings(Optional.of("python3.12"), Optional.of("app.handler"),
                Optional.of("arn:aws:iam::000000000000:role/r"), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        parts.registry().create(new Commands.CreateFunction(name, s, Optional.empty(),
                CodeInput.zip(Zips.pythonEcho()), Map.of(), false));
        return name;
    }

    private FunctionVersion publish(String name) {
        return parts.versions().publish(new VersionCommands.PublishVersion(name, Optional.empty(), Optional.empty(),
                Optional.empty()));
    }

    @Test
    void publish_whileTheFunctionIsPending_isAConflict_andPublishesNothing() {
        activateImmediately = false;
        String name = createFunction();

        LambdaException e = catchThrowableOfType(LambdaException.class, () -> publish(name));

        assertThat(e.code().awsName()).isEqualTo("ResourceConflictException");
        assertThat(e.getMessage()).isEqualTo("The operation cannot be performed at this time."
                + " The function is currently in the following state: Pending");
        assertThat(parts.directory().version(name, "1")).isEmpty();
    }

    @Test
    void publish_whileAnUpdateIsInProgress_isAConflict() {
        String name = createFunction();
        activateImmediately = false;
        parts.registry().updateConfiguration(new Commands.UpdateConfiguration(name, new FunctionSettings(
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("changed"), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty()), Optional.empty()));

        LambdaException e = catchThrowableOfType(LambdaException.class, () -> publish(name));

        assertThat(e.getMessage()).isEqualTo("The operation cannot be performed at this time. An update is in"
                + " progress for resource: " + ARNS.function(name));
    }

    @Test
    void directory_resolvesAWeightedAlias_byTheDraw_underTheAliasArn() {
        String name = createFunction();
        publish(name);
        parts.registry().updateConfiguration(new Commands.UpdateConfiguration(name, new FunctionSettings(
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("two"), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty()), Optional.empty()));
        publish(name);
        parts.versions().createAlias(new VersionCommands.CreateAlias(name, "live", Optional.of("2"), Optional.empty(),
                Optional.of(Map.of("1", 0.3))));

        // A fresh cache over the same database: what a restarted node sees.
        CachingFunctionStore restarted = new CachingFunctionStore(Stores.functions(db));
        ResolvedFunction low = new MemoryFunctionDirectory(restarted, ARNS, () -> 0.29).resolve(name, Optional.of("live"));
        ResolvedFunction high = new MemoryFunctionDirectory(restarted, ARNS, () -> 0.3).resolve(name, Optional.of("live"));

        assertThat(low.version().version()).isEqualTo("1");
        assertThat(high.version().version()).isEqualTo("2");
        assertThat(low.invokedArn()).isEqualTo(ARNS.function(name, "live"));
        assertThat(low.alias()).contains("live");
        assertThat(parts.directory().alias(name, "live").orElseThrow().routing())
                .contains(new Alias.Routing("1", 0.3));
    }

    @Test
    void directory_target_tellsVersionsAliasesAndLatestApart_andRefusesOnesThatDoNotExist() {
        String name = createFunction();
        publish(name);
        parts.versions().createAlias(new VersionCommands.CreateAlias(name, "live", Optional.of("1"), Optional.empty(),
                Optional.empty()));
        FunctionDirectory d = parts.directory();

        assertThat(d.target(name, Optional.empty()).kind()).isEqualTo(Qualified.Kind.UNQUALIFIED);
        assertThat(d.target(name, Optional.of("$LATEST")).kind()).isEqualTo(Qualified.Kind.LATEST);
        assertThat(d.target(name, Optional.of("1")).kind()).isEqualTo(Qualified.Kind.VERSION);
        assertThat(d.target(ARNS.function(name, "live"), Optional.empty()))
                .isEqualTo(new Qualified(name, Optional.of("live"), Qualified.Kind.ALIAS));
        LambdaException missing = catchThrowableOfType(LambdaException.class,
                () -> d.target(name, Optional.of("2")));
        assertThat(missing.getMessage()).isEqualTo("Function not found: " + ARNS.function(name, "2"));
        LambdaException noAlias = catchThrowableOfType(LambdaException.class,
                () -> d.resolve(name, Optional.of("dark")));
        assertThat(noAlias.getMessage()).isEqualTo("Function not found: " + ARNS.function(name, "dark"));
    }

    @Test
    void listeners_hearOfPublishedAndDeletedVersions_andOfEveryVersionOfADeletedFunction() {
        String name = createFunction();
        List<String> heard = new ArrayList<>();
        parts.directory().addListener((fn, version, now) -> heard.add(version + (now.isPresent() ? "+" : "-")));

        publish(name);
        parts.registry().delete(name, Optional.of("1"));
        publish(name);
        parts.registry().delete(name, Optional.empty());

        assertThat(heard).containsSubsequence("1+", "1-", "2+");
        assertThat(heard.subList(heard.indexOf("2+") + 1, heard.size())).containsExactlyInAnyOrder("$LATEST-", "2-");
    }
}
