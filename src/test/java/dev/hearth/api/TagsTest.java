package dev.hearth.api;

import dev.hearth.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.ListTagsResponse;
import software.amazon.awssdk.services.lambda.model.TagResourceResponse;
import software.amazon.awssdk.services.lambda.model.UntagResourceResponse;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.hearth.api.Fixtures.arn;
import static dev.hearth.api.Fixtures.assertInvalidParameter;
import static dev.hearth.api.Fixtures.assertNotFound;
import static dev.hearth.api.Fixtures.assertValidation;
import static dev.hearth.api.Fixtures.create;
import static dev.hearth.api.Fixtures.createRequest;
import static dev.hearth.api.Fixtures.functionNotFound;
import static dev.hearth.api.Fixtures.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

/** TagResource, UntagResource and ListTags, and how tags show in GetFunction. */
class TagsTest {
    private static final String TAGGABLE_PATTERN = "arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+"
            + "-\\d{1}:\\d{12}:(function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?|code-signing-config:csc-[a-z0-9]{17}"
            + "|event-source-mapping:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
            + "|capacity-provider:[a-zA-Z0-9-_]+)";

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

    private static Map<String, String> tags(int count) {
        return IntStream.rangeClosed(1, count).boxed()
                .collect(Collectors.toMap(i -> "key" + i, i -> "value" + i, (a, b) -> a, LinkedHashMap::new));
    }

    @Test
    void listTags_ofAnUntaggedFunction_isAnEmptyMap() {
        String name = uniqueName("untagged");
        create(lambda, name);

        ListTagsResponse r = lambda.listTags(t -> t.resource(arn(name)));

        assertThat(r.sdkHttpResponse().statusCode()).isEqualTo(200);
        assertThat(r.hasTags()).as("AWS sends Tags: {}").isTrue();
        assertThat(r.tags()).isEmpty();
    }

    @Test
    void tagResource_returns204_andMergesOverwritingExistingKeys() {
        String name = uniqueName("tag");
        lambda.createFunction(createRequest(name).tags(Map.of("A", "tag-a", "B", "tag-b")).build());

        TagResourceResponse r = lambda.tagResource(t -> t.resource(arn(name)).tags(Map.of("B", "new-b", "C", "tag-c")));

        assertThat(r.sdkHttpResponse().statusCode()).isEqualTo(204);
        assertThat(lambda.listTags(t -> t.resource(arn(name))).tags())
                .containsExactlyInAnyOrderEntriesOf(Map.of("A", "tag-a", "B", "new-b", "C", "tag-c"));
        assertThat(lambda.getFunction(g -> g.functionName(name)).tags())
                .containsExactlyInAnyOrderEntriesOf(Map.of("A", "tag-a", "B", "new-b", "C", "tag-c"));
    }

    @Test
    void untagResource_returns204_andRemovesOnlyTheNamedKeys_ignoringMissingOnes() {
        String name = uniqueName("untag");
        lambda.createFunction(createRequest(name).tags(Map.of("A", "a", "B", "b", "C", "c")).build());

        UntagResourceResponse r = lambda.untagResource(u -> u.resource(arn(name)).tagKeys("A", "not-there"));

        assertThat(r.sdkHttpResponse().statusCode()).isEqualTo(204);
        assertThat(lambda.listTags(t -> t.resource(arn(name))).tags())
                .containsExactlyInAnyOrderEntriesOf(Map.of("B", "b", "C", "c"));
        assertThat(lambda.untagResource(u -> u.resource(arn(name)).tagKeys("missing")).sdkHttpResponse().statusCode())
                .isEqualTo(204);
    }

    @Test
    void untagResource_ofEveryKey_leavesGetFunctionWithoutATagsKey() {
        String name = uniqueName("untag-all");
        lambda.createFunction(createRequest(name).tags(Map.of("A", "a", "B", "b")).build());

        lambda.untagResource(u -> u.resource(arn(name)).tagKeys("A", "B"));

        assertThat(lambda.getFunction(g -> g.functionName(name)).hasTags()).isFalse();
        assertThat(lambda.listTags(t -> t.resource(arn(name))).tags()).isEmpty();
    }

    @Test
    void tagging_doesNotChangeTheFunctionsRevision() {
        String name = uniqueName("tag-revision");
        String revision = create(lambda, name).revisionId();
        Fixtures.awaitSettled(lambda, name);
        String settled = lambda.getFunctionConfiguration(g -> g.functionName(name)).revisionId();

        lambda.tagResource(t -> t.resource(arn(name)).tags(Map.of("k", "v")));

        assertThat(lambda.getFunctionConfiguration(g -> g.functionName(name)).revisionId())
                .isEqualTo(settled).isNotEqualTo(revision);
    }

