package dev.hearth.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the AWS CLI, boto3 scripts and other client programs as subprocesses the way a user would:
 * dummy credentials, none of the machine's own AWS configuration, one attempt per request, and a
 * time limit after which the process is killed.
 */
public final class AwsTools {

    /** A finished command: its exit code and what it printed. */
    public record Run(int exitCode, String stdout, String stderr) {
        /** What the command printed on stdout, parsed as JSON. */
        public com.fasterxml.jackson.databind.JsonNode json() throws IOException {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(stdout);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    private final Path scratch;

    /** @param scratch a directory for the commands' captured output */
    public AwsTools(Path scratch) {
        this.scratch = scratch;
    }

    /** Runs {@code command}, killed after {@code timeout} (then the test fails with what it printed). */
    public Run run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Path out = Files.createTempFile(scratch, "out", ".txt");
        Path err = Files.createTempFile(scratch, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("AWS_"));
        env.putAll(Map.of(
                "AWS_ACCESS_KEY_ID", "test",
                "AWS_SECRET_ACCESS_KEY", "test",
                "AWS_DEFAULT_REGION", "us-east-1",
                "AWS_CONFIG_FILE", scratch.resolve("no-aws-config").toString(),
                "AWS_SHARED_CREDENTIALS_FILE", scratch.resolve("no-aws-credentials").toString(),
                "AWS_EC2_METADATA_DISABLED", "true",
                "AWS_MAX_ATTEMPTS", "1",
                "AWS_PAGER", ""));
        Process process = builder.start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("timed out after " + timeout + ": " + command + "\n"
                        + new Run(-1, Files.readString(out), Files.readString(err)));
            }
        } finally {
            process.destroyForcibly();
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** Whether {@code command} runs and exits 0 (to skip a test when a tool is not installed). */
    public boolean works(List<String> command) {
        try {
            return run(command, Duration.ofSeconds(30)).exitCode() == 0;
        } catch (IOException e) {
            return false; // not installed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
