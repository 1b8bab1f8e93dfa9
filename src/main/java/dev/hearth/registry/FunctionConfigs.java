package dev.hearth.registry;

/** Copies of a {@link FunctionConfig} with one member changed, for publishing versions. */
final class FunctionConfigs {
    private FunctionConfigs() {
    }

    /** {@code c} with {@code description}: a published version may carry its own. */
    static FunctionConfig withDescription(FunctionConfig c, String description) {
        return new FunctionConfig(c.packageType(), c.runtime(), c.handler(), c.role(), description, c.timeout(),
                c.memorySize(), c.environment(), c.ephemeralStorage(), c.architectures(), c.layers(), c.tracingMode(),
                c.logging(), c.deadLetterTargetArn(), c.vpc(), c.kmsKeyArn(), c.snapStartApplyOn());
    }
}
