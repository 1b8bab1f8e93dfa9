package dev.hearth.logs;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Log stream names as AWS gives them to execution environments: {@code YYYY/MM/DD/[<version>]<id>},
 * the UTC date the environment started, the function version it runs ({@code $LATEST} or a number) and
 * 32 lowercase hex digits that identify the environment. Pure functions; thread-safe.
 */
public final class LogStreamNames {
    private LogStreamNames() {
    }

    /**
     * The stream name of an environment started at {@code startedAt} running {@code version}.
     *
     * @param environmentId 32 lowercase hex digits
     */
    public static String of(Instant startedAt, String version, String environmentId) {
        if (!isId(environmentId)) {
            throw new IllegalArgumentException("a log stream id is 32 lowercase hex digits, got '" + environmentId + "'");
        }
        if (version.isEmpty()) {
            throw new IllegalArgumentException("a log stream name needs the function version");
        }
        LocalDate day = LocalDate.ofInstant(startedAt, ZoneOffset.UTC);
        // Built by hand rather than with a formatter: this runs on every environment start, and the
        // zero padding is the only formatting there is.
        StringBuilder name = new StringBuilder(16 + version.length() + 32);
        name.append(day.getYear()).append('/');
        pad2(name, day.getMonthValue()).append('/');
        pad2(name, day.getDayOfMonth()).append("/[").append(version).append(']').append(environmentId);
        return name.toString();
    }

    /** Whether {@code id} is 32 lowercase hex digits; by hand, as this runs on every environment start. */
    private static boolean isId(String id) {
        if (id.length() != 32) {
            return false;
        }
        for (int i = 0; i < 32; i++) {
            char c = id.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }

    private static StringBuilder pad2(StringBuilder out, int value) {
        if (value < 10) {
            out.append('0');
        }
        return out.append(value);
    }
}
