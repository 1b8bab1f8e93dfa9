package dev.hearth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.testing.AwsTools;
import dev.hearth.testing.AwsTools.Run;
import dev.hearth.testing.TestNode;
import dev.hearth.testing.Zips;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.io.File;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static dev.hearth.e2e.E2e.WAIT;
import static dev.hearth.e2e.E2e.invoke;
import static dev.hearth.e2e.E2e.requestId;
import static dev.hearth.e2e.E2e.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The CloudWatch Logs API with the clients users read logs with: boto3's logs client and
 * {@code aws logs tail} (AWS CLI v2 only; skipped when no v2 is installed) reading what a real Python
 * function printed, framed by START/END/REPORT, plus the API's JSON 1.1 error shapes.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LogsApiTest {
    private static final Duration STEP = Duration.ofSeconds(90);
    private static final String APP = """
            def handler(event, context):
                print("hello from %s" % event.get("n"))
                return {"n": event.get("n")}
            """;

    @TempDir
    static Path tmp;

    static TestNode node;
    static LambdaClient lambda;
    static AwsTools tools;
    static String function;
    static String group;
    static List<String> requestIds = new ArrayList<>();

    @BeforeAll
    static void startNodeAndInvokeTwice() {
        node = TestNode.start(tmp.resolve("data"));
        lambda = E2e.client(node.endpoint());
        tools = new AwsTools(tmp);
        function = unique("logs");
        group = "/aws/lambda/" + function;
        E2e.create(lambda, function, "python3.12", "app.handler", Zips.of(Map.of("app.py", APP)), b -> { });
        for (int n = 1; n <= 2; n++) {
            requestIds.add(requestId(invoke(lambda, function, "{\"n\": " + n + "}")));
        }
        awaitLogged("REPORT RequestId: " + requestIds.get(1));
    }

    @AfterAll
    static void stop() {
        if (lambda != null) {
            lambda.close();
        }
        if (node != null) {
            node.close();
        }
    }

    /** Waits until the asynchronous log writer has put {@code text} in one of the function's streams. */
    private static void awaitLogged(String text) {
        await("'" + text + "' in the function's logs").atMost(WAIT).pollInterval(Duration.ofMillis(50))
                .until(() -> E2e.logStreams(node.dataDir(), function).values().stream()
                        .flatMap(List::stream).anyMatch(m -> m.contains(text)));
    }

    private static final String BOTO3_READS = """
            import boto3, json, sys
            endpoint, group = sys.argv[1], sys.argv[2]
            logs = boto3.client("logs", endpoint_url=endpoint, region_name="us-east-1",
                                aws_access_key_id="x", aws_secret_access_key="x")
            out = {}
            out["groups"] = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
            streams = logs.describe_log_streams(logGroupName=group, orderBy="LastEventTime", descending=True)
            out["streams"] = streams["logStreams"]
            stream = streams["logStreams"][0]["logStreamName"]
            head = logs.get_log_events(logGroupName=group, logStreamName=stream, startFromHead=True)
            out["head"] = [e["message"] for e in head["events"]]
            end = logs.get_log_events(logGroupName=group, logStreamName=stream, nextToken=head["nextForwardToken"])
            out["endEvents"] = len(end["events"])
            out["sameTokenAtEnd"] = end["nextForwardToken"] == head["nextForwardToken"]
            phrase = logs.filter_log_events(logGroupName=group, filterPattern='"hello from 2"')
            out["phrase"] = phrase["events"]
            pages = logs.get_paginator("filter_log_events").paginate(logGroupName=group, filterPattern="REPORT",
                                                                      PaginationConfig={"PageSize": 1})
            out["reports"] = [e["message"] for page in pages for e in page["events"]]
            late = logs.filter_log_events(logGroupName=group, startTime=32503680000000)
            out["late"] = len(late["events"])
            print(json.dumps(out))
            """;

    @Test
    void boto3_readsAPythonFunctionsOutput_withStartEndReportLines() throws Exception {
        assumeTrue(tools.works(List.of("python3", "-c", "import boto3")), "python3 with boto3 is not installed");
        JsonNode out = boto3(BOTO3_READS, group);

        JsonNode g = out.path("groups").get(0);
        assertThat(g.path("logGroupName").asText()).isEqualTo(group);
        assertThat(g.path("arn").asText()).isEqualTo("arn:aws:logs:us-east-1:000000000000:log-group:" + group + ":*");
        assertThat(g.path("logGroupArn").asText()).isEqualTo("arn:aws:logs:us-east-1:000000000000:log-group:" + group);
        assertThat(g.path("storedBytes").asLong()).isPositive();
        JsonNode s = out.path("streams").get(0);
        assertThat(s.path("logStreamName").asText()).matches("\\d{4}/\\d{2}/\\d{2}/\\[\\$LATEST][0-9a-f]{32}");
        assertThat(s.path("lastEventTimestamp").asLong()).isGreaterThanOrEqualTo(s.path("firstEventTimestamp").asLong());
        assertThat(s.path("arn").asText()).endsWith(":log-group:" + group + ":log-stream:" + s.path("logStreamName").asText());

        List<String> head = texts(out.path("head"));
        assertThat(head).anyMatch(m -> m.startsWith("START RequestId: " + requestIds.get(0) + " Version: $LATEST"));
        assertThat(head).anyMatch(m -> m.startsWith("hello from 1"));
        assertThat(head).anyMatch(m -> m.startsWith("END RequestId: " + requestIds.get(1)));
        assertThat(head).anyMatch(m -> m.startsWith("REPORT RequestId: " + requestIds.get(1) + "\tDuration: "));
        assertThat(out.path("endEvents").asInt()).isZero();
        assertThat(out.path("sameTokenAtEnd").asBoolean()).isTrue();

        assertThat(out.path("phrase")).hasSize(1);
        assertThat(out.path("phrase").get(0).path("message").asText()).startsWith("hello from 2");
        assertThat(out.path("phrase").get(0).path("eventId").asText()).matches("[0-9]{56}");
        assertThat(texts(out.path("reports"))).hasSize(2).allMatch(m -> m.startsWith("REPORT RequestId: "));
        assertThat(out.path("late").asInt()).isZero();
    }

    private static final String BOTO3_ADMIN = """
            import boto3, json, sys
            from botocore.exceptions import ClientError
            endpoint, group = sys.argv[1], sys.argv[2]
            logs = boto3.client("logs", endpoint_url=endpoint, region_name="us-east-1",
                                aws_access_key_id="x", aws_secret_access_key="x")
            out = {}
            def attempt(key, call):
                try:
                    call()
                    out[key] = "ok"
                except ClientError as e:
                    out[key] = {"code": e.response["Error"]["Code"], "message": e.response["Error"]["Message"],
                                "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}
            attempt("create", lambda: logs.create_log_group(logGroupName=group))
            attempt("createAgain", lambda: logs.create_log_group(logGroupName=group))
            attempt("retention", lambda: logs.put_retention_policy(logGroupName=group, retentionInDays=7))
            out["described"] = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
            attempt("badRetention", lambda: logs.put_retention_policy(logGroupName=group, retentionInDays=2))
            attempt("noRetention", lambda: logs.delete_retention_policy(logGroupName=group))
            out["afterDelete"] = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
            attempt("prefixByTime", lambda: logs.describe_log_streams(logGroupName=group, orderBy="LastEventTime",
                                                                    logStreamNamePrefix="2026"))
            attempt("delete", lambda: logs.delete_log_group(logGroupName=group))
            attempt("missingStreams", lambda: logs.describe_log_streams(logGroupName=group))
            attempt("missingEvents", lambda: logs.get_log_events(logGroupName=group, logStreamName="s"))
            print(json.dumps(out))
            """;

    @Test
    void boto3_groupLifecycleAndRetention_withAwsErrors() throws Exception {
        assumeTrue(tools.works(List.of("python3", "-c", "import boto3")), "python3 with boto3 is not installed");
        JsonNode out = boto3(BOTO3_ADMIN, "/custom/" + unique("app"));

        assertThat(out.path("create").asText()).isEqualTo("ok");
        assertError(out.path("createAgain"), "ResourceAlreadyExistsException", "The specified log group already exists");
        assertThat(out.path("described").get(0).path("retentionInDays").asInt()).isEqualTo(7);
        assertError(out.path("badRetention"), "InvalidParameterException", "1 validation error detected: Value '2' at"
                + " 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [1, 3, 5, 7, 14,"
                + " 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]");
        assertThat(out.path("noRetention").asText()).isEqualTo("ok");
        assertThat(out.path("afterDelete").get(0).has("retentionInDays")).isFalse();
        assertError(out.path("prefixByTime"), "InvalidParameterException",
                "Cannot order by LastEventTime with a logStreamNamePrefix.");
        assertThat(out.path("delete").asText()).isEqualTo("ok");
        assertError(out.path("missingStreams"), "ResourceNotFoundException", "The specified log group does not exist.");
        assertError(out.path("missingEvents"), "ResourceNotFoundException", "The specified log group does not exist.");
    }

    @Test
    void unknownOrMissingTarget_isAJson11UnknownOperationError() throws Exception {
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            for (Optional<String> target : List.of(Optional.of("Logs_20140328.PutLogEventz"), Optional.<String>empty())) {
                HttpRequest.Builder request = HttpRequest.newBuilder(node.endpoint().resolve("/"))
                        .header("Content-Type", "application/x-amz-json-1.1")
                        .POST(HttpRequest.BodyPublishers.ofString("{}"));
                target.ifPresent(t -> request.header("X-Amz-Target", t));
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());

                assertThat(response.statusCode()).isEqualTo(400);
                assertThat(response.headers().firstValue("content-type")).contains("application/x-amz-json-1.1");
                JsonNode body = E2e.json(response.body());
                assertThat(body.path("__type").asText()).isEqualTo("UnknownOperationException");
                assertThat(body.path("message").asText()).isNotBlank();
            }
        }
    }

    @Test
    void awsCliV2_logsTail_printsAndFollowsTheFunctionsOutput() throws Exception {
        Optional<String> cli = cliV2();
        assumeTrue(cli.isPresent(), "no AWS CLI v2 installed (aws logs tail exists only in v2)");
        List<String> tail = new ArrayList<>(List.of(cli.get(), "--endpoint-url", node.endpoint().toString(),
                "--region", "us-east-1", "logs", "tail", group, "--since", "1h", "--format", "short"));

        Run once = tools.run(tail, STEP);
        assertThat(once.exitCode()).as("%s", once).isZero();
        assertThat(once.stdout()).contains("hello from 1", "hello from 2", "REPORT RequestId: " + requestIds.get(0));

        tail.add("--follow");
        Path out = Files.createTempFile(tmp, "tail", ".txt");
        ProcessBuilder builder = new ProcessBuilder(tail).redirectOutput(out.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        builder.environment().putAll(Map.of("AWS_ACCESS_KEY_ID", "x", "AWS_SECRET_ACCESS_KEY", "x",
                "AWS_CONFIG_FILE", tmp.resolve("none").toString(),
                "AWS_SHARED_CREDENTIALS_FILE", tmp.resolve("none").toString(), "AWS_EC2_METADATA_DISABLED", "true"));
        Process follower = builder.start();
        try {
            await("tail --follow prints the existing events").atMost(WAIT)
                    .until(() -> Files.readString(out, StandardCharsets.UTF_8).contains("hello from 2"));
            invoke(lambda, function, "{\"n\": 3}");
            // aws logs tail polls every 5 seconds.
            await("tail --follow prints a new invocation's output").atMost(WAIT)
                    .until(() -> Files.readString(out, StandardCharsets.UTF_8).contains("hello from 3"));
            assertThat(follower.isAlive()).isTrue();
        } finally {
            follower.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String followed = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(followed.split("hello from 2", -1)).as("no event printed twice:\n%s", followed).hasSize(2);
    }

    /** An AWS CLI v2 on this machine: Debian's awscli package is v2 at /usr/bin/aws, even when a v1 is first on PATH. */
    private static Optional<String> cliV2() throws InterruptedException {
        for (String candidate : List.of("aws", "/usr/bin/aws", "/usr/local/bin/aws")) {
            try {
                Run version = tools.run(List.of(candidate, "--version"), Duration.ofSeconds(30));
                if ((version.stdout() + version.stderr()).startsWith("aws-cli/2")) {
                    return Optional.of(candidate);
                }
            } catch (java.io.IOException e) {
                // not installed under this name
            }
        }
        return Optional.empty();
    }

    private static JsonNode boto3(String script, String groupName) throws Exception {
        Path file = Files.writeString(Files.createTempFile(tmp, "logs", ".py"), script);
        Run result = tools.run(List.of("python3", file.toString(), node.endpoint().toString(), groupName), STEP);
        assertThat(result.exitCode()).as("%s", result).isZero();
        return E2e.json(result.stdout());
    }

    private static void assertError(JsonNode error, String code, String message) {
        assertThat(error.path("code").asText()).as("%s", error).isEqualTo(code);
        assertThat(error.path("message").asText()).as("%s", error).isEqualTo(message);
        assertThat(error.path("status").asInt()).as("%s", error).isEqualTo(400);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
