package dev.hearth.environment;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Node-wide settings every execution environment shares. Immutable.
 *
 * @param region      the region functions see ({@code AWS_REGION}, {@code AWS_DEFAULT_REGION}, the runtime
 *                    version ARN)
 * @param accountId   the 12-digit account id of the node
 * @param credentials what functions find in {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY} and
 *                    {@code AWS_SESSION_TOKEN}
 * @param initTimeout how long a runtime may take from launch to its first {@code /next} (AWS: 10 s for
 *                    on-demand environments)
 * @param scratchDir  the node's scratch directory for execution environments; the sandbox launcher keeps
 *                    its per-sandbox files (such as {@code /tmp}) under its own configuration, so the
 *                    environment itself writes nothing here yet
 * @param pidLimit    most processes and threads one sandbox may hold
 * @param blocking    runs blocking work (process launch, reading process output, kills); virtual threads
 * @param startGate   shared by all environments of a node: how many start at once
 * @param verifyRuntimePeers whether each Runtime API endpoint serves only connections from its own
 *                    sandbox's processes (checked through /proc); off only for in-process fake runtimes
 */
public record EnvironmentSettings(String region, String accountId, Credentials credentials, Duration initTimeout,
                                  Path scratchDir, int pidLimit, Executor blocking, boolean verifyRuntimePeers,
                                  StartGate startGate) {

    public static final String DEFAULT_REGION = "us-east-1";
    public static final String DEFAULT_ACCOUNT_ID = "000000000000";
    public static final Duration DEFAULT_INIT_TIMEOUT = Duration.ofSeconds(10);
    /** Generous for a JVM's threads, low enough that a fork bomb stops long before the node does. */
    public static final int DEFAULT_PID_LIMIT = 1024;

    public EnvironmentSettings {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(initTimeout, "initTimeout");
        Objects.requireNonNull(scratchDir, "scratchDir");
        Objects.requireNonNull(blocking, "blocking");
        if (initTimeout.isNegative() || initTimeout.isZero()) {
            throw new IllegalArgumentException("the init timeout must be positive, got " + initTimeout);
        }
        if (pidLimit < 1) {
            throw new IllegalArgumentException("the pid limit must be positive, got " + pidLimit);
        }
    }

    /** The defaults: us-east-1, account 000000000000, dummy credentials, 10 s init, 1024 pids. */
    public static EnvironmentSettings defaults(Path scratchDir, Executor blocking) {
        return new EnvironmentSettings(DEFAULT_REGION, DEFAULT_ACCOUNT_ID, Credentials.dummy(), DEFAULT_INIT_TIMEOUT,
                scratchDir, DEFAULT_PID_LIMIT, blocking, true, StartGate.forThisMachine());
    }

    public EnvironmentSettings withRegion(String newRegion, String newAccountId) {
        return new EnvironmentSettings(newRegion, newAccountId, credentials, initTimeout, scratchDir, pidLimit, blocking,
                verifyRuntimePeers, startGate);
    }

    public EnvironmentSettings withCredentials(Credentials newCredentials) {
        return new EnvironmentSettings(region, accountId, newCredentials, initTimeout, scratchDir, pidLimit, blocking,
                verifyRuntimePeers, startGate);
    }

    public EnvironmentSettings withInitTimeout(Duration newInitTimeout) {
        return new EnvironmentSettings(region, accountId, credentials, newInitTimeout, scratchDir, pidLimit, blocking,
                verifyRuntimePeers, startGate);
    }

    public EnvironmentSettings withPidLimit(int newPidLimit) {
        return new EnvironmentSettings(region, accountId, credentials, initTimeout, scratchDir, newPidLimit, blocking,
                verifyRuntimePeers, startGate);
    }

    /** Off only for tests whose fake runtimes are threads of the test JVM, not sandboxed processes. */
    public EnvironmentSettings withRuntimePeerVerification(boolean verify) {
        return new EnvironmentSettings(region, accountId, credentials, initTimeout, scratchDir, pidLimit, blocking, verify,
                startGate);
    }

    /** The execution role's credentials as functions see them. */
    public record Credentials(String accessKeyId, String secretAccessKey, String sessionToken) {
        public Credentials {
            Objects.requireNonNull(accessKeyId, "accessKeyId");
            Objects.requireNonNull(secretAccessKey, "secretAccessKey");
            Objects.requireNonNull(sessionToken, "sessionToken");
        }

        /**
         * Well-formed but worthless credentials: the AWS SDKs inside functions insist on finding some
         * before they will sign a request, even one bound for Hearth itself.
         */
        public static Credentials dummy() {
            return new Credentials("ASIAHEARTH0000000000", "hearth/dummy/secret/access/key/000000000",
                    "hearth-dummy-session-token");
        }
    }

    public EnvironmentSettings withStartGate(StartGate gate) {
        return new EnvironmentSettings(region, accountId, credentials, initTimeout, scratchDir, pidLimit, blocking,
                verifyRuntimePeers, gate);
    }
}
