package dev.hearth.testing;

import dev.hearth.boot.Node;
import dev.hearth.config.HearthConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * A real node on an ephemeral port with a fresh data dir, and AWS SDK clients pointed at it. Close it
 * after the test (try-with-resources or {@code @AfterAll}).
 */
public final class TestNode implements AutoCloseable {
    private final Path dataDir;
    private final Node node;
    private final LambdaClient lambda;

    private TestNode(Path dataDir, Node node) {
        this.dataDir = dataDir;
        this.node = node;
        this.lambda = lambdaClient(node.endpoint());
    }

    /** Starts a node with default settings on an ephemeral port and a new temporary data dir. */
    public static TestNode start() {
        try {
            return start(Files.createTempDirectory("hearth-test"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a node on an ephemeral port with {@code dataDir} (reuse it to test restarts). */
    public static TestNode start(Path dataDir) {
        return new TestNode(dataDir, Node.start(HearthConfig.defaults(dataDir).withPort(0)));
    }

    /**
     * Starts a node on an ephemeral port with {@code dataDir} and the defaults changed by
     * {@code customise} (e.g. {@code c -> c.withKeepAlive(Duration.ofSeconds(2))}).
     */
    public static TestNode start(Path dataDir, UnaryOperator<HearthConfig> customise) {
        return new TestNode(dataDir, Node.start(customise.apply(HearthConfig.defaults(dataDir)).withPort(0)));
    }

    /** An SDK client for any endpoint, with dummy credentials and no retries (tests see every error). */
    public static LambdaClient lambdaClient(URI endpoint) {
        return LambdaClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(c -> c.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    public LambdaClient lambda() {
        return lambda;
    }

    public URI endpoint() {
        return node.endpoint();
    }

    public int port() {
        return node.port();
    }

    public Path dataDir() {
        return dataDir;
    }

    public Node node() {
        return node;
    }

    @Override
    public void close() {
        lambda.close();
        node.close();
    }
}
