/**
 * The node's metrics ({@link dev.hearth.metrics.NodeMetrics}): one Micrometer registry that components
 * publish to, exposed in the Prometheus text format at {@code GET /_hearth/metrics}. Components whose
 * figures are cheapest to read on demand (queue depths) register a refresh that runs before each scrape.
 */
package dev.hearth.metrics;