    @Test
    void tagResource_withNoTags_isRejected() {
        String name = uniqueName("tag-empty");
        create(lambda, name);

        assertInvalidParameter(() -> lambda.tagResource(t -> t.resource(arn(name)).tags(Map.of())),
                "An error occurred and the request cannot be processed.");
    }

    @Test
    void tagResource_with50Tags_succeeds_butOneMoreExceedsTheLimit() {
        String name = uniqueName("tag-limit");
        create(lambda, name);

        lambda.tagResource(t -> t.resource(arn(name)).tags(tags(50)));
        assertThat(lambda.listTags(t -> t.resource(arn(name))).tags()).hasSize(50);

        assertInvalidParameter(() -> lambda.tagResource(t -> t.resource(arn(name)).tags(Map.of("one", "more"))),
                "Number of tags exceeds resource tag limit.");
        assertThat(lambda.listTags(t -> t.resource(arn(name))).tags()).hasSize(50).doesNotContainKey("one");
    }

    @Test
    void tagResource_with51Tags_isRejected() {
        String name = uniqueName("tag-51");
        create(lambda, name);

        assertInvalidParameter(() -> lambda.tagResource(t -> t.resource(arn(name)).tags(tags(51))),
                "Number of tags exceeds resource tag limit.");
        assertThat(lambda.listTags(t -> t.resource(arn(name))).tags()).isEmpty();
    }

    @Test
    void createFunction_with51Tags_isRejected() {
        String name = uniqueName("create-51");

        assertInvalidParameter(() -> lambda.createFunction(createRequest(name).tags(tags(51)).build()),
                "Number of tags exceeds resource tag limit.");
        assertNotFound(() -> lambda.getFunction(g -> g.functionName(name)), functionNotFound(name));
    }

    @Test
    void tagResource_onAVersionOrAliasArn_isRejected() {
        String name = uniqueName("tag-qualified");
        create(lambda, name);
        String message = "Tags on function aliases and versions are not supported. Please specify a function ARN.";

        assertInvalidParameter(() -> lambda.tagResource(t -> t.resource(arn(name) + ":$LATEST").tags(Map.of("k", "v"))),
                message);
        assertInvalidParameter(() -> lambda.tagResource(t -> t.resource(arn(name) + ":v1").tags(Map.of("k", "v"))),
                message);
        assertInvalidParameter(() -> lambda.tagResource(t -> t.resource(arn(name) + ":1").tags(Map.of("k", "v"))),
                message);
    }

    @Test
    void tagOperations_onAMissingFunction_areNotFound() {
        String name = uniqueName("tag-missing");

        assertNotFound(() -> lambda.tagResource(t -> t.resource(arn(name)).tags(Map.of("k", "v"))), functionNotFound(name));
        assertNotFound(() -> lambda.untagResource(u -> u.resource(arn(name)).tagKeys("k")), functionNotFound(name));
        assertNotFound(() -> lambda.listTags(t -> t.resource(arn(name))), functionNotFound(name));
    }

    @Test
    void tagOperations_onADeletedFunction_areNotFound() {
        String name = uniqueName("tag-deleted");
        create(lambda, name);
        lambda.deleteFunction(d -> d.functionName(name));

        assertNotFound(() -> lambda.listTags(t -> t.resource(arn(name))), functionNotFound(name));
        assertNotFound(() -> lambda.tagResource(t -> t.resource(arn(name)).tags(Map.of("k", "v"))), functionNotFound(name));
    }

    @Test
    void tagResource_onSomethingThatIsNotALambdaArn_isAValidationError() {
        assertValidation(() -> lambda.tagResource(t -> t.resource("arn:aws:something").tags(Map.of("k", "v"))),
                "1 validation error detected: Value 'arn:aws:something' at 'resource' failed to satisfy constraint:"
                        + " Member must satisfy regular expression pattern: " + TAGGABLE_PATTERN);
    }

    @Test
    void tagResource_onAFunctionArnFromAnotherRegion_isNotReachable() {
        String name = uniqueName("tag-region");
        create(lambda, name);

        assertNotFound(() -> lambda.tagResource(t -> t.resource("arn:aws:lambda:eu-west-1:000000000000:function:" + name)
                        .tags(Map.of("k", "v"))),
                "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')");
    }

    @Test
    void untagResource_withoutKeys_isAValidationErrorNamingNull() {
        String name = uniqueName("untag-none");
        create(lambda, name);

        assertValidation(() -> lambda.untagResource(u -> u.resource(arn(name))),
                "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be"
                        + " null");
    }
}
