package dev.hearth.api;

import dev.hearth.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.CloudWatchLogsException;
import software.amazon.awssdk.services.cloudwatchlogs.model.InvalidParameterException;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The CloudWatch Logs API with the AWS SDK for Java v2: its JSON 1.1 protocol end to end (typed
 * exceptions parsed from {@code __type}), group administration, paging with the SDK's paginators, and
 * AWS's validation messages.
 */
class LogsSdkTest {
    @TempDir
    static Path dir;

    static TestNode node;
    static CloudWatchLogsClient logs;

    @BeforeAll
    static void start() {
        node = TestNode.start(dir);
        logs = CloudWatchLogsClient.builder()
                .endpointOverride(node.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(c -> c.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    @AfterAll
    static void stop() {
        if (logs != null) {
            logs.close();
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void createdGroups_areListedInPages_withRetentionAndArns() {
        IntStream.range(0, 5).forEach(i -> logs.createLogGroup(b -> b.logGroupName("/sdk/paged/g" + i)));
        logs.putRetentionPolicy(b -> b.logGroupName("/sdk/paged/g3").retentionInDays(30));

        List<LogGroup> all = logs.describeLogGroupsPaginator(b -> b.logGroupNamePrefix("/sdk/paged/").limit(2))
                .logGroups().stream().toList();

        assertThat(all).extracting(LogGroup::logGroupName)
                .containsExactly("/sdk/paged/g0", "/sdk/paged/g1", "/sdk/paged/g2", "/sdk/paged/g3", "/sdk/paged/g4");
        assertThat(all.get(3).retentionInDays()).isEqualTo(30);
        assertThat(all.get(0).retentionInDays()).isNull();
        assertThat(all.get(0).arn()).isEqualTo("arn:aws:logs:us-east-1:000000000000:log-group:/sdk/paged/g0:*");
        assertThat(all.get(0).creationTime()).isPositive();
        assertThat(logs.describeLogStreams(b -> b.logGroupName("/sdk/paged/g0")).logStreams()).isEmpty();
    }

    @Test
    void errors_arriveAsTheSdksTypedExceptions_withAwsMessages() {
        logs.createLogGroup(b -> b.logGroupName("/sdk/errors"));

        assertThatThrownBy(() -> logs.createLogGroup(b -> b.logGroupName("/sdk/errors")))
                .isInstanceOf(ResourceAlreadyExistsException.class);
        assertThatThrownBy(() -> logs.getLogEvents(b -> b.logGroupName("/sdk/errors").logStreamName("none")))
                .isInstanceOf(ResourceNotFoundException.class)
                .hasMessageStartingWith("The specified log stream does not exist.");
        assertThatThrownBy(() -> logs.deleteLogGroup(b -> b.logGroupName("/sdk/missing")))
                .isInstanceOf(ResourceNotFoundException.class)
                .hasMessageStartingWith("The specified log group does not exist.");
        assertThatThrownBy(() -> logs.filterLogEvents(b -> b.logGroupName("/sdk/errors").filterPattern("{ $.a = 1 }")))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> logs.describeLogGroups(b -> b.limit(51)))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageStartingWith("1 validation error detected: Value '51' at 'limit' failed to satisfy"
                        + " constraint: Member must have value less than or equal to 50");
        assertThatThrownBy(() -> logs.createLogGroup(b -> b.logGroupName("bad name")))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> logs.getLogEvents(b -> b.logGroupName("/sdk/errors").logStreamName("a:b")))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> logs.filterLogEvents(b -> b.logGroupName("/sdk/errors").nextToken("garbage!")))
                .isInstanceOf(CloudWatchLogsException.class)
                .hasMessageStartingWith("The specified nextToken is invalid.");
    }
}
