package dev.hearth.environment;

import dev.hearth.core.Arns;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runtime version ARN each runtime's INIT_START (and RESTORE_START) line names, computed once per
 * runtime: {@link Arns#runtimeVersion} hashes the runtime's name (a digest looked up and run), which every
 * new environment otherwise repeated for the same few strings.
 *
 * <p>Threading: thread-safe.
 */
final class RuntimeVersionArns {
    private final Arns arns;
    private final Map<String, String> byRuntime = new ConcurrentHashMap<>();

    RuntimeVersionArns(EnvironmentSettings settings) {
        this.arns = new Arns(settings.region(), settings.accountId());
    }

    String of(String runtime) {
        return byRuntime.computeIfAbsent(runtime, arns::runtimeVersion);
    }
}
