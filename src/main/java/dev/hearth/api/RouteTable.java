package dev.hearth.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Our own small route table (vertx-web does not resolve from the registry here, ARCHITECTURE §3):
 * routes are tried in order; a path that matches a template but not its method is reported as such.
 * Immutable and thread-safe once built. Matching is a linear scan over a few dozen routes, which costs
 * less than one JSON parse.
 */
public final class RouteTable {

    /** The outcome of matching a request. */
    public sealed interface Match {
        record Found(Route route, Map<String, String> params) implements Match {
        }

        /** The path is known but not with this method. */
        record WrongMethod() implements Match {
        }

        record NotFound() implements Match {
        }
    }

    private final List<Route> routes;

    public RouteTable(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    public RouteTable plus(RouteTable other) {
        List<Route> all = new ArrayList<>(routes);
        all.addAll(other.routes);
        return new RouteTable(all);
    }

    public Match match(String method, String rawPath) {
        List<String> segments = decode(split(rawPath));
        boolean pathKnown = false;
        for (Route route : routes) {
            Optional<Map<String, String>> params = route.match(segments);
            if (params.isPresent()) {
                if (route.method().equals(method)) {
                    return new Match.Found(route, params.get());
                }
                pathKnown = true;
            }
        }
        return pathKnown ? new Match.WrongMethod() : new Match.NotFound();
    }

    /** Splits a path on '/', ignoring the leading slash and one trailing slash. */
    static List<String> split(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty()) {
            return List.of();
        }
        return List.of(p.split("/", -1));
    }

    private static List<String> decode(List<String> raw) {
        List<String> out = new ArrayList<>(raw.size());
        for (String s : raw) {
            // '+' is literal in a path; only percent-escapes are decoded.
            out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
        }
        return out;
    }
}
