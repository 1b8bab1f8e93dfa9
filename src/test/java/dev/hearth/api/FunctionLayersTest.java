package dev.hearth.api;

import dev.hearth.testing.TestNode;
import dev.hearth.testing.Zips;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateFunctionResponse;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.Layer;
import software.amazon.awssdk.services.lambda.model.PublishLayerVersionResponse;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionConfigurationResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static dev.hearth.api.Fixtures.ACCOUNT;
import static dev.hearth.api.Fixtures.REGION;
import static dev.hearth.api.Fixtures.assertInvalidParameter;
import static dev.hearth.api.Fixtures.awaitSettled;
import static dev.hearth.api.Fixtures.createRequest;
import static dev.hearth.api.Fixtures.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

/** A function's {@code Layers}: resolved against published layer versions, shown as AWS shows them. */
class FunctionLayersTest {

    private static TestNode node;
    private static LambdaClient lambda;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        lambda = node.lambda();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static PublishLayerVersionResponse publish(String name, byte[] zip) {
        return lambda.publishLayerVersion(b -> b.layerName(name).content(c -> c.zipFile(SdkBytes.fromByteArray(zip))));
    }

    private static PublishLayerVersionResponse publish(String name) {
        return publish(name, Zips.of(Map.of("python/" + name.replace('-', '_') + ".py", "X = 1\n")));
    }

    @Test
    void createFunction_withLayers_showsThemInOrderWithTheirSizes_inEveryRead() {
        PublishLayerVersionResponse first = publish(uniqueName("first"));
        PublishLayerVersionResponse second = publish(uniqueName("second"));
        String name = uniqueName("with-layers");

        CreateFunctionResponse created = lambda.createFunction(createRequest(name)
                .layers(first.layerVersionArn(), second.layerVersionArn()).build());
        awaitSettled(lambda, name);
        GetFunctionResponse got = lambda.getFunction(b -> b.functionName(name));

        for (var layers : java.util.List.of(created.layers(), got.configuration().layers(),
                lambda.getFunctionConfiguration(b -> b.functionName(name)).layers())) {
            assertThat(layers).extracting(Layer::arn).containsExactly(first.layerVersionArn(), second.layerVersionArn());
            assertThat(layers).extracting(Layer::codeSize)
                    .containsExactly(first.content().codeSize(), second.content().codeSize());
        }
    }

    @Test
    void updateFunctionConfiguration_setsAndClearsLayers() {
        PublishLayerVersionResponse layer = publish(uniqueName("update"));
        String name = uniqueName("update-layers");
        lambda.createFunction(createRequest(name).build());
        awaitSettled(lambda, name);

        UpdateFunctionConfigurationResponse set = lambda.updateFunctionConfiguration(b -> b.functionName(name)
                .layers(layer.layerVersionArn()));
        awaitSettled(lambda, name);
        lambda.updateFunctionConfiguration(b -> b.functionName(name).layers(java.util.List.of()));

        assertThat(set.layers()).extracting(Layer::arn).containsExactly(layer.layerVersionArn());
        assertThat(awaitSettled(lambda, name).hasLayers()).as("AWS omits Layers when there are none").isFalse();
    }

    @Test
    void aFunction_keepsItsLayerVersion_afterTheLayerVersionIsDeleted_andANewOneIsPublished() {
        String layerName = uniqueName("kept");
        PublishLayerVersionResponse layer = publish(layerName);
        String name = uniqueName("keeps-layer");
        lambda.createFunction(createRequest(name).layers(layer.layerVersionArn()).build());
        awaitSettled(lambda, name);

        lambda.deleteLayerVersion(b -> b.layerName(layerName).versionNumber(1L));
        publish(layerName);

        assertThat(lambda.getFunction(b -> b.functionName(name)).configuration().layers())
                .extracting(Layer::arn, Layer::codeSize)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(layer.layerVersionArn(), layer.content().codeSize()));
        // Other settings can still change: the layers already set are not checked again.
        lambda.updateFunctionConfiguration(b -> b.functionName(name).timeout(9));
        assertThat(awaitSettled(lambda, name).layers()).extracting(Layer::arn).containsExactly(layer.layerVersionArn());
        // But the deleted version cannot be configured anew.
        assertInvalidParameter(() -> lambda.updateFunctionConfiguration(b -> b.functionName(name)
                .layers(layer.layerVersionArn())), "Layer version " + layer.layerVersionArn() + " does not exist.");
    }

    @Test
    void aVersionOfAnExistingLayerThatDoesNotExist_isRefused() {
        String layerName = uniqueName("nine");
        publish(layerName);
        String arn = "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":layer:" + layerName + ":9";
        String name = uniqueName("layer-nine");

        assertInvalidParameter(() -> lambda.createFunction(createRequest(name).layers(arn).build()),
                "Layer version " + arn + " does not exist.");
    }

    @Test
    void twoVersionsOfTheSameLayer_areRefused() {
        String layerName = uniqueName("twice");
        String v1 = publish(layerName).layerVersionArn();
        String v2 = publish(layerName).layerVersionArn();

        assertInvalidParameter(() -> lambda.createFunction(createRequest(uniqueName("two")).layers(v1, v2).build()),
                "Two different versions of the same layer are not allowed to be referenced in the same function. "
                        + v1 + " and " + v2 + " are versions of the same layer.");
    }

    @Test
    void aLayerWhoseRuntimesDoNotIncludeTheFunctions_isAccepted_asOnAws() {
        String layerName = uniqueName("node-only");
        PublishLayerVersionResponse layer = lambda.publishLayerVersion(b -> b.layerName(layerName)
                .content(c -> c.zipFile(SdkBytes.fromByteArray(Zips.of(Map.of("nodejs/x.js", "1")))))
                .compatibleRuntimesWithStrings("nodejs22.x"));

        CreateFunctionResponse created = lambda.createFunction(createRequest(uniqueName("python-fn"))
                .layers(layer.layerVersionArn()).build());

        assertThat(created.layers()).extracting(Layer::arn).containsExactly(layer.layerVersionArn());
    }

    @Test
    void codeAndLayersOver250MBUnzipped_areRefusedAsAws() {
        long big = 132_000_000L;
        PublishLayerVersionResponse a = publish(uniqueName("big-a"), zeros("a.bin", big));
        PublishLayerVersionResponse b = publish(uniqueName("big-b"), zeros("b.bin", big));
        byte[] code = Fixtures.zip();
        long codeUnzipped = "def handler(event, context):\n    return event\n".length();
        String name = uniqueName("too-big");

        assertInvalidParameter(() -> lambda.createFunction(createRequest(name)
                        .layers(a.layerVersionArn(), b.layerVersionArn()).build()),
                "Function code combined with layers exceeds the maximum allowed size of 262144000 bytes. The actual"
                        + " size is " + (2 * big + codeUnzipped) + " bytes.");
        lambda.createFunction(createRequest(name, code).layers(a.layerVersionArn()).build());
        awaitSettled(lambda, name);
        assertInvalidParameter(() -> lambda.updateFunctionConfiguration(r -> r.functionName(name)
                        .layers(a.layerVersionArn(), b.layerVersionArn())),
                "Function code combined with layers exceeds the maximum allowed size of 262144000 bytes. The actual"
                        + " size is " + (2 * big + codeUnzipped) + " bytes.");
    }

    /** A small zip whose one entry unzips to {@code size} zero bytes. */
    private static byte[] zeros(String entry, long size) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry(entry));
            byte[] chunk = new byte[1 << 20];
            for (long written = 0; written < size; written += chunk.length) {
                zip.write(chunk, 0, (int) Math.min(chunk.length, size - written));
            }
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
