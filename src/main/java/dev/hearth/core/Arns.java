package dev.hearth.core;

/**
 * Builds the ARNs of resources on this node from its region and account. Immutable and thread-safe.
 */
public record Arns(String region, String accountId) {

    /** {@code arn:aws:lambda:<region>:<account>:function:<name>} */
    public String function(String name) {
        return "arn:aws:lambda:" + region + ":" + accountId + ":function:" + name;
    }

    /** {@code arn:aws:lambda:<region>:<account>:function:<name>:<qualifier>} */
    public String function(String name, String qualifier) {
        return function(name) + ":" + qualifier;
    }

    /**
     * The runtime version ARN reported for a managed runtime ({@code RuntimeVersionConfig}, the
     * {@code INIT_START} line): {@code arn:aws:lambda:<region>::runtime:<64 hex>}, the hash stable per
     * runtime name so that reads agree with each other and with the logs.
     */
    public String runtimeVersion(String runtime) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(("hearth-runtime:" + runtime).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "arn:aws:lambda:" + region + "::runtime:" + java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** {@code arn:aws:iam::<account>:role/<name>} */
    public String role(String name) {
        return "arn:aws:iam::" + accountId + ":role/" + name;
    }
}
