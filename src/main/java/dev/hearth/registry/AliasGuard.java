package dev.hearth.registry;

/**
 * Asked before an alias is changed to point at other versions, while nothing is stored yet: a setting
 * kept for the alias (provisioned concurrency) may refuse versions it cannot follow to, by throwing a
 * {@link dev.hearth.core.LambdaException}, and the alias is then left as it was. Called on the
 * requesting thread (a virtual thread); reads memory only.
 */
@FunctionalInterface
public interface AliasGuard {
    void checkChange(Alias next);
}
