package dev.hearth.api;

import dev.hearth.metrics.NodeMetrics;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** {@code GET /_hearth/metrics}: the node's metrics in the Prometheus text format (blocking: runs the refreshes). */
public final class MetricsRoutes {

    private final NodeMetrics metrics;

    public MetricsRoutes(NodeMetrics metrics) {
        this.metrics = metrics;
    }

    public RouteTable table() {
        return new RouteTable(List.of(new Route("GET", "/_hearth/metrics", "Metrics", 0, true,
                r -> ApiResponse.bytes(200, metrics.scrape().getBytes(StandardCharsets.UTF_8), NodeMetrics.CONTENT_TYPE))));
    }
}
