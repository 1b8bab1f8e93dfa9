package dev.hearth.registry;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The control plane for functions: create, read, list, update, delete and tag, with AWS's validation
 * and errors ({@link dev.hearth.core.LambdaException}). Names arrive raw, as the caller wrote them
 * (name, partial ARN or ARN), and are validated here.
 *
 * <p>Threading: blocking (it reads and writes the store); call from virtual threads. Safe for
 * concurrent use: concurrent updates of one function are serialised by revision-id compare-and-set.
 */
public interface FunctionRegistry {

    FunctionVersion create(Commands.CreateFunction command);

    FunctionView get(String functionName, Optional<String> qualifier);

    FunctionPage list(Optional<String> functionVersion, Optional<String> marker, Optional<Integer> maxItems);

    FunctionVersion updateConfiguration(Commands.UpdateConfiguration command);

    FunctionVersion updateCode(Commands.UpdateCode command);

    void delete(String functionName, Optional<String> qualifier);

    Map<String, String> listTags(String resourceArn);

    void tag(String resourceArn, Map<String, String> tags);

    void untag(String resourceArn, List<String> tagKeys);

    AccountUsage usage();

    /** The stored zip with this hex SHA-256, for code downloads. */
    Optional<Path> codeBlob(String sha256Hex);

    /** Resumes background work a crash interrupted and removes code nothing references. Called once at start. */
    void recover();
}
