/**
 * Warm execution environments per function configuration. {@link dev.hearth.pool.EnvironmentPool}
 * leases an idle environment (warm start) or starts a new one (cold start), takes it back when its
 * invocation is over, retires environments of configurations that changed, and reaps environments
 * idle past the keep-alive with one node-wide timer (no timer or thread per environment). New
 * environments pass two guards: the function's scaling rate ({@link dev.hearth.pool.ScaleUpBudget}) and
 * the node's memory budget ({@link dev.hearth.pool.MemoryAdmission} picks idle environments to evict).
 * Provisioned sets keep a version's provisioned concurrency environments warm, outside the reaper's reach.
 */
package dev.hearth.pool;
