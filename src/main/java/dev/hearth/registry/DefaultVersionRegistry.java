package dev.hearth.registry;

import dev.hearth.core.Arns;
import dev.hearth.core.Ids;
import dev.hearth.core.LambdaException;
import dev.hearth.core.Validation;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link VersionRegistry} on the cached function store. Reads of versions and aliases come from the
 * in-memory cache (which is exactly what is committed); writes go through the store's compare-and-set
 * operations. See {@link VersionRegistry} for the contract.
 */
final class DefaultVersionRegistry implements VersionRegistry {
    /** AWS returns at most 50 versions per ListVersionsByFunction page, whatever MaxItems asks for. */
    static final int MAX_VERSIONS_PAGE = 50;
    static final int DEFAULT_ALIASES_PAGE = 50;

    private final CachingFunctionStore store;
    private final Qualifiers names;
    private final Publisher publisher;
    private final Arns arns;
    private final Ids ids;

    DefaultVersionRegistry(CachingFunctionStore store, Publisher publisher, Arns arns, Ids ids) {
        this.store = store;
        this.names = new Qualifiers(arns);
        this.publisher = publisher;
        this.arns = arns;
        this.ids = ids;
    }

    // ---- versions ------------------------------------------------------------------------------

    @Override
    public FunctionVersion publish(VersionCommands.PublishVersion command) {
        Validation v = new Validation();
        AliasRules.checkDescription(v, command.description());
        v.throwIfFailed();
        String name = names.resolve(command.functionName(), Optional.empty()).name();
        FunctionVersion latest = latestOrNotFound(name);
        if (command.revisionId().isPresent() && !command.revisionId().get().equals(latest.revisionId())) {
            throw LambdaException.revisionMismatch();
        }
        String sha = latest.code().sha256Base64();
        command.codeSha256().filter(given -> !given.equals(sha)).ifPresent(given -> {
            throw LambdaException.invalidParameter("CodeSHA256 (" + given + ") is different from current CodeSHA256"
                    + " in $LATEST (" + sha + "). Please try again with the CodeSHA256 in $LATEST.");
        });
        checkPublishable(latest);
        return publisher.publishReady(latest, command.description());
    }

    /** AWS publishes only an Active function whose last update succeeded. */
    private void checkPublishable(FunctionVersion latest) {
        String prefix = "The operation cannot be performed at this time. ";
        switch (latest.phase()) {
            case READY -> {
            }
            case UPDATING -> throw LambdaException.conflict(prefix + "An update is in progress for resource: "
                    + arns.function(latest.functionName()));
            case UPDATE_FAILED -> throw LambdaException.conflict(prefix + "The function's last update failed: "
                    + latest.failureReason().orElse("") + " Update the function again before publishing a version.");
            case CREATING, CREATE_FAILED -> throw LambdaException.conflict(prefix
                    + "The function is currently in the following state: " + latest.phase().state());
        }
    }

    @Override
    public Page<FunctionVersion> listVersions(String functionName, Optional<String> marker, Optional<Integer> maxItems) {
        int limit = Math.min(checkMaxItems(maxItems, MAX_VERSIONS_PAGE), MAX_VERSIONS_PAGE);
        String name = names.resolve(functionName, Optional.empty()).name();
        latestOrNotFound(name);
        long after = marker.filter(m -> !m.isEmpty()).map(m -> parseLong(decode(m), m)).orElse(-1L);
        List<FunctionVersion> all = store.versions(name).stream()
                .sorted(Comparator.comparingLong(DefaultVersionRegistry::ordinal))
                .filter(fv -> ordinal(fv) > after).toList();
        return page(all, limit, fv -> Long.toString(ordinal(fv)));
    }

    private static long ordinal(FunctionVersion v) {
        return FunctionVersion.LATEST.equals(v.version()) ? 0 : Long.parseLong(v.version());
    }

    // ---- aliases -------------------------------------------------------------------------------

    @Override
    public Alias createAlias(VersionCommands.CreateAlias command) {
        Validation v = new Validation();
        AliasRules.checkName(v, command.name());
        if (command.functionVersion().isEmpty()) {
            v.missing("functionVersion");
        }
        AliasRules.checkVersion(v, command.functionVersion(), "functionVersion");
        AliasRules.checkDescription(v, command.description());
        AliasRules.checkWeights(v, command.routing());
        v.throwIfFailed();
        String name = names.resolve(command.functionName(), Optional.empty()).name();
        latestOrNotFound(name);
        String primary = command.functionVersion().orElseThrow();
        versionOrNotFound(name, primary);
        Optional<Alias.Routing> routing = routingOf(name, command.routing().orElse(Map.of()), primary);
        Alias alias = new Alias(name, command.name(), primary, routing, command.description().orElse(""),
                ids.revisionId());
        if (!store.insertAlias(CachingFunctionStore.toRow(alias))) {
            throw LambdaException.conflict("Alias already exists: " + arns.function(name, command.name()));
        }
        return alias;
    }

    @Override
    public Alias getAlias(String functionName, String aliasName) {
        String name = aliasFunction(functionName, aliasName);
        latestOrNotFound(name);
        return aliasOrNotFound(name, aliasName);
    }

