/**
 * The control plane: {@link dev.hearth.registry.FunctionRegistry} creates, reads, lists, updates,
 * deletes and tags functions with AWS's validation ({@link dev.hearth.registry.FunctionRules}) and
 * lifecycle ({@link dev.hearth.registry.Phase}: Pending → Active, InProgress → Successful, finished in
 * the background by {@code FunctionActivator}).
 *
 * <p>Blocking; runs on virtual threads.
 */
package dev.hearth.registry;
