package dev.hearth.store;

import dev.hearth.core.ErrorCode;
import dev.hearth.core.LambdaException;
import dev.hearth.testing.Zips;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CodeStoreTest {

    private static final String NOT_A_ZIP =
            "Could not unzip uploaded file. Please check your file, then try to upload again.";

    @TempDir
    Path codeDir;
    @TempDir
    Path work;
    private CodeStore store;

    @BeforeEach
    void open() {
        store = new CodeStore(codeDir);
    }

    private List<Path> files(String sub) throws IOException {
        try (Stream<Path> s = Files.list(codeDir.resolve(sub))) {
            return s.toList();
        }
    }

    private static byte[] zipOf(String... nameThenContent) {
        Map<String, String> files = new LinkedHashMap<>();
        for (int i = 0; i < nameThenContent.length; i += 2) {
            files.put(nameThenContent[i], nameThenContent[i + 1]);
        }
        return Zips.of(files);
    }

    private static String perms(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    // ---- put --------------------------------------------------------------------------------------

    @Test
    void put_reportsDigestsSizesAsAwsDoes() throws Exception {
        byte[] zip = zipOf("app.py", "x = 1\n", "lib/util.py", "y = 22\n");
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(zip);

        CodeArtifact artifact = store.put(zip);

        assertThat(artifact.sha256Base64()).isEqualTo(Base64.getEncoder().encodeToString(digest));
        assertThat(artifact.sha256Hex()).isEqualTo(HexFormat.of().formatHex(digest));
        assertThat(artifact.size()).isEqualTo(zip.length);
        assertThat(artifact.unzippedSize()).isEqualTo("x = 1\n".length() + "y = 22\n".length());
    }

    @Test
    void put_storesTheBlobUnderItsHexDigest() throws Exception {
        byte[] zip = Zips.pythonEcho();

        CodeArtifact artifact = store.put(zip);

        Path blob = store.blob(artifact.sha256Hex()).orElseThrow();
        assertThat(blob).isEqualTo(codeDir.resolve("blobs").resolve(artifact.sha256Hex() + ".zip"));
        assertThat(Files.readAllBytes(blob)).isEqualTo(zip);
    }

    @Test
    void put_sameContentTwice_isIdempotent() throws Exception {
        byte[] zip = Zips.pythonEcho();

        CodeArtifact first = store.put(zip);
        CodeArtifact second = store.put(zip.clone());

        assertThat(second).isEqualTo(first);
        assertThat(files("blobs")).hasSize(1);
        assertThat(files("tmp")).as("no scratch left behind").isEmpty();
    }

    @Test
    void put_differentContent_storesSeparateBlobs() throws Exception {
        CodeArtifact a = store.put(zipOf("a.py", "a"));
        CodeArtifact b = store.put(zipOf("b.py", "b"));

        assertThat(a.sha256Hex()).isNotEqualTo(b.sha256Hex());
        assertThat(files("blobs")).hasSize(2);
    }

    @Test
    void put_notAZip_isRefusedWithAwsMessage_andStoresNothing() throws Exception {
        byte[] junk = "this is not a zipfile, just a random string".getBytes(StandardCharsets.UTF_8);

        LambdaException e = catchThrowableOfType(LambdaException.class, () -> store.put(junk));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
        assertThat(e.getMessage()).isEqualTo(NOT_A_ZIP);
        assertThat(files("blobs")).isEmpty();
        assertThat(files("tmp")).isEmpty();
    }

    @Test
    void put_emptyBytes_isNotAZip() {
        assertThatThrownBy(() -> store.put(new byte[0])).hasMessage(NOT_A_ZIP);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../evil.sh", "a/../../evil.sh", "/etc/evil", "..\\evil.bat", "a/.."})
    void put_entryEscapingTheDirectory_isRefused_andStoresNothing(String entryName) throws Exception {
        byte[] zip = zipOf("ok.py", "ok", entryName, "pwned");

        LambdaException e = catchThrowableOfType(LambdaException.class, () -> store.put(zip));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
        assertThat(e.getMessage()).isEqualTo(NOT_A_ZIP);
        assertThat(files("blobs")).isEmpty();
        assertThat(codeDir.getParent().resolve("evil.sh")).doesNotExist();
    }

    @Test
    void put_unzippedSizeAtTheLimit_isRefused() throws Exception {
        byte[] zip = zeros(CodeStore.MAX_UNZIPPED_BYTES);

        LambdaException e = catchThrowableOfType(LambdaException.class, () -> store.put(zip));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
        assertThat(e.getMessage()).isEqualTo("Unzipped size must be smaller than 262144000 bytes");
        assertThat(files("blobs")).isEmpty();
    }

    @Test
    void unpack_ofAZipThatUnderDeclaresItsSize_failsAndLeavesNothing() throws Exception {
        byte[] zip = zeros(CodeStore.MAX_UNZIPPED_BYTES + 1);
        patchCentralDirectorySizes(zip, 1000);
        CodeArtifact artifact = store.put(zip);
        assertThat(artifact.unzippedSize()).as("the lie passes the declared-size check").isEqualTo(1000);

        assertThatThrownBy(() -> store.unpack(artifact.sha256Hex())).isInstanceOf(IOException.class);

        assertThat(files("unpacked")).isEmpty();
        assertThat(files("tmp")).isEmpty();
    }

    /** A zip of one deflated entry of {@code size} zero bytes (zeros deflate about 1000:1). */
    private static byte[] zeros(long size) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            out.setLevel(1);
            out.putNextEntry(new ZipEntry("big.bin"));
            byte[] chunk = new byte[1 << 20];
            for (long written = 0; written < size; written += chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, size - written));
            }
            out.closeEntry();
        }
        return bytes.toByteArray();
    }

    /** Overwrites the uncompressed size of every central directory entry, as a crafted zip bomb would. */
    private static void patchCentralDirectorySizes(byte[] zip, int declared) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(zip).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int patched = 0;
        for (int i = 0; i + 46 <= zip.length; i++) {
            if (b.getInt(i) == 0x02014b50) {
                b.putInt(i + 24, declared);
                patched++;
            }
        }
        assertThat(patched).isEqualTo(1);
    }

    @Test
    void inspect_checksButStoresNothing() throws Exception {
        byte[] zip = Zips.pythonEcho();

        CodeArtifact artifact = store.inspect(zip);

        assertThat(artifact).isEqualTo(new CodeStore(work.resolve("other")).put(zip));
        assertThat(files("blobs")).isEmpty();
        assertThat(store.blob(artifact.sha256Hex())).isEmpty();
        assertThatThrownBy(() -> store.inspect(new byte[] {1, 2, 3})).hasMessage(NOT_A_ZIP);
    }

    @Test
    void blob_ofAMalformedDigest_isRefused() {
        assertThatThrownBy(() -> store.blob("../../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- unpack -----------------------------------------------------------------------------------

    @Test
    void unpack_extractsTheFilesReadOnly() throws Exception {
        CodeArtifact artifact = store.put(zipOf("app.py", "print(1)\n", "pkg/mod.py", "x = 2\n"));

        Path dir = store.unpack(artifact.sha256Hex());

        assertThat(dir).isEqualTo(codeDir.resolve("unpacked").resolve(artifact.sha256Hex()));
        assertThat(dir.resolve("app.py")).hasContent("print(1)");
        assertThat(dir.resolve("pkg/mod.py")).hasContent("x = 2");
        assertThat(perms(dir.resolve("app.py"))).isEqualTo("r--r--r--");
        assertThat(perms(dir.resolve("pkg/mod.py"))).isEqualTo("r--r--r--");
        assertThat(perms(dir.resolve("pkg"))).isEqualTo("r-xr-xr-x");
        assertThat(perms(dir)).isEqualTo("r-xr-xr-x");
        assertThat(files("tmp")).isEmpty();
    }

    @Test
    void unpack_twice_returnsTheSameDirectory() throws Exception {
        CodeArtifact artifact = store.put(Zips.pythonEcho());

        Path first = store.unpack(artifact.sha256Hex());
        Path second = store.unpack(artifact.sha256Hex());

        assertThat(second).isEqualTo(first);
        assertThat(files("unpacked")).hasSize(1);
    }

    @Test
    void unpack_concurrently_yieldsOneCompleteDirectory() throws Exception {
        CodeArtifact artifact = store.put(zipOf("a.py", "a", "b/c.py", "c"));
        Callable<Path> unpack = () -> store.unpack(artifact.sha256Hex());
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Path>> results = threads.invokeAll(List.of(unpack, unpack, unpack, unpack, unpack, unpack));
            for (Future<Path> r : results) {
                assertThat(r.get(10, TimeUnit.SECONDS)).isEqualTo(codeDir.resolve("unpacked/" + artifact.sha256Hex()));
            }
        }
        assertThat(codeDir.resolve("unpacked/" + artifact.sha256Hex() + "/b/c.py")).hasContent("c");
        assertThat(files("tmp")).as("losers clean up after themselves").isEmpty();
    }

    @Test
    void unpack_ofCodeNeverStored_throws() {
        assertThatThrownBy(() -> store.unpack("0".repeat(64))).isInstanceOf(IOException.class);
    }

    @Test
    void unpack_keepsTheExecutableBit_ofEntriesWithUnixMode0755_madeByJavaZipFs() throws Exception {
        Path zip = work.resolve("fs-made.zip");
        try (FileSystem fs = FileSystems.newFileSystem(zip, Map.of("create", "true", "enablePosixFileAttributes", "true"))) {
            Path bootstrap = fs.getPath("/bootstrap");
            Files.writeString(bootstrap, "#!/bin/sh\necho hi\n");
            Files.setPosixFilePermissions(bootstrap, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.writeString(fs.getPath("/data.txt"), "plain");
            Files.setPosixFilePermissions(fs.getPath("/data.txt"), PosixFilePermissions.fromString("rw-r--r--"));
        }
        CodeArtifact artifact = store.put(Files.readAllBytes(zip));

        Path dir = store.unpack(artifact.sha256Hex());

        assertThat(perms(dir.resolve("bootstrap"))).isEqualTo("r-xr-xr-x");
        assertThat(perms(dir.resolve("data.txt"))).isEqualTo("r--r--r--");
    }

    @Test
    void unpack_keepsTheExecutableBit_ofEntriesWithUnixMode0755_madeByTheZipTool() throws Exception {
        assumeTrue(commandExists("zip"), "the zip command line tool is not installed");
        Path src = Files.createDirectories(work.resolve("src"));
        Files.writeString(src.resolve("bootstrap"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(src.resolve("bootstrap"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(src.resolve("bin"));
        Files.writeString(src.resolve("bin/tool"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(src.resolve("bin/tool"), PosixFilePermissions.fromString("rwxr--r--"));
        Files.writeString(src.resolve("handler.sh"), "function handler () { echo ok; }\n");
        Files.setPosixFilePermissions(src.resolve("handler.sh"), PosixFilePermissions.fromString("rw-r--r--"));
        Path zip = work.resolve("tool-made.zip");
        Process zipper = new ProcessBuilder("zip", "-q", "-r", zip.toString(), "bootstrap", "bin", "handler.sh")
                .directory(src.toFile()).redirectErrorStream(true).start();
        assertThat(zipper.waitFor(30, TimeUnit.SECONDS)).as("zip finished").isTrue();
        assertThat(zipper.exitValue()).as(new String(zipper.getInputStream().readAllBytes())).isZero();
        CodeArtifact artifact = store.put(Files.readAllBytes(zip));

        Path dir = store.unpack(artifact.sha256Hex());

        assertThat(perms(dir.resolve("bootstrap"))).isEqualTo("r-xr-xr-x");
        assertThat(perms(dir.resolve("bin/tool"))).isEqualTo("r-xr-xr-x");
        assertThat(perms(dir.resolve("handler.sh"))).isEqualTo("r--r--r--");
        assertThat(perms(dir.resolve("bin"))).isEqualTo("r-xr-xr-x");
        Process run = new ProcessBuilder(dir.resolve("bootstrap").toString()).redirectErrorStream(true).start();
        assertThat(run.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hi\n");
    }

    private static boolean commandExists(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(java.io.File.pathSeparator)).anyMatch(d -> Files.isExecutable(Path.of(d, name)));
    }

    // ---- removal ----------------------------------------------------------------------------------

    @Test
    void delete_removesTheBlobAndTheUnpackedCopy() throws Exception {
        CodeArtifact artifact = store.put(zipOf("x/y.py", "y"));
        Path dir = store.unpack(artifact.sha256Hex());

        store.delete(artifact.sha256Hex());

        assertThat(store.blob(artifact.sha256Hex())).isEmpty();
        assertThat(dir).doesNotExist();
    }

    @Test
    void retainOnly_removesUnreferencedBlobsAndTheirUnpackedCopies() throws Exception {
        CodeArtifact kept = store.put(zipOf("kept.py", "k"));
        CodeArtifact dropped = store.put(zipOf("dropped.py", "d"));
        store.unpack(kept.sha256Hex());
        Path droppedDir = store.unpack(dropped.sha256Hex());

        store.retainOnly(Set.of(kept.sha256Hex()));

        assertThat(store.blob(kept.sha256Hex())).isPresent();
        assertThat(store.unpack(kept.sha256Hex()).resolve("kept.py")).hasContent("k");
        assertThat(store.blob(dropped.sha256Hex())).isEmpty();
        assertThat(droppedDir).doesNotExist();
    }

    @Test
    void retainOnly_withNothingReferenced_emptiesTheStore() throws Exception {
        store.put(zipOf("a.py", "a"));
        store.put(zipOf("b.py", "b"));

        store.retainOnly(Set.of());

        assertThat(files("blobs")).isEmpty();
    }

    @Test
    void clearScratch_removesLeftoversOfInterruptedWrites() throws Exception {
        Files.writeString(codeDir.resolve("tmp/abc.zip"), "half a zip");
        Path halfUnpacked = Files.createDirectories(codeDir.resolve("tmp/def/sub"));
        Files.writeString(halfUnpacked.resolve("f"), "x");
        Files.setPosixFilePermissions(halfUnpacked, PosixFilePermissions.fromString("r-xr-xr-x"));

        store.clearScratch();

        assertThat(files("tmp")).isEmpty();
    }

    @Test
    void reopening_findsWhatWasStored() throws Exception {
        CodeArtifact artifact = store.put(Zips.pythonEcho());

        CodeStore reopened = new CodeStore(codeDir);

        assertThat(reopened.blob(artifact.sha256Hex())).isPresent();
        assertThat(reopened.unpack(artifact.sha256Hex()).resolve("app.py")).exists();
    }
}
