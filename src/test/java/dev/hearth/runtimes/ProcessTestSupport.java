package dev.hearth.runtimes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shared plumbing of the per-runtime process tests: one {@link FakeRuntimeApi} and at most one
 * {@link RuntimeProcess} per test, both closed afterwards.
 */
abstract class ProcessTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int MEMORY_MB = 256;

    FakeRuntimeApi api;
    RuntimeProcess process;

    /** Every test gets a fresh fake Runtime API (JUnit runs this before a subclass's own set-up). */
    @org.junit.jupiter.api.BeforeEach
    void openApi() {
        api = new FakeRuntimeApi();
    }

    @org.junit.jupiter.api.AfterEach
    void closeAll() {
        if (process != null) {
            process.close();
        }
        if (api != null) {
            api.close();
        }
    }

    RuntimeProcess start(ManagedRuntimes runtimes, String runtime, String handler, Path task,
                         Map<String, String> extraEnvironment) {
        RuntimeLaunch launch = runtimes.launch(runtime, handler, MEMORY_MB, task, Optional.empty())
                .orElseThrow(() -> new AssertionError(runtimes.unavailableReason(runtime)));
        process = RuntimeProcess.start(launch, task, api, handler, MEMORY_MB, extraEnvironment);
        return process;
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    static JsonNode json(FakeRuntimeApi.Posted posted) {
        return json(posted.body());
    }

    static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void assertResponse(FakeRuntimeApi.Posted posted, String expectedJson) {
        assertThat(posted.kind()).as(posted.body()).isEqualTo("response");
        assertThat(json(posted)).isEqualTo(json(expectedJson));
    }
}
