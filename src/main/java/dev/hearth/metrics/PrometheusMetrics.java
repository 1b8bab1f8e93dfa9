package dev.hearth.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** {@link NodeMetrics} on Micrometer's Prometheus registry. Thread-safe. */
final class PrometheusMetrics implements NodeMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<Runnable> refreshes = new CopyOnWriteArrayList<>();

    @Override
    public MeterRegistry registry() {
        return registry;
    }

    @Override
    public void onScrape(Runnable refresh) {
        refreshes.add(refresh);
    }

    @Override
    public String scrape() {
        refreshes.forEach(Runnable::run);
        return registry.scrape();
    }
}
