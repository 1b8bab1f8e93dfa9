/**
 * The AWS-compatible HTTP surfaces. {@link dev.hearth.api.HttpApi} is the Vert.x server; it matches
 * requests against a {@link dev.hearth.api.RouteTable} built by each surface ({@link
 * dev.hearth.api.LambdaRoutes} for the Lambda REST-JSON API), runs the handler and renders errors in one
 * place ({@code ErrorResponses}) as AWS sends them.
 *
 * <p>Requests arrive on event loops; handlers that touch the store run on virtual threads.
 */
package dev.hearth.api;
