package dev.hearth.registry;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configuration members of a CreateFunction or UpdateFunctionConfiguration request, each present
 * only if the caller sent it. {@link FunctionRules} validates them and applies them over defaults or
 * the current configuration.
 */
public record FunctionSettings(
        Optional<String> runtime,
        Optional<String> handler,
        Optional<String> role,
        Optional<String> description,
        Optional<Integer> timeout,
        Optional<Integer> memorySize,
        Optional<Map<String, String>> environment,
        Optional<Integer> ephemeralStorage,
        Optional<List<String>> architectures,
        Optional<List<String>> layers,
        Optional<String> tracingMode,
        Optional<LoggingSettings> logging,
        Optional<String> deadLetterTargetArn,
        Optional<VpcSettings> vpc,
        Optional<String> kmsKeyArn,
        Optional<String> snapStartApplyOn) {

    /** {@code LoggingConfig} as sent: every member optional. */
    public record LoggingSettings(Optional<String> logFormat, Optional<String> applicationLogLevel,
                                  Optional<String> systemLogLevel, Optional<String> logGroup) {
    }

    /** {@code VpcConfig} as sent: every member optional. */
    public record VpcSettings(Optional<List<String>> subnetIds, Optional<List<String>> securityGroupIds,
                              Optional<Boolean> ipv6AllowedForDualStack) {
    }

    /** Settings with nothing set. */
    public static FunctionSettings none() {
        return new FunctionSettings(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }
}
