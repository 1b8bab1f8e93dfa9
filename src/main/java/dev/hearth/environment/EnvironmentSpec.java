package dev.hearth.environment;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything an execution environment needs to know about the function version it runs. Built by the
 * pool from the registry's function version; immutable.
 *
 * @param functionArn     the unqualified function ARN
 * @param version         {@code $LATEST} or a version number
 * @param runtime         the Lambda runtime identifier, e.g. {@code python3.12}
 * @param userEnvironment the function's own variables (already validated: no reserved keys)
 * @param taskDir         the unpacked code, mounted read-only at {@code /var/task}
 * @param optDir          unpacked layers for {@code /opt}, when the function has any
 * @param logGroup        e.g. {@code /aws/lambda/name}
 * @param logFormat       {@code Text} or {@code JSON}
 * @param initializationType {@code on-demand} or {@code provisioned-concurrency}
 */
public record EnvironmentSpec(String functionName, String functionArn, String version, String runtime, String handler,
                              int memoryMb, int timeoutSeconds, int ephemeralStorageMb, List<String> architectures,
                              Map<String, String> userEnvironment, Path taskDir, Optional<Path> optDir, String logGroup,
                              String logFormat, Optional<String> applicationLogLevel, Optional<String> systemLogLevel,
                              String initializationType) {
    public EnvironmentSpec {
        architectures = List.copyOf(architectures);
        userEnvironment = Map.copyOf(userEnvironment);
    }
}
