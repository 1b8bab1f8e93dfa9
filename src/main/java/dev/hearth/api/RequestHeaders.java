package dev.hearth.api;

import io.vertx.core.MultiMap;

import java.util.AbstractMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A request's headers as {@link ApiRequest} holds them (lower-cased names, the first value of each), read
 * straight from Vert.x's case-insensitive headers instead of copied into a new map on every request: a
 * handler asks for two or three headers by name, and only one that walks them all (or asks the size)
 * pays for the copy, once.
 *
 * <p>Read-only. Safe to read from the handler's thread once the request has been read in full: Vert.x
 * no longer touches a request's headers by then.
 */
final class RequestHeaders extends AbstractMap<String, String> {
    private final MultiMap headers;
    /** The lower-cased copy, made on first need. */
    private Map<String, String> copy;

    RequestHeaders(MultiMap headers) {
        this.headers = headers;
    }

    @Override
    public String get(Object name) {
        return name instanceof String s ? headers.get(s) : null;
    }

    @Override
    public boolean containsKey(Object name) {
        return name instanceof String s && headers.contains(s);
    }

    @Override
    public boolean isEmpty() {
        return headers.isEmpty();
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        Map<String, String> c = copy;
        if (c == null) {
            c = HashMap.newHashMap(headers.size());
            for (Map.Entry<String, String> e : headers) {
                c.putIfAbsent(e.getKey().toLowerCase(Locale.ROOT), e.getValue());
            }
            c = Map.copyOf(c);
            copy = c;
        }
        return c.entrySet();
    }
}
