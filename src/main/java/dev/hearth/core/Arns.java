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

    /** The runtime version ARN AWS reports for a managed runtime; stable per runtime name. */
    public String runtimeVersion(String runtimeHash) {
        return "arn:aws:lambda:" + region + "::runtime:" + runtimeHash;
    }

    /** {@code arn:aws:iam::<account>:role/<name>} */
    public String role(String name) {
        return "arn:aws:iam::" + accountId + ":role/" + name;
    }
}
