/**
 * The one path every invocation takes ({@link dev.hearth.invoke.InvocationRouter}): resolve the function
 * from memory, check its state, validate the payload, lease an environment from the pool, hand it the
 * event, answer with the outcome, and give the environment back once the invocation is over.
 */
package dev.hearth.invoke;
