package dev.hearth.sandbox;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Plain mode only: maps the paths a runtime expects ({@code /var/task}, {@code /var/runtime}, {@code /opt})
 * to the host directories they stand for, in argv elements and in environment values (each
 * {@code :}-separated segment, so {@code PATH}, {@code PYTHONPATH} and {@code LD_LIBRARY_PATH} work).
 * Best effort: a path hard-coded inside the function's own code or files is not rewritten. A value under
 * one of the spec's extra read-only paths is left alone, since that path is the same on the host (a JDK
 * in {@code /opt/java} must not become a path into the layers).
 *
 * <p>Pure and immutable.
 */
record PathRewriter(Map<String, String> mapping, List<Path> keep) {

    PathRewriter {
        mapping = Map.copyOf(mapping);
        keep = List.copyOf(keep);
    }

    static PathRewriter of(SandboxSpec spec, Path emptyDir) {
        Map<String, String> mapping = new LinkedHashMap<>();
        mapping.put("/var/task", spec.taskDir().toString());
        mapping.put("/var/runtime", spec.runtimeDir().toString());
        mapping.put("/opt", spec.optDir().orElse(emptyDir).toString());
        return new PathRewriter(mapping, spec.extraReadOnly());
    }

    List<String> command(List<String> argv) {
        return argv.stream().map(this::path).toList();
    }

    Map<String, String> environment(Map<String, String> environment) {
        return environment.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> value(e.getValue())));
    }

    String value(String value) {
        String[] segments = value.split(":", -1);
        for (int i = 0; i < segments.length; i++) {
            segments[i] = path(segments[i]);
        }
        return String.join(":", segments);
    }

    String path(String candidate) {
        if (!candidate.startsWith("/") || keep.stream().anyMatch(k -> Path.of(candidate).normalize().startsWith(k))) {
            return candidate;
        }
        for (var m : mapping.entrySet()) {
            String inside = m.getKey();
            if (candidate.equals(inside) || candidate.startsWith(inside + "/")) {
                return m.getValue() + candidate.substring(inside.length());
            }
        }
        return candidate;
    }
}
