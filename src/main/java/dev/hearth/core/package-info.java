/**
 * The shared vocabulary of Hearth, without I/O: function names and ARNs ({@link dev.hearth.core.FunctionRef},
 * {@link dev.hearth.core.Arns}), the error taxonomy ({@link dev.hearth.core.LambdaException} and
 * {@link dev.hearth.core.ErrorCode}) and id generation ({@link dev.hearth.core.Ids}).
 *
 * <p>Nothing here depends on another Hearth package.
 */
package dev.hearth.core;
