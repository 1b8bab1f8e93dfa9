/**
 * Warm execution environments per function configuration. {@link dev.hearth.pool.EnvironmentPool}
 * leases an idle environment (warm start) or starts a new one (cold start), takes it back when its
 * invocation is over, retires environments of configurations that changed, and reaps environments
 * idle past the keep-alive with one node-wide timer (no timer or thread per environment).
 */
package dev.hearth.pool;
