package dev.hearth.api;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;

/**
 * Time-limited download links for function code, the node's stand-in for the presigned S3 URL AWS puts
 * in {@code GetFunction}'s {@code Code.Location}: {@code <base>/_hearth/code/<sha256>?Expires=<epoch s>&Signature=<hmac>}.
 * Links last ten minutes, as AWS's do; the signing key is random per node start. Thread-safe.
 */
final class CodeLinks {
    static final long VALID_SECONDS = 600;
    static final String PATH_PREFIX = "/_hearth/code/";

    private final byte[] key = new byte[32];
    private final Clock clock;
    private final String pathPrefix;

    CodeLinks(Clock clock) {
        this(clock, PATH_PREFIX);
    }

    /** Links under another path (layer content has its own download route). */
    CodeLinks(Clock clock, String pathPrefix) {
        this.clock = clock;
        this.pathPrefix = pathPrefix;
        new SecureRandom().nextBytes(key);
    }

    String link(String baseUrl, String sha256Hex) {
        long expires = clock.instant().getEpochSecond() + VALID_SECONDS;
        return baseUrl + pathPrefix + sha256Hex + "?Expires=" + expires + "&Signature=" + sign(sha256Hex, expires);
    }

    boolean isValid(String sha256Hex, String expires, String signature) {
        long expiry;
        try {
            expiry = Long.parseLong(expires);
        } catch (NumberFormatException e) {
            return false;
        }
        if (expiry < clock.instant().getEpochSecond()) {
            return false;
        }
        return MessageDigest.isEqual(sign(sha256Hex, expiry).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
    }

    private String sign(String sha256Hex, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] sig = mac.doFinal((sha256Hex + "\n" + expires).getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
