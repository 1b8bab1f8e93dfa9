package dev.hearth.boot;

import dev.hearth.config.AsyncConfig;
import dev.hearth.config.ConcurrencyConfig;
import dev.hearth.config.HearthConfig;
import dev.hearth.config.LogConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code hearth serve}: starts a node and runs until SIGTERM or Ctrl-C. Every option has a
 * {@code HEARTH_*} environment variable; a flag wins over the variable.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Start a Hearth node.")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--host", defaultValue = "${env:HEARTH_HOST:-127.0.0.1}",
            description = "Address to listen on (env HEARTH_HOST, default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "${env:HEARTH_PORT:-3001}",
            description = "Port to listen on (env HEARTH_PORT, default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data-dir", defaultValue = "${env:HEARTH_DATA_DIR:-${env:HOME:-${sys:user.home}}/.hearth}",
            description = "Where functions and logs are stored (env HEARTH_DATA_DIR, default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--region", defaultValue = "${env:HEARTH_REGION:-us-east-1}",
            description = "Region in ARNs (env HEARTH_REGION, default ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--account-id", defaultValue = "${env:HEARTH_ACCOUNT_ID:-000000000000}",
            description = "12-digit account id in ARNs (env HEARTH_ACCOUNT_ID, default ${DEFAULT-VALUE}).")
    String accountId;

    @Option(names = "--public-url", defaultValue = "${env:HEARTH_PUBLIC_URL:-}",
            description = "Base URL clients reach the node at, for links it hands out (env HEARTH_PUBLIC_URL;"
                    + " default: the request's Host).")
    String publicUrl;

    @Option(names = "--keep-alive", defaultValue = "${env:HEARTH_KEEP_ALIVE:-600}",
            description = "Seconds an idle execution environment stays warm (env HEARTH_KEEP_ALIVE, default"
                    + " ${DEFAULT-VALUE}).")
    long keepAliveSeconds;

    @Option(names = "--log-disk-cap-mb", defaultValue = "${env:HEARTH_LOG_DISK_CAP_MB:-2048}",
            description = "Most disk function logs may take, in MB; the oldest streams are deleted first beyond it"
                    + " (env HEARTH_LOG_DISK_CAP_MB, default ${DEFAULT-VALUE}).")
    long logDiskCapMb;

    @Option(names = "--account-concurrency", defaultValue = "${env:HEARTH_ACCOUNT_CONCURRENCY:-1000}",
            description = "Concurrent executions shared by all functions, as AWS's account limit"
                    + " (env HEARTH_ACCOUNT_CONCURRENCY, default ${DEFAULT-VALUE}).")
    int accountConcurrency;

    @Option(names = "--memory-budget-mb", defaultValue = "${env:HEARTH_MEMORY_BUDGET_MB:-0}",
            description = "MemorySize all execution environments together may take, in MB (env"
                    + " HEARTH_MEMORY_BUDGET_MB; default 0: three quarters of the machine's memory).")
    long memoryBudgetMb;

    @Option(names = "--scale-up-per-10s", defaultValue = "${env:HEARTH_SCALE_UP_PER_10S:-1000}",
            description = "New execution environments a function may start per 10 seconds, as AWS's scaling rate"
                    + " (env HEARTH_SCALE_UP_PER_10S, default ${DEFAULT-VALUE}).")
    int scaleUpPerTenSeconds;

    @Option(names = "--async-retry-delay", defaultValue = "${env:HEARTH_ASYNC_RETRY_DELAY:-60}",
            description = "Seconds before the first retry of a failed asynchronous event; the second waits twice as"
                    + " long (AWS: about 1 and 2 minutes; decimals allowed; env HEARTH_ASYNC_RETRY_DELAY, default"
                    + " ${DEFAULT-VALUE}).")
    double asyncRetryDelaySeconds;

    @Option(names = "--sqs-endpoint", defaultValue = "${env:HEARTH_SQS_ENDPOINT:-}",
            description = "SQS-compatible endpoint that SQS destinations and dead-letter queues are sent to, e.g."
                    + " http://127.0.0.1:9324 (env HEARTH_SQS_ENDPOINT; default: none, SQS targets are skipped).")
    String sqsEndpoint;

    @Option(names = "--stem-cells", defaultValue = "${env:HEARTH_STEM_CELLS:-2}",
            description = "Sandboxes kept started ahead of cold starts, interpreter loaded, per recently used runtime"
                    + " (python3.x); 0 turns them off (env HEARTH_STEM_CELLS, default ${DEFAULT-VALUE}).")
    int stemCells;

    @Override
    public Integer call() throws InterruptedException {
        HearthConfig config;
        try {
            config = new HearthConfig(host, port, dataDir, region, accountId, publicUrl == null ? "" : publicUrl,
                    Duration.ofSeconds(keepAliveSeconds), concurrency(), async(),
                    LogConfig.defaults().withDiskCapMb(logDiskCapMb), stemCells);
        } catch (IllegalArgumentException e) {
            System.err.println("hearth: " + e.getMessage());
            return 2;
        }
        Node node;
        try {
            node = Node.start(config);
        } catch (NodeStartException e) {
            System.err.println("hearth: " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("hearth: shutting down");
            node.close();
        }, "hearth-shutdown"));
        System.out.println(Banner.text(node, Main.version()));
        System.out.flush();
        node.awaitClose();
        return 0;
    }

    private AsyncConfig async() {
        if (!(asyncRetryDelaySeconds >= 0) || asyncRetryDelaySeconds > 86_400) {
            throw new IllegalArgumentException("--async-retry-delay must be between 0 and 86400 seconds, got "
                    + asyncRetryDelaySeconds);
        }
        return AsyncConfig.defaults()
                .withRetryBaseDelay(Duration.ofMillis(Math.round(asyncRetryDelaySeconds * 1000)))
                .withSqsEndpoint(sqsEndpoint == null ? "" : sqsEndpoint);
    }

    private ConcurrencyConfig concurrency() {
        ConcurrencyConfig defaults = ConcurrencyConfig.defaults();
        return new ConcurrencyConfig(accountConcurrency, memoryBudgetMb > 0 ? memoryBudgetMb : defaults.memoryBudgetMb(),
                scaleUpPerTenSeconds);
    }
}
