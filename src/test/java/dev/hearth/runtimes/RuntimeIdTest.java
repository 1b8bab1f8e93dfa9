package dev.hearth.runtimes;

import dev.hearth.runtimes.RuntimeId.Family;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class RuntimeIdTest {

    @ParameterizedTest
    @CsvSource({
            "python3.9, PYTHON, 9", "python3.14, PYTHON, 14",
            "nodejs18.x, NODE, 18", "nodejs24.x, NODE, 24",
            "java11, JAVA, 11", "java25, JAVA, 25",
            "provided, PROVIDED, 0", "provided.al2, PROVIDED, 0", "provided.al2023, PROVIDED, 0"})
    void parse_supportedRuntime_yieldsFamilyAndVersion(String runtime, Family family, int version) {
        assertThat(RuntimeId.parse(runtime)).contains(new RuntimeId(runtime, family, version));
    }

    @ParameterizedTest
    @ValueSource(strings = {"python3.8", "python3.15", "python2.7", "nodejs16.x", "nodejs19.x", "java8", "java8.al2",
            "java22", "ruby3.3", "dotnet8", "go1.x", "provided.al3", "", "PYTHON3.12"})
    void parse_runtimeHearthDoesNotRun_isEmpty(String runtime) {
        assertThat(RuntimeId.parse(runtime)).isEmpty();
    }

    @Test
    void unsupportedReason_namesTheMissingFamily() {
        assertThat(RuntimeId.unsupportedReason("ruby3.3"))
                .isEqualTo("Hearth cannot run ruby3.3 functions: no ruby runtime support yet");
        assertThat(RuntimeId.unsupportedReason("dotnet8"))
                .isEqualTo("Hearth cannot run dotnet8 functions: no dotnet runtime support yet");
        assertThat(RuntimeId.unsupportedReason("go1.x"))
                .isEqualTo("Hearth cannot run go1.x functions: no go runtime support yet");
        assertThat(RuntimeId.unsupportedReason("java8.al2")).startsWith(
                "Hearth cannot run java8.al2 functions: no Java 8 runtime support yet");
        assertThat(RuntimeId.unsupportedReason("python3.8"))
                .isEqualTo("Hearth cannot run python3.8 functions: only python3.9 to python3.14 are supported");
        assertThat(RuntimeId.unsupportedReason("cobol")).isEqualTo("Hearth cannot run cobol functions: unknown runtime");
    }
}
