package dev.hearth.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.core.Arns;
import dev.hearth.core.ErrorCode;
import dev.hearth.core.LambdaException;
import dev.hearth.registry.Alias;
import dev.hearth.registry.VersionCommands;
import dev.hearth.registry.VersionRegistry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * CreateAlias, GetAlias, UpdateAlias, DeleteAlias and ListAliases at AWS's paths, answering with AWS's
 * {@code AliasConfiguration} shape ({@code RoutingConfig} only when the alias has one). Blocking (runs
 * on virtual threads).
 */
public final class AliasRoutes {

    private final VersionRegistry versions;
    private final Arns arns;

    public AliasRoutes(VersionRegistry versions, Arns arns) {
        this.versions = versions;
        this.arns = arns;
    }

    public RouteTable table() {
        String aliases = "/2015-03-31/functions/{FunctionName}/aliases";
        String alias = aliases + "/{Name}";
        long limit = LambdaRoutes.DEFAULT_REQUEST_LIMIT;
        return new RouteTable(List.of(
                new Route("POST", aliases, "CreateAlias", limit, true, this::create),
                new Route("GET", aliases, "ListAliases", limit, true, this::list),
                new Route("GET", alias, "GetAlias", limit, true, this::get),
                new Route("PUT", alias, "UpdateAlias", limit, true, this::update),
                new Route("DELETE", alias, "DeleteAlias", limit, true, this::delete)));
    }

    private ApiResponse create(ApiRequest r) {
        JsonNode body = r.json();
        Alias created = versions.createAlias(new VersionCommands.CreateAlias(r.pathParam("FunctionName"),
                Fields.string(body, "Name").orElse(null), Fields.string(body, "FunctionVersion"),
                Fields.string(body, "Description"), routing(body)));
        return ApiResponse.json(201, render(created));
    }

    private ApiResponse get(ApiRequest r) {
        return ApiResponse.json(200, render(versions.getAlias(r.pathParam("FunctionName"), r.pathParam("Name"))));
    }

    private ApiResponse update(ApiRequest r) {
        JsonNode body = r.json();
        Alias updated = versions.updateAlias(new VersionCommands.UpdateAlias(r.pathParam("FunctionName"),
                r.pathParam("Name"), Fields.string(body, "FunctionVersion"), Fields.string(body, "Description"),
                routing(body), Fields.string(body, "RevisionId")));
        return ApiResponse.json(200, render(updated));
    }

    private ApiResponse delete(ApiRequest r) {
        versions.deleteAlias(r.pathParam("FunctionName"), r.pathParam("Name"));
        return ApiResponse.empty(204);
    }

    private ApiResponse list(ApiRequest r) {
        VersionRegistry.Page<Alias> page = versions.listAliases(r.pathParam("FunctionName"),
                r.queryParam("FunctionVersion"), r.queryParam("Marker"), VersionRoutes.maxItems(r));
        ObjectNode out = Json.object();
        page.nextMarker().ifPresent(m -> out.put("NextMarker", m));
        ArrayNode items = out.putArray("Aliases");
        page.items().forEach(a -> items.add(render(a)));
        return ApiResponse.json(200, out);
    }

    private ObjectNode render(Alias a) {
        ObjectNode o = Json.object();
        o.put("AliasArn", arns.function(a.functionName(), a.name()));
        o.put("Name", a.name());
        o.put("FunctionVersion", a.functionVersion());
        o.put("Description", a.description());
        a.routing().ifPresent(routing -> o.putObject("RoutingConfig").putObject("AdditionalVersionWeights")
                .put(routing.version(), routing.weight()));
        o.put("RevisionId", a.revisionId());
        return o;
    }

    /**
     * {@code RoutingConfig.AdditionalVersionWeights} as sent: absent when the request has no
     * {@code RoutingConfig}, an empty map when it has one without weights. A weight sent as JSON null
     * stays null so that the registry reports it as AWS does.
     */
    private static Optional<Map<String, Double>> routing(JsonNode body) {
        return Fields.object(body, "RoutingConfig").map(config -> {
            Map<String, Double> weights = new LinkedHashMap<>();
            Optional<JsonNode> map = Optional.ofNullable(config.get("AdditionalVersionWeights"))
                    .filter(n -> !n.isNull());
            if (map.isEmpty()) {
                return weights;
            }
            if (!map.get().isObject()) {
                throw new LambdaException(ErrorCode.SERIALIZATION, "Unexpected value for AdditionalVersionWeights:"
                        + " expected a map of version to weight");
            }
            for (Map.Entry<String, JsonNode> e : map.get().properties()) {
                JsonNode w = e.getValue();
                if (!w.isNull() && !w.isNumber()) {
                    throw new LambdaException(ErrorCode.SERIALIZATION, "STRING_VALUE can not be converted to a Double");
                }
                weights.put(e.getKey(), w.isNull() ? null : w.doubleValue());
            }
            return weights;
        });
    }
}
