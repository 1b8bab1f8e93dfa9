package dev.hearth.environment;

import io.vertx.core.buffer.Buffer;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Lambda's Credentials API ({@code 2021-04-23}, reference §1.10), which SnapStart environments get instead of
 * credentials in their environment: those would be frozen into the snapshot and shared by every restore.
 * The runtime finds {@code AWS_CONTAINER_CREDENTIALS_FULL_URI} (its Runtime API's
 * {@code /2021-04-23/credentials}) and {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}, and the AWS SDKs' container
 * credential provider asks there, with no code change.
 *
 * <p>One token per node: every environment of a node is given the same credentials, so a token that unlocks
 * them exposes nothing another function could not read in its own environment. A restored environment keeps
 * the template's address and token in clients made during init, and the template's endpoint answers them.
 * Thread-safe (immutable).
 */
final class ContainerCredentials {

    static final String PATH = "/2021-04-23/credentials";
    static final String FULL_URI = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
    static final String AUTHORIZATION_TOKEN = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
    /** The SDKs refresh some minutes before this; a long-lived environment asks again. */
    static final Duration VALIDITY = Duration.ofHours(6);

    /** Random (SecureRandom), made once per node. */
    static final String TOKEN = UUID.randomUUID().toString();

    private ContainerCredentials() {
    }

    static String uri(String runtimeApi) {
        return "http://" + runtimeApi + PATH;
    }

    static boolean authorizes(String authorization) {
        return TOKEN.equals(authorization);
    }

    /** The body the SDKs' container provider reads, expiring {@link #VALIDITY} from {@code now}. */
    static Buffer body(EnvironmentSettings.Credentials credentials, Instant now) {
        String expiration = now.plus(VALIDITY).truncatedTo(ChronoUnit.SECONDS).toString();
        return Buffer.buffer("{\"AccessKeyId\":\"" + ErrorBodies.quote(credentials.accessKeyId())
                + "\",\"SecretAccessKey\":\"" + ErrorBodies.quote(credentials.secretAccessKey())
                + "\",\"Token\":\"" + ErrorBodies.quote(credentials.sessionToken())
                + "\",\"Expiration\":\"" + expiration + "\"}");
    }
}
