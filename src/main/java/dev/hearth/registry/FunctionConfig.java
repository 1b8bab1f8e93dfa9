package dev.hearth.registry;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The user-settable configuration of one function version, complete (defaults applied) and valid.
 * Immutable; stored as JSON inside the version's row.
 *
 * @param environment   the {@code Environment.Variables} map in the caller's order (AWS quotes it in that order
 *                      when it is too large), or empty when the caller never sent
 *                      {@code Environment} (AWS then omits the key from responses)
 */
public record FunctionConfig(
        String packageType,
        Optional<String> runtime,
        Optional<String> handler,
        String role,
        String description,
        int timeout,
        int memorySize,
        Optional<Map<String, String>> environment,
        int ephemeralStorage,
        List<String> architectures,
        List<String> layers,
        String tracingMode,
        Logging logging,
        Optional<String> deadLetterTargetArn,
        Optional<Vpc> vpc,
        Optional<String> kmsKeyArn,
        String snapStartApplyOn) {

    public static final int DEFAULT_TIMEOUT = 3;
    public static final int DEFAULT_MEMORY = 128;
    public static final int DEFAULT_EPHEMERAL_STORAGE = 512;

    public FunctionConfig {
        environment = environment.map(e -> Collections.unmodifiableMap(new LinkedHashMap<>(e)));
        architectures = List.copyOf(architectures);
        layers = List.copyOf(layers);
    }

    /** {@code LoggingConfig}: the levels are present only with the JSON log format, as on AWS. */
    public record Logging(String logFormat, Optional<String> applicationLogLevel, Optional<String> systemLogLevel,
                          String logGroup) {
    }

    /** {@code VpcConfig}, stored and echoed; Hearth does not attach functions to networks. */
    public record Vpc(List<String> subnetIds, List<String> securityGroupIds, boolean ipv6AllowedForDualStack) {
        public Vpc {
            subnetIds = List.copyOf(subnetIds);
            securityGroupIds = List.copyOf(securityGroupIds);
        }
    }
}
