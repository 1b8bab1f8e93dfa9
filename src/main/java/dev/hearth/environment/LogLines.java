package dev.hearth.environment;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.OptionalDouble;

/**
 * The lines Lambda itself writes into a function's log stream, character for character as AWS writes
 * them in text format (fields separated by TAB; REPORT fields each followed by a TAB). Pure functions;
 * thread-safe.
 */
final class LogLines {
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private LogLines() {
    }

    static String initStart(String runtimeVersion, String runtimeVersionArn) {
        return "INIT_START Runtime Version: " + runtimeVersion + "\tRuntime Version ARN: " + runtimeVersionArn;
    }

    /** {@code INIT_REPORT Init Duration: 10000.00 ms\tPhase: init\tStatus: timeout} (or error + type). */
    static String initReport(double initDurationMillis, Fault fault) {
        StringBuilder line = new StringBuilder(96).append("INIT_REPORT Init Duration: ");
        appendTwoDecimals(line, initDurationMillis).append(" ms\tPhase: init\t");
        return appendStatus(line, fault).toString();
    }

    /** SnapStart's line at snapshot time, when init and the before-snapshot hooks succeeded. */
    static String initReport(double initDurationMillis) {
        return appendTwoDecimals(new StringBuilder(48).append("INIT_REPORT Init Duration: "), initDurationMillis)
                .append(" ms").toString();
    }

    /** The first line of an environment restored from a SnapStart snapshot (in place of INIT_START). */
    static String restoreStart(String runtimeVersion, String runtimeVersionArn) {
        return "RESTORE_START Runtime Version: " + runtimeVersion + "\tRuntime Version ARN: " + runtimeVersionArn;
    }

    /** {@code RESTORE_REPORT Restore Duration: 3.21 ms}: restored and after-restore hooks run. */
    static String restoreReport(double restoreDurationMillis) {
        return appendTwoDecimals(new StringBuilder(48).append("RESTORE_REPORT Restore Duration: "), restoreDurationMillis)
                .append(" ms").toString();
    }

    static String start(String requestId, String version) {
        return "START RequestId: " + requestId + " Version: " + version;
    }

    static String end(String requestId) {
        return "END RequestId: " + requestId;
    }

    /**
     * {@code REPORT RequestId: <id>\tDuration: 2.16 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax
     * Memory Used: 67 MB\t}, then {@code Init Duration: 150.40 ms\t} on a cold start, then
     * {@code Status: timeout} or {@code Status: error\tError Type: <type>} when the invocation failed
     * through the platform ({@code fault} null otherwise).
     */
    static String report(String requestId, double durationMillis, long billedMillis, int memorySizeMb,
                         long maxMemoryUsedMb, OptionalDouble initDurationMillis, Fault fault) {
        StringBuilder line = new StringBuilder(192).append("REPORT RequestId: ").append(requestId).append("\tDuration: ");
        appendTwoDecimals(line, durationMillis).append(" ms\tBilled Duration: ").append(billedMillis)
                .append(" ms\tMemory Size: ").append(memorySizeMb).append(" MB\tMax Memory Used: ")
                .append(maxMemoryUsedMb).append(" MB\t");
        if (initDurationMillis.isPresent()) {
            appendTwoDecimals(line.append("Init Duration: "), initDurationMillis.getAsDouble()).append(" ms\t");
        }
        return withStatus(line, fault);
    }

    /**
     * REPORT of the first invocation of an environment restored from a SnapStart snapshot: {@code Restore
     * Duration: 3.21 ms\tBilled Restore Duration: 4 ms\t} where a cold start has {@code Init Duration}.
     */
    static String report(String requestId, double durationMillis, long billedMillis, int memorySizeMb,
                         long maxMemoryUsedMb, double restoreDurationMillis, Fault fault) {
        StringBuilder line = new StringBuilder(224).append("REPORT RequestId: ").append(requestId).append("\tDuration: ");
        appendTwoDecimals(line, durationMillis).append(" ms\tBilled Duration: ").append(billedMillis)
                .append(" ms\tMemory Size: ").append(memorySizeMb).append(" MB\tMax Memory Used: ")
                .append(maxMemoryUsedMb).append(" MB\t");
        appendTwoDecimals(line.append("Restore Duration: "), restoreDurationMillis).append(" ms\tBilled Restore Duration: ")
                .append(Math.max(1, (long) Math.ceil(restoreDurationMillis))).append(" ms\t");
        return withStatus(line, fault);
    }

    private static String withStatus(StringBuilder line, Fault fault) {
        if (fault != null) {
            appendStatus(line, fault);
        }
        return line.toString();
    }

    /** {@code 2024-01-01T00:00:03.000Z <id> Task timed out after 3.00 seconds} */
    static String timeout(Instant now, String requestId, String seconds) {
        return TIMESTAMP.format(now) + " " + requestId + " Task timed out after " + seconds + " seconds";
    }

    /** A limit in seconds as AWS prints it in timeout messages: two decimals ("3.00"). */
    static String seconds(Duration limit) {
        return appendTwoDecimals(new StringBuilder(12), limit.toMillis() / 1000.0).toString();
    }

    /** Rounds to the two decimals REPORT shows, so that the figures in the line and the record agree. */
    static double roundTwoDecimals(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static StringBuilder appendStatus(StringBuilder line, Fault fault) {
        if (fault.timedOut()) {
            return line.append("Status: timeout");
        }
        return line.append("Status: error\tError Type: ").append(fault.reportedType());
    }

    /** Formats without {@code String.format}: REPORT is written on every invocation, on an event loop. */
    static StringBuilder appendTwoDecimals(StringBuilder out, double value) {
        long hundredths = Math.round(value * 100);
        if (hundredths < 0) {
            out.append('-');
            hundredths = -hundredths;
        }
        long fraction = hundredths % 100;
        out.append(hundredths / 100).append('.');
        if (fraction < 10) {
            out.append('0');
        }
        return out.append(fraction);
    }
}
