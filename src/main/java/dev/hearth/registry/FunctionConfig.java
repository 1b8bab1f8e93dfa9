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
 * @param layers        the layer versions, in order, with what the function keeps of each: it goes on running
 *                      with them after the layer version itself is deleted, as on AWS
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
        List<LayerRef> layers,
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

    /** This configuration with other layers. */
    public FunctionConfig withLayers(List<LayerRef> newLayers) {
        return new FunctionConfig(packageType, runtime, handler, role, description, timeout, memorySize, environment,
                ephemeralStorage, architectures, newLayers, tracingMode, logging, deadLetterTargetArn, vpc, kmsKeyArn,
                snapStartApplyOn);
    }

    /**
     * One layer version of a function: its ARN and zip size as {@code Layers} shows them, the hex SHA-256
     * naming its code in the code store, and its unzipped size (code plus layers must fit AWS's limit).
     */
    public record LayerRef(String arn, long codeSize, String codeSha256Hex, long unzippedSize) {
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
