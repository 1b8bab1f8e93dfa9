package dev.hearth.registry;

import java.util.Optional;

/**
 * The control plane for published versions and aliases: PublishVersion, ListVersionsByFunction and
 * the alias operations, with AWS's validation and errors ({@link dev.hearth.core.LambdaException}).
 * Function names arrive raw (name, partial ARN or ARN). Qualified reads and deletes of versions go
 * through {@link FunctionRegistry#get} and {@link FunctionRegistry#delete}.
 *
 * <p>Threading: blocking (it reads and writes the store); call from virtual threads. Safe for
 * concurrent use: publishing is a compare-and-set on {@code $LATEST}'s revision and the version counter,
 * alias updates on the alias's revision id.
 */
public interface VersionRegistry {

    /** Publishes {@code $LATEST} as a new version, or returns the latest version if nothing changed since. */
    FunctionVersion publish(VersionCommands.PublishVersion command);

    /** {@code $LATEST} and the published versions of a function, in number order. */
    Page<FunctionVersion> listVersions(String functionName, Optional<String> marker, Optional<Integer> maxItems);

    Alias createAlias(VersionCommands.CreateAlias command);

    Alias getAlias(String functionName, String aliasName);

    Alias updateAlias(VersionCommands.UpdateAlias command);

    /** Deletes an alias; as on AWS, deleting one that does not exist succeeds. */
    void deleteAlias(String functionName, String aliasName);

    /** The aliases of a function by name, optionally only those routing to {@code functionVersion}. */
    Page<Alias> listAliases(String functionName, Optional<String> functionVersion, Optional<String> marker,
                            Optional<Integer> maxItems);

    /** One page of a listing, with the marker of the next page when there is one. */
    record Page<T>(java.util.List<T> items, Optional<String> nextMarker) {
    }
}
