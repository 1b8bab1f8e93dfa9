package dev.hearth.logs;

import java.util.ArrayList;
import java.util.List;

/**
 * The subset of CloudWatch Logs filter pattern syntax Hearth supports for unstructured log events,
 * matched case-sensitively against the whole message:
 * <ul>
 *   <li>{@code ERROR timeout}: every term must occur;</li>
 *   <li>{@code "connection reset"}: a quoted phrase occurs as written ({@code \"} inside is a quote);</li>
 *   <li>{@code -DEBUG}, {@code -"health check"}: the term or phrase must not occur;</li>
 *   <li>{@code ?ERROR ?WARN}: at least one of the {@code ?} terms must occur (with the others above).</li>
 * </ul>
 * An empty or blank pattern matches every event. JSON ({@code { $.x = 1 }}), space-delimited
 * ({@code [ip, user]}) and regular-expression ({@code %...%}) patterns are refused rather than
 * silently matched as words. Immutable and thread-safe.
 */
public final class FilterPattern {
    private static final FilterPattern ALL = new FilterPattern(List.of(), List.of(), List.of());

    private final List<String> required;
    private final List<String> excluded;
    private final List<String> anyOf;

    private FilterPattern(List<String> required, List<String> excluded, List<String> anyOf) {
        this.required = List.copyOf(required);
        this.excluded = List.copyOf(excluded);
        this.anyOf = List.copyOf(anyOf);
    }

    public static FilterPattern all() {
        return ALL;
    }

    /** Parses a pattern; throws {@link LogStoreException} (an invalid parameter) for what is not supported. */
    public static FilterPattern parse(String pattern) {
        String p = pattern.strip();
        if (p.isEmpty()) {
            return ALL;
        }
        char first = p.charAt(0);
        if (first == '{' || first == '[' || first == '%') {
            throw invalid("Hearth supports filter patterns of terms, quoted phrases, -term and ?term only;"
                    + " JSON, space-delimited and regular-expression patterns are not supported: " + pattern);
        }
        List<String> required = new ArrayList<>();
        List<String> excluded = new ArrayList<>();
        List<String> anyOf = new ArrayList<>();
        int i = 0;
        while (i < p.length()) {
            char c = p.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            List<String> target = required;
            if ((c == '-' || c == '?') && i + 1 < p.length() && !Character.isWhitespace(p.charAt(i + 1))) {
                target = c == '-' ? excluded : anyOf;
                i++;
            }
            StringBuilder term = new StringBuilder();
            if (p.charAt(i) == '"') {
                i = quoted(p, i + 1, term, pattern);
            } else {
                while (i < p.length() && !Character.isWhitespace(p.charAt(i))) {
                    term.append(p.charAt(i++));
                }
            }
            if (!term.isEmpty()) {
                target.add(term.toString());
            }
        }
        return new FilterPattern(required, excluded, anyOf);
    }

    /** Reads a quoted phrase starting after its opening quote; returns the index after the closing one. */
    private static int quoted(String p, int start, StringBuilder out, String pattern) {
        int i = start;
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '\\' && i + 1 < p.length()) {
                out.append(p.charAt(i + 1));
                i += 2;
            } else if (c == '"') {
                return i + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        throw invalid("Invalid filter pattern: unterminated quoted phrase in " + pattern);
    }

    private static LogStoreException invalid(String message) {
        return new LogStoreException(LogStoreException.Kind.INVALID_PARAMETER, message);
    }

    public boolean matches(String message) {
        for (String term : required) {
            if (!message.contains(term)) {
                return false;
            }
        }
        for (String term : excluded) {
            if (message.contains(term)) {
                return false;
            }
        }
        if (anyOf.isEmpty()) {
            return true;
        }
        for (String term : anyOf) {
            if (message.contains(term)) {
                return true;
            }
        }
        return false;
    }

    public boolean matchesAll() {
        return required.isEmpty() && excluded.isEmpty() && anyOf.isEmpty();
    }

    @Override
    public String toString() {
        return "FilterPattern[required=" + required + ", excluded=" + excluded + ", anyOf=" + anyOf + "]";
    }
}
