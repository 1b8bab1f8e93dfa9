/**
 * The control plane: {@link dev.hearth.registry.FunctionRegistry} creates, reads, lists, updates,
 * deletes and tags functions with AWS's validation ({@link dev.hearth.registry.FunctionRules}) and
 * lifecycle ({@link dev.hearth.registry.Phase}: Pending → Active, InProgress → Successful, finished in
 * the background by {@code FunctionActivator}). {@link dev.hearth.registry.VersionRegistry} publishes
 * immutable versions and manages aliases; {@link dev.hearth.registry.FunctionDirectory} is the data
 * plane's in-memory view, resolving a name and qualifier (a version, or an alias routed by weight) to the
 * {@link dev.hearth.registry.FunctionVersion} an invocation runs. {@link dev.hearth.registry.LayerRegistry}
 * publishes immutable layer versions and their policies; a function's layers are resolved against it, and
 * {@code CodeReferences} keeps the code of every layer version a function still uses.
 * {@link dev.hearth.registry.ConcurrencyRegistry} keeps reserved and provisioned concurrency (AWS's rules
 * in {@link dev.hearth.registry.ConcurrencyRules}) and doubles as the invoke path's lock-free
 * {@link dev.hearth.registry.ConcurrencySettings}.
 *
 * <p>Blocking; runs on virtual threads.
 */
package dev.hearth.registry;
