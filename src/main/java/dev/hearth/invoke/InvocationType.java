package dev.hearth.invoke;

import dev.hearth.core.LambdaException;
import dev.hearth.core.Validation;

/** {@code X-Amz-Invocation-Type}. */
public enum InvocationType {
    REQUEST_RESPONSE("RequestResponse"), EVENT("Event"), DRY_RUN("DryRun");

    private final String awsName;

    InvocationType(String awsName) {
        this.awsName = awsName;
    }

    public String awsName() {
        return awsName;
    }

    /** Parses the header value; absent means RequestResponse. */
    public static InvocationType parse(java.util.Optional<String> header) {
        if (header.isEmpty()) {
            return REQUEST_RESPONSE;
        }
        for (InvocationType t : values()) {
            if (t.awsName.equals(header.get())) {
                return t;
            }
        }
        new Validation().fail(header.get(), "invocationType",
                "Member must satisfy enum value set: [Event, RequestResponse, DryRun]").throwIfFailed();
        throw LambdaException.invalidParameter("unreachable");
    }
}
