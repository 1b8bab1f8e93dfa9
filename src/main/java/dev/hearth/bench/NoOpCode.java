package dev.hearth.bench;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The deployment packages of the no-op functions: each handler returns its event, so the payload makes
 * the round trip. The Java one is compiled at run time with the JDK's compiler against the
 * {@code aws-lambda-java-core} jar the node ships for its Java runtime (a handler taking a
 * {@code Context}, as real Java functions do); without that jar, against nothing, with a one-argument
 * handler. Set-up only.
 */
final class NoOpCode {

    static final String PYTHON_HANDLER = "app.handler";
    static final String NODE_HANDLER = "index.handler";
    static final String JAVA_HANDLER = "bench.Handler::handleRequest";
    private static final String CORE_JAR = "/dev/hearth/runtimes/java/lib/aws-lambda-java-core-1.4.0.jar";

    private NoOpCode() {
    }

    static byte[] python() throws IOException {
        return zip(List.of(new Entry("app.py", "def handler(event, context):\n    return event\n")));
    }

    /**
     * A {@code provided} package for the in-process runtime: the harness never runs its bootstrap (the
     * runtime is {@link InProcessRuntime}), but a custom runtime's code must hold one to be launchable.
     */
    static byte[] inProcess() throws IOException {
        // Written through the zip file system: java.util.zip cannot record the executable bit.
        Path dir = Files.createTempDirectory("hearth-bench-zip");
        Path zip = dir.resolve("code.zip");
        try {
            try (java.nio.file.FileSystem fs = java.nio.file.FileSystems.newFileSystem(zip,
                    java.util.Map.of("create", "true", "enablePosixFileAttributes", "true"))) {
                Path bootstrap = fs.getPath("bootstrap");
                Files.writeString(bootstrap, "#!/bin/sh\nexit 1\n");
                Files.setPosixFilePermissions(bootstrap,
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            return Files.readAllBytes(zip);
        } finally {
            Files.deleteIfExists(zip);
            Files.deleteIfExists(dir);
        }
    }

    /** The no-op Python function plus a file of {@code padding} (random bytes: a zip of about that size). */
    static byte[] pythonWithPadding(byte[] padding) throws IOException {
        return zip(List.of(new Entry("app.py", "def handler(event, context):\n    return event\n"),
                new Entry("padding.bin", padding)));
    }

    /** A zip of one text file. */
    static byte[] zip(String name, String text) throws IOException {
        return zip(List.of(new Entry(name, text)));
    }

    static byte[] node() throws IOException {
        return zip(List.of(new Entry("index.js", "exports.handler = async (event) => event;\n")));
    }

    /** Compiles {@code bench.Handler} into {@code work} and zips its class file. */
    static byte[] java(Path work) throws IOException {
        Path src = Files.createDirectories(work.resolve("src/bench"));
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<String> options = new ArrayList<>(List.of("--release", "21", "-proc:none", "-d", classes.toString()));
        String source;
        try (InputStream core = NoOpCode.class.getResourceAsStream(CORE_JAR)) {
            if (core != null) {
                Path jar = work.resolve("aws-lambda-java-core.jar");
                Files.copy(core, jar);
                options.addAll(List.of("-classpath", jar.toString()));
                source = """
                        package bench;
                        public class Handler {
                            public Object handleRequest(java.util.Map<String, Object> in,
                                                        com.amazonaws.services.lambda.runtime.Context ctx) {
                                return in;
                            }
                        }
                        """;
            } else {
                source = """
                        package bench;
                        public class Handler {
                            public Object handleRequest(java.util.Map<String, Object> in) {
                                return in;
                            }
                        }
                        """;
            }
        }
        Path file = Files.writeString(src.resolve("Handler.java"), source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IOException("no Java compiler in " + System.getProperty("java.home") + " (a JRE, not a JDK?)");
        }
        options.add(file.toString());
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, options.toArray(String[]::new));
        if (rc != 0) {
            throw new IOException("compiling the Java no-op failed: " + diagnostics.toString(StandardCharsets.UTF_8));
        }
        byte[] classFile = Files.readAllBytes(classes.resolve("bench/Handler.class"));
        return zip(List.of(new Entry("bench/Handler.class", classFile)));
    }

    private record Entry(String name, byte[] content) {
        Entry(String name, String text) {
            this(name, text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static byte[] zip(List<Entry> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Entry e : entries) {
                zip.putNextEntry(new ZipEntry(e.name()));
                zip.write(e.content());
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }
}
