package dev.hearth.registry;

import dev.hearth.core.Arns;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaException;
import dev.hearth.core.Validation;

import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * {@link FunctionDirectory} over the in-memory versions and aliases of {@link CachingFunctionStore}.
 * An alias with a routing configuration is resolved per call: a uniform draw below the additional
 * version's weight picks the additional version, anything else the primary one. Never blocks.
 */
final class MemoryFunctionDirectory implements FunctionDirectory {

    private final CachingFunctionStore store;
    private final Arns arns;
    /** Uniform in [0, 1): the alias routing draw (injectable so tests can pin it). */
    private final DoubleSupplier random;

    MemoryFunctionDirectory(CachingFunctionStore store, Arns arns) {
        this(store, arns, () -> ThreadLocalRandom.current().nextDouble());
    }

    MemoryFunctionDirectory(CachingFunctionStore store, Arns arns, DoubleSupplier random) {
        this.store = store;
        this.arns = arns;
        this.random = random;
    }

    @Override
    public ResolvedFunction resolve(String functionName, Optional<String> qualifierParam) {
        Target t = locate(functionName, qualifierParam);
        return switch (t.kind()) {
            case UNQUALIFIED -> new ResolvedFunction(t.latest(), arns.function(t.name()));
            case LATEST -> new ResolvedFunction(t.latest(), arns.function(t.name(), FunctionVersion.LATEST));
            case VERSION -> new ResolvedFunction(store.version(t.name(), t.qualifier()).orElseThrow(),
                    arns.function(t.name(), t.qualifier()));
            case ALIAS -> {
                Alias alias = store.alias(t.name(), t.qualifier()).orElseThrow();
                String routed = alias.routing().filter(r -> random.getAsDouble() < r.weight())
                        .map(Alias.Routing::version).orElse(alias.functionVersion());
                FunctionVersion version = store.version(t.name(), routed).orElseThrow(() ->
                        LambdaException.notFound("Function not found: " + arns.function(t.name(), routed)));
                yield new ResolvedFunction(version, arns.function(t.name(), alias.name()), Optional.of(alias.name()));
            }
        };
    }

    @Override
    public Qualified target(String functionName, Optional<String> qualifierParam) {
        Target t = locate(functionName, qualifierParam);
        return new Qualified(t.name(), t.kind() == Qualified.Kind.UNQUALIFIED ? Optional.empty()
                : Optional.of(t.qualifier()), t.kind());
    }

    @Override
    public Optional<Alias> alias(String functionName, String aliasName) {
        return store.alias(functionName, aliasName);
    }

    @Override
    public Optional<FunctionVersion> version(String functionName, String version) {
        return store.version(functionName, version);
    }

    @Override
    public void addListener(FunctionListener listener) {
        store.addListener(listener);
    }

    @Override
    public void addAliasListener(AliasListener listener) {
        store.addAliasListener(listener);
    }

    @Override
    public void addAliasGuard(AliasGuard guard) {
        store.addAliasGuard(guard);
    }

    /** Names already validated, as invokes repeat them: parsing one runs several regular expressions. */
    private final java.util.concurrent.ConcurrentHashMap<String, FunctionRef> parsedNames =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** Bounds the cache, so that callers sending ever new names cannot grow it without end. */
    private static final int PARSED_NAMES_LIMIT = 4096;

    /**
     * The name validated and parsed with AWS's errors ({@link Validation#functionName}), from the cache
     * when it was seen before. Only valid names are cached: an invalid one is checked, and refused, again.
     */
    private FunctionRef parsedName(String functionName) {
        FunctionRef cached = parsedNames.get(functionName);
        if (cached != null) {
            return cached;
        }
        FunctionRef ref = Validation.functionName(functionName, FunctionRef.Form.NAMESPACED);
        if (parsedNames.size() < PARSED_NAMES_LIMIT) {
            parsedNames.putIfAbsent(functionName, ref);
        }
        return ref;
    }

    /** A validated, existing function and qualifier. */
    private record Target(String name, FunctionVersion latest, String qualifier, Qualified.Kind kind) {
    }

    /** Validates the name and qualifier with AWS's errors and checks that both exist. */
    private Target locate(String functionName, Optional<String> qualifierParam) {
        FunctionRef ref = parsedName(functionName);
        ref.region().filter(r -> !r.equals(arns.region())).ifPresent(r -> {
            throw LambdaException.notFound("Functions from '" + r + "' are not reachable in this region ('"
                    + arns.region() + "')");
        });
        Optional<String> qualifier = qualifierParam.filter(q -> !q.isEmpty());
        qualifier.ifPresent(Qualifiers::checkQualifier);
        if (ref.qualifier().isPresent() && qualifier.isPresent() && !ref.qualifier().equals(qualifier)) {
            throw LambdaException.invalidParameter(
                    "The derived qualifier from the function name does not match the specified qualifier.");
        }
        Optional<String> effective = ref.qualifier().or(() -> qualifier);
        String name = ref.name();
        boolean foreign = ref.accountId().filter(a -> !a.equals(arns.accountId())).isPresent();
        Optional<FunctionVersion> latest = foreign ? Optional.empty() : store.latest(name);
        if (latest.isEmpty()) {
            throw LambdaException.notFound("Function not found: "
                    + arns.function(name, effective.orElse(FunctionVersion.LATEST)));
        }
        if (effective.isEmpty()) {
            return new Target(name, latest.get(), FunctionVersion.LATEST, Qualified.Kind.UNQUALIFIED);
        }
        String q = effective.get();
        Qualified.Kind kind = Qualifiers.kindOf(q);
        boolean exists = switch (kind) {
            case LATEST -> true;
            case VERSION -> store.version(name, q).isPresent();
            case ALIAS -> store.alias(name, q).isPresent();
            case UNQUALIFIED -> throw new IllegalStateException("a present qualifier is never unqualified");
        };
        if (!exists) {
            throw LambdaException.notFound("Function not found: " + arns.function(name, q));
        }
        return new Target(name, latest.get(), q, kind);
    }
}
