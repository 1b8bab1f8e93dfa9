package dev.hearth.registry;

/**
 * A provisioned concurrency configuration and its progress, as the Get/List/Put operations show it.
 *
 * @param functionArn the ARN of the version or alias it applies to
 */
public record ProvisionedView(ProvisionedConfig config, ProvisionedStatus status, String functionArn) {
}
