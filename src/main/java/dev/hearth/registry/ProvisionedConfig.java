package dev.hearth.registry;

/**
 * A provisioned concurrency configuration as the user set it.
 *
 * @param qualifier    a version number or alias name
 * @param requested    RequestedProvisionedConcurrentExecutions
 * @param lastModified when the user last set it, in AWS's format
 */
public record ProvisionedConfig(String functionName, String qualifier, int requested, String lastModified) {
}