    @Override
    public Alias updateAlias(VersionCommands.UpdateAlias command) {
        Validation v = new Validation();
        AliasRules.checkName(v, command.name());
        AliasRules.checkVersion(v, command.functionVersion(), "functionVersion");
        AliasRules.checkDescription(v, command.description());
        AliasRules.checkWeights(v, command.routing());
        v.throwIfFailed();
        String name = names.resolve(command.functionName(), Optional.empty()).name();
        latestOrNotFound(name);
        Alias current = aliasOrNotFound(name, command.name());
        if (command.revisionId().isPresent() && !command.revisionId().get().equals(current.revisionId())) {
            throw LambdaException.revisionMismatch();
        }
        String primary = command.functionVersion().orElse(current.functionVersion());
        command.functionVersion().ifPresent(version -> versionOrNotFound(name, version));
        Map<String, Double> weights = command.routing().orElseGet(() -> current.routing()
                .map(r -> Map.of(r.version(), r.weight())).orElse(Map.of()));
        Optional<Alias.Routing> routing = routingOf(name, weights, primary);
        Alias next = new Alias(name, current.name(), primary, routing,
                command.description().orElse(current.description()), ids.revisionId());
        store.checkAliasChange(next);
        if (!store.replaceAlias(CachingFunctionStore.toRow(next), current.revisionId())) {
            // Another update won the compare-and-set: to this caller its revision is now stale.
            throw LambdaException.revisionMismatch();
        }
        return next;
    }

    @Override
    public void deleteAlias(String functionName, String aliasName) {
        store.deleteAlias(aliasFunction(functionName, aliasName), aliasName);
    }

    /** Checks an alias name with AWS's validation, then resolves the bare name of the function it belongs to. */
    private String aliasFunction(String functionName, String aliasName) {
        Validation v = new Validation();
        AliasRules.checkName(v, aliasName);
        v.throwIfFailed();
        return names.resolve(functionName, Optional.empty()).name();
    }

    @Override
    public Page<Alias> listAliases(String functionName, Optional<String> functionVersion, Optional<String> marker,
                                   Optional<Integer> maxItems) {
        Validation v = new Validation();
        AliasRules.checkVersion(v, functionVersion, "functionVersion");
        v.throwIfFailed();
        int limit = checkMaxItems(maxItems, DEFAULT_ALIASES_PAGE);
        String name = names.resolve(functionName, Optional.empty()).name();
        latestOrNotFound(name);
        Optional<String> after = marker.filter(m -> !m.isEmpty()).map(DefaultVersionRegistry::decode);
        List<Alias> all = store.aliases(name).stream().map(CachingFunctionStore::toAlias)
                .filter(a -> functionVersion.isEmpty() || a.references(functionVersion.get()))
                .filter(a -> after.isEmpty() || a.name().compareTo(after.get()) > 0)
                .sorted(Comparator.comparing(Alias::name)).toList();
        return page(all, limit, Alias::name);
    }

    private Optional<Alias.Routing> routingOf(String functionName, Map<String, Double> weights, String primary) {
        Optional<Alias.Routing> routing = AliasRules.routing(weights, primary);
        routing.ifPresent(r -> versionOrNotFound(functionName, r.version()));
        return routing;
    }

    // ---- lookups and paging ----------------------------------------------------------------------

    private FunctionVersion latestOrNotFound(String name) {
        return store.latest(name).orElseThrow(() ->
                LambdaException.notFound("Function not found: " + arns.function(name)));
    }

    private void versionOrNotFound(String name, String version) {
        if (store.version(name, version).isEmpty()) {
            throw LambdaException.notFound("Function not found: " + arns.function(name, version));
        }
    }

    private Alias aliasOrNotFound(String name, String aliasName) {
        return store.alias(name, aliasName).orElseThrow(() ->
                LambdaException.notFound("Cannot find alias arn: " + arns.function(name, aliasName)));
    }

    private static int checkMaxItems(Optional<Integer> maxItems, int fallback) {
        Validation v = new Validation();
        maxItems.ifPresent(n -> {
            if (n < 1) {
                v.fail(n, "maxItems", "Member must have value greater than or equal to 1");
            } else if (n > DefaultFunctionRegistry.MAX_MAX_ITEMS) {
                v.fail(n, "maxItems", "Member must have value less than or equal to "
                        + DefaultFunctionRegistry.MAX_MAX_ITEMS);
            }
        });
        v.throwIfFailed();
        return maxItems.orElse(fallback);
    }

    private static <T> Page<T> page(List<T> sorted, int limit, java.util.function.Function<T, String> key) {
        if (sorted.size() <= limit) {
            return new Page<>(sorted, Optional.empty());
        }
        List<T> items = sorted.subList(0, limit);
        return new Page<>(List.copyOf(items), Optional.of(encode(key.apply(items.getLast()))));
    }

    private static String encode(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String marker) {
        try {
            return new String(Base64.getUrlDecoder().decode(marker), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalidMarker(marker);
        }
    }

    private static long parseLong(String key, String marker) {
        try {
            return Long.parseLong(key);
        } catch (NumberFormatException e) {
            throw invalidMarker(marker);
        }
    }

    private static LambdaException invalidMarker(String marker) {
        return LambdaException.invalidParameter("Invalid Marker: " + marker
                + ". Pass the NextMarker of the previous response.");
    }
}
