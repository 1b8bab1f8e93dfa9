package dev.hearth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import dev.hearth.testing.AwsTools;
import dev.hearth.testing.AwsTools.Run;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.hearth.e2e.E2e.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Invoke end to end with the clients users run: a boto3 script and the AWS CLI (v1 here), pointed at a
 * real node with {@code --endpoint-url}. Each test is skipped when its client is not installed.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class Boto3AndCliInvokeTest {

    private static final Duration STEP = Duration.ofSeconds(90);

    static TestNode node;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws IOException {
        node = TestNode.start(E2e.tempDataDir("hearth-e2e-clients"));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
            E2e.deleteTree(node.dataDir());
        }
    }

    private static final String BOTO3_SCRIPT = """
            import base64, io, json, sys, time, zipfile
            import boto3
            from botocore.config import Config

            endpoint, name = sys.argv[1], sys.argv[2]
            lam = boto3.client("lambda", endpoint_url=endpoint, region_name="us-east-1",
                               aws_access_key_id="test", aws_secret_access_key="test",
                               config=Config(retries={"max_attempts": 1, "mode": "standard"},
                                             connect_timeout=5, read_timeout=60))

            def check(condition, what, value):
                if not condition:
                    raise AssertionError(what + ": " + repr(value))

            code = io.BytesIO()
            with zipfile.ZipFile(code, "w") as z:
                z.writestr("app.py", "def handler(event, context):\\n"
                                     "    print('boto3 says', event.get('say'))\\n"
                                     "    if event.get('fail'):\\n"
                                     "        raise ValueError('asked to fail')\\n"
                                     "    return {'echo': event, 'request': context.aws_request_id}\\n")
            lam.create_function(FunctionName=name, Runtime="python3.12", Role="arn:aws:iam::000000000000:role/r",
                                Handler="app.handler", Code={"ZipFile": code.getvalue()}, Timeout=10)
            lam.get_waiter("function_active_v2").wait(FunctionName=name,
                                                      WaiterConfig={"Delay": 1, "MaxAttempts": 60})

            ok = lam.invoke(FunctionName=name, LogType="Tail", Payload=json.dumps({"say": "hello"}).encode())
            request_id = ok["ResponseMetadata"]["RequestId"]
            payload = json.loads(ok["Payload"].read())
            check(ok["StatusCode"] == 200, "status", ok["StatusCode"])
            check(ok["ExecutedVersion"] == "$LATEST", "executed version", ok.get("ExecutedVersion"))
            check("FunctionError" not in ok, "no function error", ok.get("FunctionError"))
            check(payload == {"echo": {"say": "hello"}, "request": request_id}, "payload", payload)
            log = base64.b64decode(ok["LogResult"]).decode()
            check("START RequestId: " + request_id + " Version: $LATEST" in log, "START in log", log)
            check("boto3 says hello" in log, "print in log", log)
            check("END RequestId: " + request_id in log, "END in log", log)
            check("REPORT RequestId: " + request_id + "\\tDuration: " in log, "REPORT in log", log)

            bad = lam.invoke(FunctionName=name, Payload=b'{"fail": true}')
            error = json.loads(bad["Payload"].read())
            check(bad["StatusCode"] == 200, "error status", bad["StatusCode"])
            check(bad.get("FunctionError") == "Unhandled", "function error", bad.get("FunctionError"))
            check(error["errorType"] == "ValueError" and error["errorMessage"] == "asked to fail", "error", error)
            check(isinstance(error["stackTrace"], list), "stack trace", error)

            try:
                lam.invoke(FunctionName=name + "-missing", Payload=b"{}")
                raise AssertionError("invoking a missing function succeeded")
            except lam.exceptions.ResourceNotFoundException as e:
                check(e.response["ResponseMetadata"]["HTTPStatusCode"] == 404, "missing status", e.response)
            print("boto3 ok")
            """;

    @Test
    void boto3_createsWaitsInvokesAndDecodesTheLogResult() throws Exception {
        assumeTrue(works(List.of("python3", "-c", "import boto3")), "boto3 is not installed");
        Path script = tmp.resolve("invoke.py");
        Files.writeString(script, BOTO3_SCRIPT);

        Run run = run(List.of("python3", script.toString(), node.endpoint().toString(), unique("boto3-fn")), STEP);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stdout()).as(run.toString()).contains("boto3 ok");
    }

    @Test
    void awsCli_invokeWritesTheOutfile_andPrintsStatusCode200() throws Exception {
        assumeTrue(works(List.of("aws", "--version")), "the AWS CLI is not installed");
        String fn = unique("cli-fn");
        Path zip = tmp.resolve("code.zip");
        Files.write(zip, E2e.zip(Map.of("app.py", "def handler(event, context):\n    return {'cli': event}\n")));
        Run created = aws(List.of("lambda", "create-function", "--function-name", fn, "--runtime", "python3.12",
                "--role", E2e.ROLE, "--handler", "app.handler", "--zip-file", "fileb://" + zip));
        assertThat(created.exitCode()).as(created.toString()).isZero();
        Run waited = aws(List.of("lambda", "wait", "function-active-v2", "--function-name", fn));
        assertThat(waited.exitCode()).as(waited.toString()).isZero();
        Path event = tmp.resolve("event.json");
        Files.writeString(event, "{\"from\":\"the cli\"}");
        Path outfile = tmp.resolve("out.json");

        Run invoked = aws(List.of("lambda", "invoke", "--function-name", fn, "--payload", "fileb://" + event,
                "--log-type", "Tail", outfile.toString()));

        assertThat(invoked.exitCode()).as(invoked.toString()).isZero();
        JsonNode printed = E2e.json(invoked.stdout());
        assertThat(printed.get("StatusCode").asInt()).isEqualTo(200);
        assertThat(printed.get("ExecutedVersion").asText()).isEqualTo("$LATEST");
        assertThat(printed.has("FunctionError")).isFalse();
        assertThat(new String(java.util.Base64.getDecoder().decode(printed.get("LogResult").asText()), StandardCharsets.UTF_8))
                .contains("START RequestId: ").contains("REPORT RequestId: ");
        assertThat(E2e.json(Files.readString(outfile))).isEqualTo(E2e.json("{\"cli\":{\"from\":\"the cli\"}}"));
    }

    // ---- bounded subprocesses ------------------------------------------------------------------------

    private Run aws(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("aws", "--endpoint-url", node.endpoint().toString(),
                "--region", "us-east-1", "--output", "json"));
        command.addAll(args);
        return run(command, STEP);
    }

    private Run run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        return new AwsTools(tmp).run(command, timeout);
    }

    private boolean works(List<String> command) {
        return new AwsTools(tmp).works(command);
    }
}
