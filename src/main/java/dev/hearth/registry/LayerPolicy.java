package dev.hearth.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The resource policy of one layer version: its statements in the order they were added, and a revision
 * id that changes with every change. Stored as our own JSON; rendered as the IAM policy document AWS
 * returns ({@code {"Version":"2012-10-17","Id":"default","Statement":[...]}}). Immutable.
 */
record LayerPolicy(String revisionId, List<Statement> statements) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new Jdk8Module())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** One grant of {@code lambda:GetLayerVersion}. */
    record Statement(String sid, String principal, Optional<String> organizationId) {
    }

    LayerPolicy {
        statements = List.copyOf(statements);
    }

    Optional<Statement> statement(String sid) {
        return statements.stream().filter(s -> s.sid().equals(sid)).findFirst();
    }

    LayerPolicy plus(Statement statement, String newRevisionId) {
        List<Statement> more = new ArrayList<>(statements);
        more.add(statement);
        return new LayerPolicy(newRevisionId, more);
    }

    /** Without the statement {@code sid}; empty when it was the last one (the version then has no policy). */
    Optional<LayerPolicy> minus(String sid, String newRevisionId) {
        List<Statement> rest = statements.stream().filter(s -> !s.sid().equals(sid)).toList();
        return rest.isEmpty() ? Optional.empty() : Optional.of(new LayerPolicy(newRevisionId, rest));
    }

    /** The policy document as AWS returns it from GetLayerVersionPolicy. */
    String document(String versionArn) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("Version", "2012-10-17");
        doc.put("Id", "default");
        ArrayNode list = doc.putArray("Statement");
        statements.forEach(s -> list.add(render(s, versionArn)));
        return write(doc);
    }

    /** One statement as AWS returns it from AddLayerVersionPermission. */
    static String statementJson(Statement s, String versionArn) {
        return write(render(s, versionArn));
    }

    /** An account id becomes its root principal, as IAM normalises it; {@code *} stays a bare string. */
    private static ObjectNode render(Statement s, String versionArn) {
        ObjectNode o = JSON.createObjectNode();
        o.put("Sid", s.sid());
        o.put("Effect", "Allow");
        if ("*".equals(s.principal())) {
            o.put("Principal", "*");
        } else {
            String root = s.principal().startsWith("arn:") ? s.principal() : "arn:aws:iam::" + s.principal() + ":root";
            o.putObject("Principal").put("AWS", root);
        }
        o.put("Action", LayerRules.ACTION_PATTERN);
        o.put("Resource", versionArn);
        s.organizationId().ifPresent(org ->
                o.putObject("Condition").putObject("StringEquals").put("aws:PrincipalOrgID", org));
        return o;
    }

    String toStored() {
        return write(JSON.valueToTree(this));
    }

    static Optional<LayerPolicy> fromStored(Optional<String> json) {
        return json.map(text -> {
            try {
                return JSON.readValue(text, LayerPolicy.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("corrupt layer policy in the store: " + text, e);
            }
        });
    }

    private static String write(Object node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a policy always serialises", e);
        }
    }
}
