package dev.hearth.api;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The {@code Date} response header, formatted once per second rather than on every response: every
 * API answer carries it, the warm invoke's included. Thread-safe: a racing refresh only formats the
 * same second twice.
 */
final class HttpDate {
    private record Stamp(long epochSecond, String text) {
    }

    private static volatile Stamp last = new Stamp(-1, "");

    private HttpDate() {
    }

    static String now() {
        long millis = System.currentTimeMillis();
        long second = Math.floorDiv(millis, 1000);
        Stamp stamp = last;
        if (stamp.epochSecond() != second) {
            stamp = new Stamp(second, DateTimeFormatter.RFC_1123_DATE_TIME.format(
                    Instant.ofEpochSecond(second).atOffset(ZoneOffset.UTC)));
            last = stamp;
        }
        return stamp.text();
    }
}
