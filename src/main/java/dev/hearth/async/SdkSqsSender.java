package dev.hearth.async;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link SqsSender} with the AWS SDK's SQS client: SigV4, the SDK's credential chain (with a dummy
 * fallback, for local SQS-compatible servers that do not check), SQS's JSON protocol. One client per
 * region (taken from the queue ARN); queue URLs are looked up once with GetQueueUrl and cached.
 * Thread-safe; blocking.
 */
final class SdkSqsSender implements SqsSender {

    private final URI endpoint;
    private final Map<String, SqsClient> clients = new ConcurrentHashMap<>();
    private final Map<String, String> queueUrls = new ConcurrentHashMap<>();

    SdkSqsSender(URI endpoint) {
        this.endpoint = endpoint;
    }

    /** The parts of {@code arn:aws:sqs:<region>:<account>:<name>}. */
    record QueueArn(String region, String account, String name) {
        static QueueArn parse(String arn) {
            String[] p = arn.split(":", 6);
            if (p.length != 6 || !"sqs".equals(p[2])) {
                throw new IllegalArgumentException("not an SQS queue ARN: " + arn);
            }
            return new QueueArn(p[3], p[4], p[5]);
        }
    }

    @Override
    public void send(String queueArn, String body, Map<String, String> attributes) {
        QueueArn q = QueueArn.parse(queueArn);
        SqsClient client = clients.computeIfAbsent(q.region(), this::client);
        String url = queueUrls.computeIfAbsent(queueArn, arn -> client.getQueueUrl(r -> r.queueName(q.name())
                .queueOwnerAWSAccountId(q.account())).queueUrl());
        Map<String, MessageAttributeValue> attrs = new LinkedHashMap<>();
        attributes.forEach((k, v) -> attrs.put(k, MessageAttributeValue.builder().dataType("String").stringValue(v)
                .build()));
        client.sendMessage(r -> r.queueUrl(url).messageBody(body).messageAttributes(attrs));
    }

    private SqsClient client(String region) {
        return SqsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(region))
                .credentialsProvider(AwsCredentialsProviderChain.of(DefaultCredentialsProvider.builder().build(),
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("hearth", "hearth"))))
                .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(30)))
                .build();
    }

    @Override
    public void close() {
        clients.values().forEach(SqsClient::close);
        clients.clear();
    }
}
