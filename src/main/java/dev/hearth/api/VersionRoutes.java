package dev.hearth.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.core.Arns;
import dev.hearth.core.ErrorCode;
import dev.hearth.core.LambdaException;
import dev.hearth.registry.FunctionVersion;
import dev.hearth.registry.VersionCommands;
import dev.hearth.registry.VersionRegistry;

import java.util.List;
import java.util.Optional;

/**
 * PublishVersion and ListVersionsByFunction at AWS's paths, answering with AWS's status codes and
 * shapes: a published version is a FunctionConfiguration under its qualified ARN. Each handler parses,
 * calls the registry, renders; blocking (runs on virtual threads).
 */
public final class VersionRoutes {

    private final VersionRegistry versions;
    private final FunctionJson json;

    public VersionRoutes(VersionRegistry versions, Arns arns) {
        this.versions = versions;
        this.json = new FunctionJson(arns);
    }

    public RouteTable table() {
        String path = "/2015-03-31/functions/{FunctionName}/versions";
        return new RouteTable(List.of(
                new Route("POST", path, "PublishVersion", LambdaRoutes.DEFAULT_REQUEST_LIMIT, true, this::publish),
                new Route("GET", path, "ListVersionsByFunction", LambdaRoutes.DEFAULT_REQUEST_LIMIT, true,
                        this::list)));
    }

    private ApiResponse publish(ApiRequest r) {
        JsonNode body = r.json();
        if (Fields.string(body, "PublishTo").isPresent()) {
            // $LATEST.PUBLISHED belongs to functions on capacity providers, which Hearth does not have.
            throw LambdaException.invalidParameter("Hearth does not support PublishTo ($LATEST.PUBLISHED);"
                    + " publish a numbered version without it.");
        }
        FunctionVersion published = versions.publish(new VersionCommands.PublishVersion(r.pathParam("FunctionName"),
                Fields.string(body, "CodeSha256"), Fields.string(body, "Description"),
                Fields.string(body, "RevisionId")));
        return ApiResponse.json(201, json.configuration(published, true, FunctionJson.Context.DETAIL));
    }

    private ApiResponse list(ApiRequest r) {
        VersionRegistry.Page<FunctionVersion> page = versions.listVersions(r.pathParam("FunctionName"),
                r.queryParam("Marker"), r.queryParam("MaxItems").map(VersionRoutes::integerParam));
        ObjectNode out = Json.object();
        page.nextMarker().ifPresent(m -> out.put("NextMarker", m));
        ArrayNode items = out.putArray("Versions");
        page.items().forEach(v -> items.add(json.configuration(v, true, FunctionJson.Context.LIST)));
        return ApiResponse.json(200, out);
    }

    /** A query-string integer, with AWS's error for one that is not. */
    static int integerParam(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new LambdaException(ErrorCode.SERIALIZATION, "STRING_VALUE can not be converted to an Integer");
        }
    }

    static Optional<Integer> maxItems(ApiRequest r) {
        return r.queryParam("MaxItems").map(VersionRoutes::integerParam);
    }
}
