package dev.hearth.bench;

import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What every measurement may use: the plan, the node's API, the echo server, the deployed no-op
 * functions, the interpreters behind them and the sandbox baseline. Built once by {@link BenchCommand}.
 *
 * @param functions    by key ("python", "node", "java"); a key is missing when deployment failed, and
 *                     {@code deployErrors} then says why
 * @param interpreters by the same keys
 * @param sandbox      empty when no sandbox launcher could be built here
 * @param workDir      scratch space, deleted after the run
 * @param progress     where progress lines go (never written inside a timed region)
 */
record BenchContext(Plan plan, HttpClient http, LambdaApi api, EchoServer echo, Map<String, BenchFunction> functions,
                    Map<String, String> deployErrors, Map<String, Interpreter> interpreters,
                    Optional<SandboxBaseline> sandbox, Path workDir, PrintStream progress) {

    /** The fixed payload of every invoke and echo: small, so that the rows measure overhead. */
    static final byte[] PAYLOAD = "{\"k\":\"v\"}".getBytes(StandardCharsets.UTF_8);

    BenchContext {
        functions = Map.copyOf(functions);
        deployErrors = Map.copyOf(deployErrors);
        interpreters = Map.copyOf(interpreters);
    }

    /** The deployed function for {@code key}, or an exception saying why there is none. */
    BenchFunction function(String key) {
        BenchFunction f = functions.get(key);
        if (f == null) {
            throw new IllegalStateException("no " + key + " function: "
                    + deployErrors.getOrDefault(key, "not deployed"));
        }
        return f;
    }

    void progress(String line) {
        progress.println("bench: " + line);
        progress.flush();
    }
}
