package dev.hearth.api;

import dev.hearth.async.AsyncInvocations;
import dev.hearth.core.Arns;
import dev.hearth.invoke.InvocationRouter;
import dev.hearth.logs.LogGroups;
import dev.hearth.metrics.NodeMetrics;
import dev.hearth.registry.ConcurrencyRegistry;
import dev.hearth.registry.EventInvokeConfigs;
import dev.hearth.registry.FunctionRegistry;
import dev.hearth.registry.LayerRegistry;
import dev.hearth.registry.VersionRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * Matching one request against the node's whole route table, built from the same route classes and in
 * the same order as {@code boot.Node} builds it (Lambda API, Invoke, concurrency, versions, aliases,
 * layers, event-invoke configs, metrics, Logs API). Handlers are never called, so the route classes get
 * collaborators that throw if they are. Every HTTP request the node serves pays this once.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouteTableBenchmark {

    /**
     * invoke: Invoke by name (the warm path's route, 14th in the table); invokeByArn: Invoke with a
     * percent-encoded ARN as the name; getFunction: an early control-plane route; eventInvokeConfig: a
     * control-plane route late in the table; logsApi: the CloudWatch Logs API, the table's last route.
     */
    @Param({"invoke", "invokeByArn", "getFunction", "eventInvokeConfig", "logsApi"})
    public String request;

    private RouteTable table;
    private String method;
    private String path;

    @Setup
    public void setUp() {
        Arns arns = new Arns("us-east-1", "000000000000");
        Clock clock = Clock.systemUTC();
        String publicUrl = "http://127.0.0.1:9001";
        ConcurrencyRegistry concurrency = Unused.of(ConcurrencyRegistry.class);
        table = new LambdaRoutes(Unused.of(FunctionRegistry.class), arns, clock, publicUrl, concurrency).table()
                .plus(new InvokeRoutes(Unused.of(InvocationRouter.class), Unused.of(AsyncInvocations.class)).table())
                .plus(new ConcurrencyRoutes(concurrency).table())
                .plus(new VersionRoutes(Unused.of(VersionRegistry.class), arns).table())
                .plus(new AliasRoutes(Unused.of(VersionRegistry.class), arns).table())
                .plus(new LayerRoutes(Unused.of(LayerRegistry.class), clock, publicUrl).table())
                .plus(new EventInvokeConfigRoutes(Unused.of(EventInvokeConfigs.class)).table())
                .plus(new MetricsRoutes(NodeMetrics.create()).table())
                .plus(new LogsRoutes(Unused.of(LogGroups.class), arns).table());
        switch (request) {
            case "invoke" -> use("POST", "/2015-03-31/functions/my-function/invocations");
            case "invokeByArn" -> use("POST", "/2015-03-31/functions/"
                    + "arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Amy-function/invocations");
            case "getFunction" -> use("GET", "/2015-03-31/functions/my-function");
            case "eventInvokeConfig" -> use("GET", "/2019-09-25/functions/my-function/event-invoke-config");
            case "logsApi" -> use("POST", "/");
            default -> throw new IllegalArgumentException("unknown request " + request);
        }
        if (!(table.match(method, path) instanceof RouteTable.Match.Found)) {
            throw new IllegalStateException(method + " " + path + " matches no route");
        }
    }

    private void use(String m, String p) {
        method = m;
        path = p;
    }

    @Benchmark
    public RouteTable.Match match() {
        return table.match(method, path);
    }
}
