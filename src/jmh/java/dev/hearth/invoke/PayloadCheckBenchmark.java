package dev.hearth.invoke;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The invoke path's JSON check of the payload ({@link PayloadCheck#checked}), which every synchronous
 * invoke pays before it leases an environment: {@code small} is the bench harness's {@code {"k":"v"}};
 * {@code 100KB} is an object holding an array of 525 records of strings, numbers, booleans and a
 * nested object (about 100 KB of UTF-8).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PayloadCheckBenchmark {

    @Param({"small", "100KB"})
    public String payload;

    private byte[] bytes;

    @Setup
    public void setUp() {
        bytes = switch (payload) {
            case "small" -> "{\"k\":\"v\"}".getBytes(StandardCharsets.UTF_8);
            case "100KB" -> records(525);
            default -> throw new IllegalArgumentException("unknown payload " + payload);
        };
        if (payload.equals("100KB") && Math.abs(bytes.length - 100_000) > 5_000) {
            throw new IllegalStateException("the large payload is " + bytes.length + " bytes, not about 100 KB");
        }
        if (PayloadCheck.checked(bytes) != bytes) {
            throw new IllegalStateException("the payload was not accepted as it is");
        }
    }

    private static byte[] records(int count) {
        StringBuilder json = new StringBuilder("{\"source\":\"jmh\",\"records\":[");
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append("{\"id\":").append(i)
                    .append(",\"name\":\"customer-").append(i).append(" caf\\u00e9 \\\"quoted\\\" text\"")
                    .append(",\"price\":").append(i * 1.25)
                    .append(",\"active\":").append(i % 2 == 0)
                    .append(",\"tags\":[\"alpha\",\"beta\",\"gamma\"]")
                    .append(",\"address\":{\"street\":\"").append(i).append(" Main Street\",\"city\":\"Springfield\"")
                    .append(",\"zip\":null}}");
        }
        return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public byte[] check() {
        return PayloadCheck.checked(bytes);
    }
}
