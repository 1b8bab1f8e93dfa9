package dev.hearth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateFunctionRequest;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.InvokeRequest;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.State;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * What the end-to-end tests share: an SDK client with timeouts long enough for cold starts on a loaded
 * machine, creating functions and waiting for them to be Active, decoding invoke responses and log
 * tails, reading a function's log files from the data dir, finding a function's processes on the host,
 * and zips with Unix modes.
 */
final class E2e {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ROLE = "arn:aws:iam::000000000000:role/lambda-role";
    static final String ACCOUNT = "000000000000";
    static final String REGION = "us-east-1";
    /** The longest any awaited condition may take; the machine running the suite may be loaded. */
    static final Duration WAIT = Duration.ofSeconds(60);

    private E2e() {
    }

    /**
     * An SDK client for {@code endpoint} with dummy credentials, no retries (tests see every error) and a
     * read timeout above every function Timeout used here.
     */
    static LambdaClient client(URI endpoint) {
        return LambdaClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(ApacheHttpClient.builder()
                        .socketTimeout(Duration.ofSeconds(120))
                        .connectionTimeout(Duration.ofSeconds(10)))
                .overrideConfiguration(c -> c.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1))
                        .apiCallTimeout(Duration.ofSeconds(150)))
                .build();
    }

    /** A function name no other test (or earlier run against the same data dir) uses. */
    static String unique(String prefix) {
        return prefix + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }

    static String arn(String function) {
        return "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:" + function;
    }

    /** Creates a function and waits until it is Active. */
    static void create(LambdaClient lambda, String name, String runtime, String handler, byte[] zip,
                       Consumer<CreateFunctionRequest.Builder> more) {
        lambda.createFunction(b -> {
            b.functionName(name).runtime(runtime).role(ROLE).handler(handler)
                    .code(c -> c.zipFile(SdkBytes.fromByteArray(zip)));
            more.accept(b);
        });
        awaitReady(lambda, name);
    }

    /** Waits until the function is Active and its last update (if any) has finished. */
    static void awaitReady(LambdaClient lambda, String name) {
        await("function " + name + " Active and updated").atMost(WAIT).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    GetFunctionConfigurationResponse c = lambda.getFunctionConfiguration(b -> b.functionName(name));
                    return c.state() == State.ACTIVE
                            && (c.lastUpdateStatus() == null || c.lastUpdateStatus() == LastUpdateStatus.SUCCESSFUL);
                });
    }

    static InvokeResponse invoke(LambdaClient lambda, String name, String payload) {
        return lambda.invoke(b -> b.functionName(name).payload(SdkBytes.fromUtf8String(payload)));
    }

    static InvokeResponse invokeTail(LambdaClient lambda, String name, String payload) {
        return lambda.invoke(b -> b.functionName(name).logType(LogType.TAIL).payload(SdkBytes.fromUtf8String(payload)));
    }

    static InvokeResponse invoke(LambdaClient lambda, Consumer<InvokeRequest.Builder> request) {
        return lambda.invoke(request);
    }

    static String text(InvokeResponse response) {
        return response.payload() == null ? "" : response.payload().asUtf8String();
    }

    static JsonNode json(InvokeResponse response) {
        try {
            return JSON.readTree(text(response));
        } catch (IOException e) {
            throw new AssertionError("payload is not JSON: " + text(response), e);
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** The decoded {@code X-Amz-Log-Result}. */
    static String tail(InvokeResponse response) {
        if (response.logResult() == null) {
            throw new AssertionError("no LogResult in the response");
        }
        return new String(Base64.getDecoder().decode(response.logResult()), StandardCharsets.UTF_8);
    }

    static String requestId(InvokeResponse response) {
        return response.responseMetadata().requestId();
    }

    /** The REPORT line of {@code requestId} in a decoded log tail. */
    static String reportLine(String log, String requestId) {
        return log.lines().filter(l -> l.startsWith("REPORT RequestId: " + requestId)).findFirst()
                .orElseThrow(() -> new AssertionError("no REPORT line for " + requestId + " in:\n" + log));
    }

    // ---- logs on disk --------------------------------------------------------------------------------

    /**
     * The messages of every log stream of {@code /aws/lambda/<function>} under the node's data dir, by
     * stream name, as written so far (the writer is asynchronous: await what you expect).
     */
    static Map<String, List<String>> logStreams(Path dataDir, String function) {
        String group = "/aws/lambda/" + function;
        Map<String, List<String>> streams = new LinkedHashMap<>();
        Path logs = dataDir.resolve("logs");
        if (!Files.isDirectory(logs)) {
            return streams;
        }
        try (Stream<Path> groups = Files.list(logs)) {
            for (Path dir : groups.toList()) {
                if (!Files.isDirectory(dir) || !group.equals(decode(dir.getFileName().toString()))) {
                    continue;
                }
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".jsonl")).toList()) {
                        String name = file.getFileName().toString();
                        streams.put(decode(name.substring(0, name.length() - ".jsonl".length())), messages(file));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return streams;
    }

    private static List<String> messages(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return out;
        }
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            try {
                out.add(JSON.readTree(line).get("m").asText());
            } catch (IOException | RuntimeException e) {
                // A line the writer has not finished yet.
            }
        }
        return out;
    }

    private static String decode(String encoded) {
        return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
    }

    // ---- processes -----------------------------------------------------------------------------------

    /**
     * The host pids of the processes running {@code function}: those whose environment names it in
     * {@code AWS_LAMBDA_FUNCTION_NAME} (readable because the tests run as root or as the node's user).
     */
    static List<Long> processesOf(String function) {
        byte[] needle = ("AWS_LAMBDA_FUNCTION_NAME=" + function + "\0").getBytes(StandardCharsets.UTF_8);
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path p : entries.toList()) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    byte[] environ = Files.readAllBytes(p.resolve("environ"));
                    if (contains(environ, needle)) {
                        pids.add(Long.parseLong(name));
                    }
                } catch (IOException | SecurityException e) {
                    // Gone meanwhile, or not ours to read.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pids;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (i > 0 && haystack[i - 1] != 0) {
                continue; // variables start after a NUL
            }
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    // ---- data dirs -----------------------------------------------------------------------------------

    /** A new temporary data dir for a test node; remove it with {@link #deleteTree} when the node is closed. */
    static Path tempDataDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Deletes {@code root} and everything below it, best effort. Unpacked code is read-only (directories
     * r-x), so each directory is made writable before its entries go.
     */
    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult preVisitDirectory(Path dir, java.nio.file.attribute.BasicFileAttributes attrs)
                        throws IOException {
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs)
                        throws IOException {
                    Files.deleteIfExists(file);
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("could not delete " + root + ": " + e);
        }
    }

    // ---- zips ----------------------------------------------------------------------------------------

    /** A zip of text files. */
    static byte[] zip(Map<String, String> files) {
        return zip(files, Set.of());
    }

    /** A zip of text files in which the entries named in {@code executables} have mode 755 (others 644). */
    static byte[] zip(Map<String, String> files, Set<String> executables) {
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        files.forEach((name, text) -> bytes.put(name, text.getBytes(StandardCharsets.UTF_8)));
        return zipBytes(bytes, executables);
    }

    /**
     * A zip written through the JDK's zip file system, which records Unix modes when opened with
     * {@code enablePosixFileAttributes} (java.util.zip cannot).
     */
    static byte[] zipBytes(Map<String, byte[]> files, Set<String> executables) {
        try {
            Path dir = Files.createTempDirectory("hearth-e2e-zip");
            Path zip = dir.resolve("code.zip");
            try {
                try (FileSystem fs = FileSystems.newFileSystem(zip,
                        Map.of("create", "true", "enablePosixFileAttributes", "true"))) {
                    for (Map.Entry<String, byte[]> f : files.entrySet()) {
                        Path entry = fs.getPath(f.getKey());
                        if (entry.getParent() != null) {
                            Files.createDirectories(entry.getParent());
                        }
                        Files.write(entry, f.getValue());
                        Files.setPosixFilePermissions(entry, PosixFilePermissions.fromString(
                                executables.contains(f.getKey()) ? "rwxr-xr-x" : "rw-r--r--"));
                    }
                }
                return Files.readAllBytes(zip);
            } finally {
                Files.deleteIfExists(zip);
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
