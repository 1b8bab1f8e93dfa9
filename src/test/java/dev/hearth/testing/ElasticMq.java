package dev.hearth.testing;

import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * ElasticMQ, the SQS-compatible server, started in-process on an ephemeral loopback port, with an SDK
 * client to create queues and read what the node sent. Close it after the test.
 */
public final class ElasticMq implements AutoCloseable {
    /** The account ElasticMQ's queue URLs carry (and the node's default account). */
    public static final String ACCOUNT = "000000000000";

    private final SQSRestServer server;
    private final URI endpoint;
    private final SqsClient sqs;

    private ElasticMq(SQSRestServer server, URI endpoint) {
        this.server = server;
        this.endpoint = endpoint;
        this.sqs = SqsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    public static ElasticMq start() {
        SQSRestServer server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
        int port = server.waitUntilStarted().localAddress().getPort();
        return new ElasticMq(server, URI.create("http://127.0.0.1:" + port));
    }

    /** The endpoint to give the node ({@code --sqs-endpoint}). */
    public String endpoint() {
        return endpoint.toString();
    }

    /** Creates a queue and returns its ARN as a user would write it in us-east-1. */
    public String createQueue(String name) {
        sqs.createQueue(b -> b.queueName(name));
        return "arn:aws:sqs:us-east-1:" + ACCOUNT + ":" + name;
    }

    /** Waits until the queue named {@code name} has given {@code count} messages, and returns them (deleted). */
    public List<Message> receive(String name, int count, Duration atMost) {
        String url = sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
        List<Message> got = new ArrayList<>();
        await("" + count + " message(s) on " + name).atMost(atMost).pollInterval(Duration.ofMillis(100)).until(() -> {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(0)
                    .messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.ALL))
                    .messages();
            for (Message m : batch) {
                got.add(m);
                sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
            }
            return got.size() >= count;
        });
        return got;
    }

    /** The messages on the queue right now (deleted), without waiting. */
    public List<Message> drain(String name) {
        String url = sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
        List<Message> got = new ArrayList<>();
        List<Message> batch;
        do {
            batch = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(0)
                    .messageAttributeNames("All")).messages();
            for (Message m : batch) {
                got.add(m);
                sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
            }
        } while (!batch.isEmpty());
        return got;
    }

    @Override
    public void close() {
        sqs.close();
        server.stopAndWait();
    }
}
