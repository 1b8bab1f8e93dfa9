package dev.hearth.async;

import java.util.Map;

/** The SQS sender of a node without an SQS endpoint: SQS targets are skipped before they get here. */
final class NoSqs implements SqsSender {
    @Override
    public void send(String queueArn, String body, Map<String, String> attributes) {
        throw new IllegalStateException("no SQS endpoint is configured (--sqs-endpoint); cannot send to " + queueArn);
    }

    @Override
    public void close() {
    }
}
