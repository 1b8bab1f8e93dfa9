/**
 * The AWS-compatible HTTP surfaces. {@link dev.hearth.api.HttpApi} is the Vert.x server; it matches
 * requests against a {@link dev.hearth.api.RouteTable} built by each surface ({@link
 * dev.hearth.api.LambdaRoutes} for the Lambda REST-JSON API), runs the handler and renders errors in one
 * place ({@code ErrorResponses}) as AWS sends them. {@link dev.hearth.api.LogsRoutes} serves the
 * CloudWatch Logs JSON 1.1 API on {@code POST /}, dispatching on {@code X-Amz-Target}, with its own
 * JSON 1.1 error rendering ({@code LogsError}).
 *
 * <p>Requests arrive on event loops; handlers that touch the store run on virtual threads.
 */
package dev.hearth.api;
