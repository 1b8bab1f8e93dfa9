package dev.hearth.api;

import dev.hearth.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AccountUsage;
import software.amazon.awssdk.services.lambda.model.GetAccountSettingsResponse;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static dev.hearth.api.Fixtures.awaitSettled;
import static dev.hearth.api.Fixtures.createRequest;
import static dev.hearth.api.Fixtures.otherZip;
import static dev.hearth.api.Fixtures.uniqueName;
import static dev.hearth.api.Fixtures.zip;
import static org.assertj.core.api.Assertions.assertThat;

/** GetAccountSettings: AWS's limits, and usage that follows creates, updates and deletes. */
class AccountSettingsTest {
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

    private static AccountUsage usage() {
        return lambda.getAccountSettings(r -> { }).accountUsage();
    }

    @Test
    void getAccountSettings_reportsAwsLimits() {
        GetAccountSettingsResponse r = lambda.getAccountSettings(s -> { });

        assertThat(r.sdkHttpResponse().statusCode()).isEqualTo(200);
        assertThat(r.accountLimit().totalCodeSize()).isEqualTo(80_530_636_800L);
        assertThat(r.accountLimit().codeSizeUnzipped()).isEqualTo(262_144_000L);
        assertThat(r.accountLimit().codeSizeZipped()).isEqualTo(52_428_800L);
        assertThat(r.accountLimit().concurrentExecutions()).isPositive();
        assertThat(r.accountLimit().unreservedConcurrentExecutions()).isPositive()
                .isLessThanOrEqualTo(r.accountLimit().concurrentExecutions());
        assertThat(r.accountUsage().functionCount()).isNotNull();
        assertThat(r.accountUsage().totalCodeSize()).isNotNull();
    }

    @Test
    void getAccountSettings_bodyHasExactlyAwsKeys() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create(node.endpoint() + "/2016-08-19/account-settings")).build(),
                    HttpResponse.BodyHandlers.ofString());

            var body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(body.properties()).extracting(java.util.Map.Entry::getKey)
                    .containsExactlyInAnyOrder("AccountLimit", "AccountUsage");
            assertThat(body.get("AccountLimit").properties()).extracting(java.util.Map.Entry::getKey)
                    .containsExactlyInAnyOrder("CodeSizeUnzipped", "CodeSizeZipped", "ConcurrentExecutions",
                            "TotalCodeSize", "UnreservedConcurrentExecutions");
            assertThat(body.get("AccountUsage").properties()).extracting(java.util.Map.Entry::getKey)
                    .containsExactlyInAnyOrder("FunctionCount", "TotalCodeSize");
        }
    }

    @Test
    void accountUsage_followsCreateUpdateAndDelete() {
        String name = uniqueName("usage");
        byte[] zip = zip();
        AccountUsage start = usage();

        lambda.createFunction(createRequest(name, zip).build());
        AccountUsage created = usage();
        assertThat(created.functionCount()).isEqualTo(start.functionCount() + 1);
        assertThat(created.totalCodeSize()).isEqualTo(start.totalCodeSize() + zip.length);

        awaitSettled(lambda, name);
        lambda.updateFunctionConfiguration(u -> u.functionName(name).memorySize(256));
        assertThat(usage()).as("a configuration update changes no code size").isEqualTo(created);

        awaitSettled(lambda, name);
        byte[] newZip = otherZip();
        lambda.updateFunctionCode(u -> u.functionName(name).zipFile(SdkBytes.fromByteArray(newZip)));
        AccountUsage updated = usage();
        assertThat(updated.functionCount()).isEqualTo(created.functionCount());
        assertThat(updated.totalCodeSize()).as("$LATEST now holds the new zip instead")
                .isEqualTo(start.totalCodeSize() + newZip.length);

        lambda.deleteFunction(d -> d.functionName(name));
        assertThat(usage()).isEqualTo(start);
    }

    @Test
    void accountUsage_isUnchangedByARefusedCreate() {
        AccountUsage before = usage();

        Fixtures.awsError(() -> lambda.createFunction(createRequest(uniqueName("refused")).memorySize(1).build()));

        assertThat(usage()).isEqualTo(before);
    }
}
