package dev.hearth.environment;

import dev.hearth.runtimes.RuntimeLaunch;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The complete process environment of a runtime, as Lambda builds it (reference §4.4), in layers where
 * each later layer wins: unreserved defaults, then the runtime's own variables, then the function's
 * variables, then the reserved variables — so neither the runtime nor the user can change what Lambda
 * reserves. Nothing is inherited from the node. Pure function; thread-safe.
 */
final class EnvironmentVariables {
    static final String DEFAULT_PATH = "/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin";
    static final String DEFAULT_LD_LIBRARY_PATH =
            "/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib";

    /**
     * The variables Lambda owns. The registry already refuses them in a function's configuration; this
     * is the second line. {@code AWS_LAMBDA_MAX_CONCURRENCY} is here because setting it at all switches
     * the RICs to concurrent {@code /next} calls, which this Runtime API does not serve.
     */
    static final Set<String> RESERVED = Set.of(
            "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_EXECUTION_ENV",
            "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
            "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
            "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
            "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "AWS_LAMBDA_MAX_CONCURRENCY");

    /** {@code AWS_LAMBDA_INITIALIZATION_TYPE} of a SnapStart version's environments. */
    static final String SNAP_START = "snap-start";

    private EnvironmentVariables() {
    }

    /**
     * @param logStreamName the environment's stream, for {@code AWS_LAMBDA_LOG_STREAM_NAME}
     * @param runtimeApi    {@code 127.0.0.1:<port>} of this environment's Runtime API
     */
    static Map<String, String> of(EnvironmentSpec spec, EnvironmentSettings settings, String logStreamName,
                                  String runtimeApi, RuntimeLaunch launch) {
        Map<String, String> env = new HashMap<>(64);

        env.put("LANG", "en_US.UTF-8");
        env.put("PATH", DEFAULT_PATH);
        env.put("LD_LIBRARY_PATH", DEFAULT_LD_LIBRARY_PATH);
        // AWS lists TZ with the reserved variables, yet functions can and do set it (the registry accepts
        // it), and their clocks follow: a default, not a reserved value.
        env.put("TZ", ":UTC");
        env.put("AWS_LAMBDA_LOG_FORMAT", spec.logFormat());
        if ("JSON".equals(spec.logFormat())) {
            env.put("AWS_LAMBDA_LOG_LEVEL", spec.applicationLogLevel().orElse("INFO"));
        }
        env.put("AWS_XRAY_CONTEXT_MISSING", "LOG_ERROR");

        env.putAll(launch.environment());

        spec.userEnvironment().forEach((key, value) -> {
            if (!RESERVED.contains(key)) {
                env.put(key, value);
            }
        });

        env.keySet().removeAll(RESERVED);
        env.put("_HANDLER", spec.handler());
        env.put("AWS_REGION", settings.region());
        env.put("AWS_DEFAULT_REGION", settings.region());
        if (!spec.runtime().startsWith("provided")) {
            env.put("AWS_EXECUTION_ENV", "AWS_Lambda_" + spec.runtime());
        }
        env.put("AWS_LAMBDA_FUNCTION_NAME", spec.functionName());
        env.put("AWS_LAMBDA_FUNCTION_VERSION", spec.version());
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(spec.memoryMb()));
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", spec.initializationType());
        // SnapStart environments share one snapshot, so AWS sets no per-environment log names there.
        if (!SNAP_START.equals(spec.initializationType())) {
            env.put("AWS_LAMBDA_LOG_GROUP_NAME", spec.logGroup());
            env.put("AWS_LAMBDA_LOG_STREAM_NAME", logStreamName);
        }
        if (SNAP_START.equals(spec.initializationType())) {
            // Credentials in the variables would be frozen into the snapshot: Lambda serves them instead.
            env.put(ContainerCredentials.FULL_URI, ContainerCredentials.uri(runtimeApi));
            env.put(ContainerCredentials.AUTHORIZATION_TOKEN, ContainerCredentials.TOKEN);
        } else {
            env.put("AWS_ACCESS_KEY_ID", settings.credentials().accessKeyId());
            env.put("AWS_SECRET_ACCESS_KEY", settings.credentials().secretAccessKey());
            env.put("AWS_SESSION_TOKEN", settings.credentials().sessionToken());
        }
        env.put("AWS_LAMBDA_RUNTIME_API", runtimeApi);
        env.put("LAMBDA_TASK_ROOT", "/var/task");
        env.put("LAMBDA_RUNTIME_DIR", "/var/runtime");
        return env;
    }
}
