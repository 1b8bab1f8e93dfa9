package dev.hearth.registry;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The control-plane requests the registry carries out, as typed records parsed by the API. */
public final class Commands {
    private Commands() {
    }

    /** CreateFunction. */
    public record CreateFunction(String functionName, FunctionSettings settings, Optional<String> packageType,
                                 CodeInput code, Map<String, String> tags, boolean publish) {
        public CreateFunction {
            tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags)); // keeps the caller's order
        }
    }

    /** UpdateFunctionConfiguration. */
    public record UpdateConfiguration(String functionName, FunctionSettings settings, Optional<String> revisionId) {
    }

    /** UpdateFunctionCode. */
    public record UpdateCode(String functionName, CodeInput code, Optional<List<String>> architectures,
                             Optional<String> revisionId, boolean dryRun, boolean publish) {
    }
}
