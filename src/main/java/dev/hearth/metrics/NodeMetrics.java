package dev.hearth.metrics;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * The node's meter registry and its Prometheus rendering. Thread-safe; {@link #scrape} runs the
 * registered refreshes first, so it may block as long as they do (call it from a virtual thread).
 */
public interface NodeMetrics {

    /** The Prometheus text exposition format's content type. */
    String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    MeterRegistry registry();

    /** Runs {@code refresh} before every scrape (to update gauges whose set of series changes). */
    void onScrape(Runnable refresh);

    /** Every meter in the Prometheus text format. */
    String scrape();

    static NodeMetrics create() {
        return new PrometheusMetrics();
    }
}
