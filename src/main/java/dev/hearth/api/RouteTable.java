package dev.hearth.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
    /** Each route's template split once: a literal segment, or a parameter's name (then {@code param}). */
    private final Template[] templates;

    private record Template(Route route, String[] segments, boolean[] param) {
    }

    public RouteTable(List<Route> routes) {
        this.routes = List.copyOf(routes);
        this.templates = new Template[this.routes.size()];
        for (int i = 0; i < templates.length; i++) {
            Route route = this.routes.get(i);
            List<String> parts = split(route.template());
            String[] segments = new String[parts.size()];
            boolean[] param = new boolean[parts.size()];
            for (int j = 0; j < segments.length; j++) {
                String t = parts.get(j);
                param[j] = t.startsWith("{") && t.endsWith("}");
                segments[j] = param[j] ? t.substring(1, t.length() - 1) : t;
            }
            templates[i] = new Template(route, segments, param);
        }
    }

    public RouteTable plus(RouteTable other) {
        List<Route> all = new ArrayList<>(routes);
        all.addAll(other.routes);
        return new RouteTable(all);
    }

    /**
     * Matches against the templates split at construction: on every request (the warm invoke's included)
     * only the request's own path is split and decoded, and a parameter map is built only for the route
     * that matched.
     */
    public Match match(String method, String rawPath) {
        if (rawPath.indexOf('%') >= 0 || rawPath.indexOf('+') >= 0) {
            return matchDecoded(method, decode(split(rawPath)));
        }
        // The usual path has nothing to decode: its segments are compared where they lie in the string,
        // and only the matching route's parameters are cut out of it.
        int from = rawPath.startsWith("/") ? 1 : 0;
        int to = rawPath.length();
        if (to > from && rawPath.charAt(to - 1) == '/') {
            to--;
        }
        int count = 0;
        if (to > from) {
            count = 1;
            for (int i = from; i < to; i++) {
                if (rawPath.charAt(i) == '/') {
                    count++;
                }
            }
        }
        // starts[k] is where segment k begins; starts[count] is one past the end of the last one.
        int[] starts = new int[count + 1];
        int k = 0;
        starts[0] = from;
        for (int i = from; i < to && k < count; i++) {
            if (rawPath.charAt(i) == '/') {
                starts[++k] = i + 1;
            }
        }
        starts[count] = to + 1;
        boolean pathKnown = false;
        for (Template template : templates) {
            if (fits(template, rawPath, starts, count)) {
                if (template.route().method().equals(method)) {
                    return new Match.Found(template.route(), params(template, rawPath, starts));
                }
                pathKnown = true;
            }
        }
        return pathKnown ? new Match.WrongMethod() : new Match.NotFound();
    }

    private static boolean fits(Template template, String path, int[] starts, int count) {
        String[] mine = template.segments();
        if (mine.length != count) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            int start = starts[i];
            int length = starts[i + 1] - 1 - start;
            if (template.param()[i]
                    ? length == 0
                    : length != mine[i].length() || !path.regionMatches(start, mine[i], 0, length)) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, String> params(Template template, String path, int[] starts) {
        Map<String, String> params = new HashMap<>(4);
        for (int i = 0; i < template.segments().length; i++) {
            if (template.param()[i]) {
                params.put(template.segments()[i], path.substring(starts[i], starts[i + 1] - 1));
            }
        }
        return params;
    }

    private Match matchDecoded(String method, List<String> segments) {
        boolean pathKnown = false;
        for (Template template : templates) {
            if (fits(template, segments)) {
                if (template.route().method().equals(method)) {
                    return new Match.Found(template.route(), params(template, segments));
                }
                pathKnown = true;
            }
        }
        return pathKnown ? new Match.WrongMethod() : new Match.NotFound();
    }

    private static boolean fits(Template template, List<String> segments) {
        String[] mine = template.segments();
        if (mine.length != segments.size()) {
            return false;
        }
        for (int i = 0; i < mine.length; i++) {
            String s = segments.get(i);
            if (template.param()[i] ? s.isEmpty() : !mine[i].equals(s)) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, String> params(Template template, List<String> segments) {
        Map<String, String> params = new HashMap<>(4);
        for (int i = 0; i < template.segments().length; i++) {
            if (template.param()[i]) {
                params.put(template.segments()[i], segments.get(i));
            }
        }
        return params;
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
            // '+' is literal in a path; only percent-escapes are decoded (most segments have neither).
            boolean plain = s.indexOf('%') < 0 && s.indexOf('+') < 0;
            out.add(plain ? s : URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
        }
        return out;
    }
}
