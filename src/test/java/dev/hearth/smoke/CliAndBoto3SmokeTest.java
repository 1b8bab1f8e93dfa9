package dev.hearth.smoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.testing.TestNode;
import dev.hearth.testing.Zips;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import dev.hearth.testing.AwsTools;
import dev.hearth.testing.AwsTools.Run;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Smoke tests with the clients users actually run: a boto3 script and the AWS CLI, pointed at a real
 * node with {@code --endpoint-url}. Each part is skipped when its client is not installed here (CI
 * installs both).
 */
class CliAndBoto3SmokeTest {

    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);
    private static final String ROLE = "arn:aws:iam::000000000000:role/lambda-role";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TestNode node;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startNode() {
        node = TestNode.start();
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }


    // ---- boto3 --------------------------------------------------------------------------------------

    private static final String BOTO3_SCRIPT = """
            import base64, hashlib, io, sys, urllib.request, zipfile
            import boto3
            from botocore.config import Config
            from botocore.exceptions import ClientError

            endpoint, name = sys.argv[1], sys.argv[2]
            arn = "arn:aws:lambda:us-east-1:000000000000:function:" + name
            lam = boto3.client("lambda", endpoint_url=endpoint, region_name="us-east-1",
                               aws_access_key_id="test", aws_secret_access_key="test",
                               config=Config(retries={"max_attempts": 1, "mode": "standard"},
                                             connect_timeout=5, read_timeout=30))

            def check(condition, what, value):
                if not condition:
                    raise AssertionError(what + ": " + repr(value))

            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w") as z:
                z.writestr("app.py", "def handler(event, context):\\n    return event\\n")
            code = buf.getvalue()
            sha = base64.b64encode(hashlib.sha256(code).digest()).decode()

            created = lam.create_function(FunctionName=name, Runtime="python3.12", Role="%s",
                                          Handler="app.handler", Code={"ZipFile": code},
                                          Environment={"Variables": {"GREETING": "hi"}}, Tags={"team": "blue"})
            check(created["ResponseMetadata"]["HTTPStatusCode"] == 201, "create status", created)
            check(created["State"] == "Pending" and created["StateReasonCode"] == "Creating", "create state", created)
            check("LastUpdateStatus" not in created, "no LastUpdateStatus on create", created)
            check(created["FunctionArn"] == arn, "create arn", created)
            check(created["CodeSha256"] == sha and created["CodeSize"] == len(code), "create code", created)
            check(created["Environment"] == {"Variables": {"GREETING": "hi"}}, "create environment", created)
            for key, value in {"MemorySize": 128, "Timeout": 3, "Version": "$LATEST", "PackageType": "Zip",
                               "Architectures": ["x86_64"], "EphemeralStorage": {"Size": 512},
                               "TracingConfig": {"Mode": "PassThrough"},
                               "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"}}.items():
                check(created.get(key) == value, "create default " + key, created.get(key))

            lam.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 10})

            got = lam.get_function(FunctionName=name)
            conf = got["Configuration"]
            check(conf["State"] == "Active" and conf["LastUpdateStatus"] == "Successful", "get state", conf)
            check("StateReason" not in conf, "no StateReason once active", conf)
            check(got["Tags"] == {"team": "blue"}, "get tags", got)
            check(got["Code"]["RepositoryType"] == "S3", "code repository type", got["Code"])
            with urllib.request.urlopen(got["Code"]["Location"], timeout=10) as response:
                check(response.read() == code, "downloaded code", got["Code"]["Location"])

            listed = [f for f in lam.list_functions()["Functions"] if f["FunctionName"] == name]
            check(len(listed) == 1, "listed once", listed)
            check("State" not in listed[0] and "RuntimeVersionConfig" not in listed[0], "list item keys", listed[0])
            check(listed[0]["FunctionArn"] == arn, "list arn", listed[0])

            updated = lam.update_function_configuration(FunctionName=name, MemorySize=256, Timeout=10,
                                                        Description="updated")
            check(updated["ResponseMetadata"]["HTTPStatusCode"] == 200, "update status", updated)
            check(updated["LastUpdateStatus"] == "InProgress", "update in progress", updated)
            check(updated["MemorySize"] == 256 and updated["Timeout"] == 10, "update values", updated)
            check(updated["RevisionId"] != conf["RevisionId"], "new revision", updated)
            lam.get_waiter("function_updated_v2").wait(FunctionName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 10})
            settled = lam.get_function_configuration(FunctionName=name)
            check(settled["LastUpdateStatus"] == "Successful" and settled["Description"] == "updated", "settled", settled)
            check(settled["Environment"] == {"Variables": {"GREETING": "hi"}}, "environment kept", settled)

            tagged = lam.tag_resource(Resource=arn, Tags={"env": "test"})
            check(tagged["ResponseMetadata"]["HTTPStatusCode"] == 204, "tag status", tagged)
            check(lam.list_tags(Resource=arn)["Tags"] == {"team": "blue", "env": "test"}, "merged tags",
                  lam.list_tags(Resource=arn))
            lam.untag_resource(Resource=arn, TagKeys=["team", "env"])
            check(lam.list_tags(Resource=arn)["Tags"] == {}, "no tags", lam.list_tags(Resource=arn))
            check("Tags" not in lam.get_function(FunctionName=name), "Tags key absent once untagged", None)

            try:
                lam.create_function(FunctionName=name, Runtime="python3.12", Role="%s", Handler="app.handler",
                                    Code={"ZipFile": code})
                raise AssertionError("duplicate create succeeded")
            except ClientError as e:
                check(e.response["Error"]["Code"] == "ResourceConflictException", "duplicate code", e.response)
                check(e.response["ResponseMetadata"]["HTTPStatusCode"] == 409, "duplicate status", e.response)

            deleted = lam.delete_function(FunctionName=name)
            check(deleted["ResponseMetadata"]["HTTPStatusCode"] == 204, "delete status", deleted)

            try:
                lam.get_function(FunctionName=name)
                raise AssertionError("get after delete succeeded")
            except lam.exceptions.ResourceNotFoundException as e:
                check(e.response["Error"]["Code"] == "ResourceNotFoundException", "not found code", e.response)
                check(e.response["ResponseMetadata"]["HTTPStatusCode"] == 404, "not found status", e.response)
                check(e.response["Error"]["Message"] == "Function not found: " + arn, "not found message", e.response)
                check(e.response.get("Type") == "User", "not found Type", e.response)

            try:
                lam.create_function(FunctionName=name, Runtime="python3.12", Role="%s", Handler="app.handler",
                                    Code={"ZipFile": b"this is not a zipfile, just a random string"})
                raise AssertionError("create with a bad zip succeeded")
            except ClientError as e:
                check(e.response["Error"]["Code"] == "InvalidParameterValueException", "bad zip code", e.response)
                check(e.response["ResponseMetadata"]["HTTPStatusCode"] == 400, "bad zip status", e.response)
                check(e.response["Error"]["Message"] == "Could not unzip uploaded file. Please check your file, then"
                      " try to upload again.", "bad zip message", e.response)
            print("OK")
            """.formatted(ROLE, ROLE, ROLE);

    @Test
    void boto3_createWaitGetListUpdateTagDelete_seesAwsShapesAndErrors() throws Exception {
        assumeTrue(works(List.of("python3", "-c", "import boto3")), "python3 with boto3 is not installed");
        Path script = Files.writeString(tmp.resolve("smoke.py"), BOTO3_SCRIPT);

        Run result = run(List.of("python3", script.toString(), node.endpoint().toString(), "boto3-smoke"),
                Duration.ofSeconds(90));

        assertThat(result.exitCode()).as("%s", result).isZero();
        assertThat(result.stdout().strip()).as("%s", result).isEqualTo("OK");
    }

    // ---- AWS CLI ------------------------------------------------------------------------------------

    private List<String> aws(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("aws", "--endpoint-url", node.endpoint().toString(),
                "--output", "json", "--region", "us-east-1"));
        if (cliMajorVersion() >= 2) {
            command.add("--no-cli-pager"); // version 1 has no pager and refuses the option
        }
        command.add("lambda");
        command.addAll(List.of(args));
        return command;
    }

    private Integer cliVersion;

    private int cliMajorVersion() throws IOException, InterruptedException {
        if (cliVersion == null) {
            Run version = run(List.of("aws", "--version"), STEP_TIMEOUT);
            String text = version.stdout() + version.stderr(); // version 1 prints it on stderr
            cliVersion = text.startsWith("aws-cli/") ? Character.getNumericValue(text.charAt("aws-cli/".length())) : 1;
        }
        return cliVersion;
    }

    private Run awsOk(String... args) throws IOException, InterruptedException {
        Run result = run(aws(args), STEP_TIMEOUT);
        assertThat(result.exitCode()).as("aws lambda %s\n%s", String.join(" ", args), result).isZero();
        return result;
    }

    @Test
    void awsCli_createGetListUpdateDelete_andNotFoundForAMissingFunction() throws Exception {
        assumeTrue(works(List.of("aws", "--version")), "the AWS CLI is not installed");
        byte[] zip = Zips.pythonEcho();
        Path zipFile = Files.write(tmp.resolve("function.zip"), zip);
        String name = "cli-smoke";

        JsonNode created = awsOk("create-function", "--function-name", name, "--runtime", "python3.12",
                "--role", ROLE, "--handler", "app.handler", "--zip-file", "fileb://" + zipFile,
                "--tags", "team=blue").json();
        assertThat(created.path("FunctionName").asText()).isEqualTo(name);
        assertThat(created.path("State").asText()).isEqualTo("Pending");
        assertThat(created.path("CodeSha256").asText()).isEqualTo(
                Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(zip)));

        awsOk("wait", "function-active-v2", "--function-name", name);
        JsonNode got = awsOk("get-function", "--function-name", name).json();
        assertThat(got.path("Configuration").path("State").asText()).isEqualTo("Active");
        assertThat(got.path("Configuration").path("LastUpdateStatus").asText()).isEqualTo("Successful");
        assertThat(got.path("Tags").path("team").asText()).isEqualTo("blue");

        JsonNode listed = awsOk("list-functions").json();
        List<String> names = new ArrayList<>();
        listed.path("Functions").forEach(f -> names.add(f.path("FunctionName").asText()));
        assertThat(names).contains(name);

        JsonNode updated = awsOk("update-function-configuration", "--function-name", name, "--memory-size", "256",
                "--environment", "Variables={GREETING=hi}").json();
        assertThat(updated.path("MemorySize").asInt()).isEqualTo(256);
        assertThat(updated.path("LastUpdateStatus").asText()).isEqualTo("InProgress");
        assertThat(updated.path("Environment").path("Variables").path("GREETING").asText()).isEqualTo("hi");
        awsOk("wait", "function-updated-v2", "--function-name", name);

        Run deleted = awsOk("delete-function", "--function-name", name);
        // Newer service models bind DeleteFunction's HTTP status to an output member, which the CLI prints.
        if (!deleted.stdout().isBlank()) {
            assertThat(deleted.json().path("StatusCode").asInt()).isEqualTo(204);
        }

        Run missing = run(aws("get-function", "--function-name", name), STEP_TIMEOUT);
        assertThat(missing.exitCode()).as("%s", missing).isNotZero();
        assertThat(missing.stderr()).contains("ResourceNotFoundException")
                .contains("Function not found: arn:aws:lambda:us-east-1:000000000000:function:" + name);
    }

    @Test
    void awsCli_zipTheServerRefuses_isReportedAsInvalidParameterValue() throws Exception {
        assumeTrue(works(List.of("aws", "--version")), "the AWS CLI is not installed");
        // The CLI itself refuses a file that is not a zip, so send a well-formed zip whose entry escapes its
        // directory ("zip slip"), which only the server refuses.
        Path slipZip = Files.write(tmp.resolve("slip.zip"), Zips.of(Map.of("../escape.py", "x = 1\n")));

        Run result = run(aws("create-function", "--function-name", "cli-bad-zip", "--runtime", "python3.12",
                "--role", ROLE, "--handler", "app.handler", "--zip-file", "fileb://" + slipZip), STEP_TIMEOUT);

        assertThat(result.exitCode()).as("%s", result).isNotZero();
        assertThat(result.stderr()).contains("InvalidParameterValueException")
                .contains("Could not unzip uploaded file. Please check your file, then try to upload again.");
    }

    private Run run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        return new AwsTools(tmp).run(command, timeout);
    }

    private boolean works(List<String> command) {
        return new AwsTools(tmp).works(command);
    }
}
