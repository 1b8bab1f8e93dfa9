package dev.hearth.config;

/**
 * Function logs on disk. Immutable; validated on construction.
 *
 * @param diskCapMb the most disk all log groups together may take; the oldest streams go first when
 *                  it is exceeded (default 2048)
 */
public record LogConfig(long diskCapMb) {

    public static final long DEFAULT_DISK_CAP_MB = 2048;

    public LogConfig {
        if (diskCapMb < 1) {
            throw new IllegalArgumentException("log disk cap must be at least 1 MB, got " + diskCapMb);
        }
    }

    public static LogConfig defaults() {
        return new LogConfig(DEFAULT_DISK_CAP_MB);
    }

    public LogConfig withDiskCapMb(long cap) {
        return new LogConfig(cap);
    }
}
