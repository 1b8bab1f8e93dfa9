package dev.hearth.invoke;

import dev.hearth.environment.Environment;
import dev.hearth.environment.EnvironmentFactory;
import dev.hearth.environment.EnvironmentSpec;
import dev.hearth.environment.Invocation;
import dev.hearth.environment.InvokeOutcome;
import dev.hearth.environment.InvokeReport;
import dev.hearth.environment.InvokeRequest;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * An {@link EnvironmentFactory} whose environments answer in-process with a scripted function, so the
 * router and pool can be tested without processes.
 */
final class FakeEnvironments implements EnvironmentFactory {

    final List<FakeEnvironment> started = new CopyOnWriteArrayList<>();
    volatile Function<InvokeRequest, InvokeOutcome> behaviour =
            r -> new InvokeOutcome.Success(r.payload(), "application/json");

    @Override
    public Environment start(EnvironmentSpec spec) {
        FakeEnvironment env = new FakeEnvironment("env-" + started.size(), spec);
        started.add(env);
        return env;
    }

    @Override
    public void close() {
        started.forEach(e -> e.shutdown("close"));
    }

    final class FakeEnvironment implements Environment {
        private final String id;
        private final EnvironmentSpec spec;
        private final CompletableFuture<Void> stopped = new CompletableFuture<>();
        final List<InvokeRequest> requests = new CopyOnWriteArrayList<>();
        private volatile boolean busy;
        private volatile long lastUsed = System.nanoTime();

        FakeEnvironment(String id, EnvironmentSpec spec) {
            this.id = id;
            this.spec = spec;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public EnvironmentSpec spec() {
            return spec;
        }

        @Override
        public Invocation invoke(InvokeRequest request) {
            if (busy || isStopped()) {
                throw new IllegalStateException("environment " + id + " is not idle");
            }
            busy = true;
            requests.add(request);
            InvokeOutcome outcome = behaviour.apply(request);
            String log = "START RequestId: " + request.requestId() + " Version: $LATEST\nEND RequestId: "
                    + request.requestId() + "\n";
            busy = false;
            lastUsed = System.nanoTime();
            InvokeReport report = new InvokeReport(1.0, 1, spec.memoryMb(), 10, OptionalDouble.empty(), log, true);
            return new Invocation() {
                @Override
                public CompletableFuture<InvokeOutcome> outcome() {
                    return CompletableFuture.completedFuture(outcome);
                }

                @Override
                public CompletableFuture<InvokeReport> report() {
                    return CompletableFuture.completedFuture(report);
                }
            };
        }

        @Override
        public boolean isIdle() {
            return !busy && !isStopped();
        }

        @Override
        public boolean isStopped() {
            return stopped.isDone();
        }

        @Override
        public CompletableFuture<Void> initialized() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> stopped() {
            return stopped;
        }

        @Override
        public void shutdown(String reason) {
            stopped.complete(null);
        }

        @Override
        public long lastUsedNanos() {
            return lastUsed;
        }

        String payloadsAsText() {
            return requests.stream().map(r -> new String(r.payload(), StandardCharsets.UTF_8)).toList().toString();
        }
    }
}
