package dev.hearth.runtimes;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A custom runtime: the function's own bootstrap, here a bash script speaking HTTP through /dev/tcp. */
@Timeout(60)
class ProvidedRuntimeProcessTest extends ProcessTestSupport {

    /** Echoes the handler and the event; one connection per request (HTTP/1.1 with Connection: close). */
    private static final String BASH_BOOTSTRAP = """
            #!/bin/bash
            set -euo pipefail
            host=${AWS_LAMBDA_RUNTIME_API%:*}
            port=${AWS_LAMBDA_RUNTIME_API##*:}
            count=0
            while true; do
              exec 3<>"/dev/tcp/$host/$port"
              printf 'GET /2018-06-01/runtime/invocation/next HTTP/1.1\\r\\nHost: %s\\r\\nConnection: close\\r\\n\\r\\n' "$AWS_LAMBDA_RUNTIME_API" >&3
              request_id=""
              while IFS= read -r line <&3; do
                line=${line%$'\\r'}
                [ -z "$line" ] && break
                case "${line,,}" in
                  lambda-runtime-aws-request-id:*) request_id=${line#*: } ;;
                esac
              done
              event=$(cat <&3)
              exec 3<&-
              count=$((count + 1))
              echo "invocation $count of $_HANDLER"
              body="{\\"handler\\":\\"$_HANDLER\\",\\"count\\":$count,\\"event\\":$event}"
              exec 3<>"/dev/tcp/$host/$port"
              printf 'POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\\r\\nHost: %s\\r\\nContent-Length: %d\\r\\nConnection: close\\r\\n\\r\\n%s' \\
                "$request_id" "$AWS_LAMBDA_RUNTIME_API" "${#body}" "$body" >&3
              cat <&3 > /dev/null
              exec 3<&-
            done
            """;

    @TempDir
    static Path unpackDir;
    static ManagedRuntimes runtimes;

    @TempDir
    Path task;

    @BeforeAll
    static void create() {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "no bash on this machine");
        runtimes = ManagedRuntimes.create(unpackDir);
    }

    @BeforeEach
    void writeBootstrap() throws IOException {
        Path bootstrap = task.resolve("bootstrap");
        Files.writeString(bootstrap, BASH_BOOTSTRAP);
        Files.setPosixFilePermissions(bootstrap, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void bootstrapInTheCode_servesInvocations_andKeepsItsStateWarm() {
        start(runtimes, "provided.al2023", "function.handler", task, Map.of());

        assertResponse(api.invoke("{\"n\":1}"), "{\"handler\":\"function.handler\",\"count\":1,\"event\":{\"n\":1}}");
        assertResponse(api.invoke("{\"n\":2}"), "{\"handler\":\"function.handler\",\"count\":2,\"event\":{\"n\":2}}");
        assertThat(process.awaitStdoutLine("invocation 2")).isEqualTo("invocation 2 of function.handler");
    }
}
