package dev.hearth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.boot.Node;
import dev.hearth.config.AsyncConfig;
import dev.hearth.config.HearthConfig;
import dev.hearth.testing.AwsTools;
import dev.hearth.testing.AwsTools.Run;
import dev.hearth.testing.ElasticMq;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Asynchronous invocation with the clients users run: a boto3 script (Invoke Event, the legacy
 * invoke_async, the event-invoke config operations, and the records it reads back from the SQS
 * destination) and the AWS CLI's {@code lambda invoke --invocation-type Event}.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class AsyncClientsTest {

    private static final Duration STEP = Duration.ofSeconds(90);
    private static ElasticMq sqs;
    private static Path dataDir;
    private static Node node;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        sqs = ElasticMq.start();
        dataDir = E2e.tempDataDir("hearth-async-clients");
        node = Node.start(HearthConfig.defaults(dataDir).withPort(0).withAsync(AsyncConfig.defaults()
                .withRetryBaseDelay(Duration.ofMillis(200)).withSqsEndpoint(sqs.endpoint())));
    }

    @AfterAll
    static void stop() {
        node.close();
        sqs.close();
        E2e.deleteTree(dataDir);
    }

    private static final String BOTO3_SCRIPT = """
            import io, json, sys, time, zipfile
            import boto3
            from botocore.config import Config

            endpoint, sqs_endpoint, name = sys.argv[1], sys.argv[2], sys.argv[3]
            creds = dict(region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test",
                         config=Config(retries={"max_attempts": 1, "mode": "standard"}))
            lam = boto3.client("lambda", endpoint_url=endpoint, **creds)
            sqs = boto3.client("sqs", endpoint_url=sqs_endpoint, **creds)

            def check(condition, what, value):
                if not condition:
                    raise AssertionError(what + ": " + repr(value))

            queue_url = sqs.create_queue(QueueName=name)["QueueUrl"]
            queue_arn = "arn:aws:sqs:us-east-1:000000000000:" + name
            code = io.BytesIO()
            with zipfile.ZipFile(code, "w") as z:
                z.writestr("app.py", "def handler(event, context):\\n    return {'seen': event}\\n")
            lam.create_function(FunctionName=name, Runtime="python3.12", Role="arn:aws:iam::000000000000:role/r",
                                Handler="app.handler", Code={"ZipFile": code.getvalue()})
            lam.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})

            put = lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=1,
                                                       DestinationConfig={"OnSuccess": {"Destination": queue_arn}})
            check(put["FunctionArn"].endswith(":function:" + name + ":$LATEST"), "arn", put["FunctionArn"])
            check(put["MaximumRetryAttempts"] == 1, "retries", put)
            check(put["DestinationConfig"]["OnSuccess"]["Destination"] == queue_arn, "destination", put)
            check(put["DestinationConfig"]["OnFailure"] == {}, "no failure destination", put)
            listed = lam.list_function_event_invoke_configs(FunctionName=name)["FunctionEventInvokeConfigs"]
            check([c["FunctionArn"] for c in listed] == [put["FunctionArn"]], "list", listed)

            event = lam.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps({"via": "invoke"}))
            check(event["StatusCode"] == 202, "event status", event["StatusCode"])
            check(event["Payload"].read() == b"", "event payload", event)
            legacy = lam.invoke_async(FunctionName=name, InvokeArgs=json.dumps({"via": "invoke_async"}))
            check(legacy["Status"] == 202, "invoke_async status", legacy)
            expected = {event["ResponseMetadata"]["RequestId"]: "invoke",
                        legacy["ResponseMetadata"]["RequestId"]: "invoke_async"}

            seen = {}
            deadline = time.time() + 60
            while len(seen) < 2 and time.time() < deadline:
                for m in sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                             WaitTimeSeconds=1).get("Messages", []):
                    record = json.loads(m["Body"])
                    check(record["requestContext"]["condition"] == "Success", "condition", record)
                    seen[record["requestContext"]["requestId"]] = record["responsePayload"]["seen"]["via"]
                    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"])
            check(seen == expected, "records", seen)

            lam.delete_function_event_invoke_config(FunctionName=name)
            try:
                lam.get_function_event_invoke_config(FunctionName=name)
                raise AssertionError("the deleted config is still there")
            except lam.exceptions.ResourceNotFoundException as e:
                check("doesn't have an EventInvokeConfig" in e.response["Error"]["Message"], "message", e.response)
            print("boto3 async ok")
            """;

    @Test
    void boto3_invokesWithEventAndInvokeAsync_andManagesEventInvokeConfigs() throws Exception {
        AwsTools tools = new AwsTools(tmp);
        assumeTrue(tools.works(List.of("python3", "-c", "import boto3")), "boto3 is not installed");
        Path script = tmp.resolve("async.py");
        Files.writeString(script, BOTO3_SCRIPT);

        Run run = tools.run(List.of("python3", script.toString(), node.endpoint().toString(), sqs.endpoint(),
                E2e.unique("boto3-async")), STEP);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stdout()).as(run.toString()).contains("boto3 async ok");
    }

    @Test
    void awsCli_invokeWithInvocationTypeEvent_printsStatusCode202() throws Exception {
        AwsTools tools = new AwsTools(tmp);
        assumeTrue(tools.works(List.of("aws", "--version")), "the AWS CLI is not installed");
        String fn = E2e.unique("cli-async");
        String queue = E2e.unique("cli-records");
        String queueArn = sqs.createQueue(queue);
        Path zip = tmp.resolve("code.zip");
        Files.write(zip, E2e.zip(Map.of("app.py", "def handler(event, context):\n    return event\n")));
        assertOk(tools.run(aws("lambda", "create-function", "--function-name", fn, "--runtime", "python3.12",
                "--role", E2e.ROLE, "--handler", "app.handler", "--zip-file", "fileb://" + zip), STEP));
        assertOk(tools.run(aws("lambda", "wait", "function-active-v2", "--function-name", fn), STEP));
        assertOk(tools.run(aws("lambda", "put-function-event-invoke-config", "--function-name", fn,
                "--destination-config", "{\"OnSuccess\":{\"Destination\":\"" + queueArn + "\"}}"), STEP));
        Path event = tmp.resolve("event.json");
        Files.writeString(event, "{\"from\":\"the cli\"}");

        Run invoked = tools.run(aws("lambda", "invoke", "--function-name", fn, "--invocation-type", "Event",
                "--payload", "fileb://" + event, tmp.resolve("out.json").toString()), STEP);

        assertOk(invoked);
        assertThat(E2e.json(invoked.stdout()).get("StatusCode").asInt()).isEqualTo(202);
        JsonNode record = E2e.json(sqs.receive(queue, 1, STEP).getFirst().body());
        assertThat(record.at("/responsePayload/from").asText()).isEqualTo("the cli");
    }

    private List<String> aws(String... args) {
        List<String> command = new ArrayList<>(List.of("aws", "--endpoint-url", node.endpoint().toString(),
                "--output", "json"));
        command.addAll(List.of(args));
        return command;
    }

    private static void assertOk(Run run) {
        assertThat(run.exitCode()).as(run.toString()).isZero();
    }
}
