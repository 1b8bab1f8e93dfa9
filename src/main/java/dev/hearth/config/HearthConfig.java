package dev.hearth.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Every setting of a Hearth node. Immutable; validated on construction.
 *
 * @param host        address the API listens on (default {@code 127.0.0.1})
 * @param port        port the API listens on (default 3001; 0 picks a free port, for tests)
 * @param dataDir     where the store, code blobs and logs live (default {@code ~/.hearth})
 * @param region      the AWS region the node presents itself as (default {@code us-east-1})
 * @param accountId   the 12-digit account id in ARNs (default {@code 000000000000})
 * @param publicUrl   the base URL clients reach the node at, for links such as {@code Code.Location};
 *                    empty means {@code http://host:port}
 * @param keepAlive   how long an idle execution environment stays warm (default 10 minutes)
 * @param concurrency account concurrency, scaling rate and the memory budget for environments
 * @param async       the asynchronous invocation queue: retry back-off, destinations
 * @param logs        function log retention and disk cap
 * @param stemCells   stem cells (sandboxes started ahead of cold starts, interpreter loaded) kept per recently
 *                    used runtime set-up; 0 turns them off (the default here, so tests start cold; {@code
 *                    hearth serve} defaults to 2)
 */
public record HearthConfig(String host, int port, Path dataDir, String region, String accountId, String publicUrl,
                           Duration keepAlive, ConcurrencyConfig concurrency, AsyncConfig async, LogConfig logs,
                           int stemCells) {

    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofMinutes(10);

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 3001;
    public static final String DEFAULT_REGION = "us-east-1";
    public static final String DEFAULT_ACCOUNT_ID = "000000000000";

    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d");
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");

    public HearthConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(publicUrl, "publicUrl");
        Objects.requireNonNull(keepAlive, "keepAlive");
        Objects.requireNonNull(concurrency, "concurrency");
        Objects.requireNonNull(async, "async");
        Objects.requireNonNull(logs, "logs");
        if (keepAlive.isNegative() || keepAlive.isZero()) {
            throw new IllegalArgumentException("keep-alive must be positive, got " + keepAlive);
        }
        if (stemCells < 0) {
            throw new IllegalArgumentException("stem cells must not be negative, got " + stemCells);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        if (!REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("region must look like us-east-1, got '" + region + "'");
        }
        if (!ACCOUNT.matcher(accountId).matches()) {
            throw new IllegalArgumentException("account id must be 12 digits, got '" + accountId + "'");
        }
        dataDir = dataDir.toAbsolutePath().normalize();
    }

    /** Defaults for everything but the data dir; tests start from this. */
    public static HearthConfig defaults(Path dataDir) {
        return new HearthConfig(DEFAULT_HOST, DEFAULT_PORT, dataDir, DEFAULT_REGION, DEFAULT_ACCOUNT_ID, "",
                DEFAULT_KEEP_ALIVE, ConcurrencyConfig.defaults(), AsyncConfig.defaults(), LogConfig.defaults(), 0);
    }

    public HearthConfig withPort(int newPort) {
        return new HearthConfig(host, newPort, dataDir, region, accountId, publicUrl, keepAlive, concurrency, async,
                logs, stemCells);
    }

    public HearthConfig withKeepAlive(Duration newKeepAlive) {
        return new HearthConfig(host, port, dataDir, region, accountId, publicUrl, newKeepAlive, concurrency, async,
                logs, stemCells);
    }

    public HearthConfig withConcurrency(ConcurrencyConfig newConcurrency) {
        return new HearthConfig(host, port, dataDir, region, accountId, publicUrl, keepAlive, newConcurrency, async,
                logs, stemCells);
    }

    public HearthConfig withAsync(AsyncConfig newAsync) {
        return new HearthConfig(host, port, dataDir, region, accountId, publicUrl, keepAlive, concurrency, newAsync,
                logs, stemCells);
    }

    public HearthConfig withLogs(LogConfig newLogs) {
        return new HearthConfig(host, port, dataDir, region, accountId, publicUrl, keepAlive, concurrency, async,
                newLogs, stemCells);
    }

    public HearthConfig withStemCells(int newStemCells) {
        return new HearthConfig(host, port, dataDir, region, accountId, publicUrl, keepAlive, concurrency, async, logs,
                newStemCells);
    }
}
