/**
 * The one path every invocation takes ({@link dev.hearth.invoke.InvocationRouter}): resolve the function
 * from memory, check its state, validate the payload, admit it by concurrency
 * ({@link dev.hearth.invoke.ConcurrencyPolicy}, counted lock-free) or throttle it with AWS's 429, lease an
 * environment from the pool (a provisioned one first), hand it the event, answer with the outcome, and
 * give the environment back once the invocation is over. {@code Provisioner} turns provisioned
 * concurrency configurations into the pool's provisioned sets.
 */
package dev.hearth.invoke;
