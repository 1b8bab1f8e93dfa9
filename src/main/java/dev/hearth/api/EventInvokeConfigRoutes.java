package dev.hearth.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.core.ErrorCode;
import dev.hearth.core.LambdaException;
import dev.hearth.registry.EventInvokeConfig;
import dev.hearth.registry.EventInvokeConfigs;
import dev.hearth.registry.EventInvokeSettings;

import java.util.List;
import java.util.Optional;

/**
 * Put/Get/Update/Delete/ListFunctionEventInvokeConfig(s) at AWS's paths (API version 2019-09-25), in
 * AWS's shape: {@code LastModified} in epoch seconds, the qualified {@code FunctionArn}, the retry and
 * age members when set, and {@code DestinationConfig} with both (possibly empty) targets. Blocking
 * handlers (store access), run on virtual threads.
 */
public final class EventInvokeConfigRoutes {

    private final EventInvokeConfigs configs;

    public EventInvokeConfigRoutes(EventInvokeConfigs configs) {
        this.configs = configs;
    }

    public RouteTable table() {
        String path = "/2019-09-25/functions/{FunctionName}/event-invoke-config";
        long limit = LambdaRoutes.DEFAULT_REQUEST_LIMIT;
        return new RouteTable(List.of(
                new Route("PUT", path, "PutFunctionEventInvokeConfig", limit, true, this::put),
                new Route("POST", path, "UpdateFunctionEventInvokeConfig", limit, true, this::update),
                new Route("GET", path, "GetFunctionEventInvokeConfig", limit, true, this::get),
                new Route("DELETE", path, "DeleteFunctionEventInvokeConfig", limit, true, this::delete),
                new Route("GET", path + "/list", "ListFunctionEventInvokeConfigs", limit, true, this::list)));
    }

    private ApiResponse put(ApiRequest r) {
        EventInvokeSettings settings = settings(r.json());
        return ApiResponse.json(200, render(configs.put(r.pathParam("FunctionName"), r.queryParam("Qualifier"),
                settings)));
    }

    private ApiResponse update(ApiRequest r) {
        EventInvokeSettings settings = settings(r.json());
        return ApiResponse.json(200, render(configs.update(r.pathParam("FunctionName"), r.queryParam("Qualifier"),
                settings)));
    }

    private ApiResponse get(ApiRequest r) {
        return ApiResponse.json(200, render(configs.get(r.pathParam("FunctionName"), r.queryParam("Qualifier"))));
    }

    private ApiResponse delete(ApiRequest r) {
        configs.delete(r.pathParam("FunctionName"), r.queryParam("Qualifier"));
        return ApiResponse.empty(204);
    }

    private ApiResponse list(ApiRequest r) {
        Optional<Integer> maxItems = r.queryParam("MaxItems").map(EventInvokeConfigRoutes::integer);
        EventInvokeConfigs.Page page = configs.list(r.pathParam("FunctionName"), r.queryParam("Marker"), maxItems);
        ObjectNode out = Json.object();
        ArrayNode items = out.putArray("FunctionEventInvokeConfigs");
        page.configs().forEach(c -> items.add(render(c)));
        page.nextMarker().ifPresent(m -> out.put("NextMarker", m));
        return ApiResponse.json(200, out);
    }

    private static EventInvokeSettings settings(JsonNode body) {
        Optional<JsonNode> destinations = Fields.object(body, "DestinationConfig");
        return new EventInvokeSettings(Fields.integer(body, "MaximumRetryAttempts"),
                Fields.integer(body, "MaximumEventAgeInSeconds"),
                destinations.flatMap(d -> destination(d, "OnSuccess")),
                destinations.flatMap(d -> destination(d, "OnFailure")));
    }

    /** A sent target object is its destination, or "" when it has none (which removes it on update). */
    private static Optional<String> destination(JsonNode config, String member) {
        return Fields.object(config, member).map(t -> Fields.string(t, "Destination").orElse(""));
    }

    private ObjectNode render(EventInvokeConfig c) {
        ObjectNode out = Json.object();
        out.put("LastModified", c.lastModified().toEpochMilli() / 1000.0);
        out.put("FunctionArn", configs.arnOf(c));
        c.maximumRetryAttempts().ifPresent(n -> out.put("MaximumRetryAttempts", n));
        c.maximumEventAgeInSeconds().ifPresent(n -> out.put("MaximumEventAgeInSeconds", n));
        ObjectNode destinations = out.putObject("DestinationConfig");
        ObjectNode onSuccess = destinations.putObject("OnSuccess");
        c.onSuccess().ifPresent(d -> onSuccess.put("Destination", d));
        ObjectNode onFailure = destinations.putObject("OnFailure");
        c.onFailure().ifPresent(d -> onFailure.put("Destination", d));
        return out;
    }

    private static int integer(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new LambdaException(ErrorCode.SERIALIZATION, "STRING_VALUE can not be converted to an Integer");
        }
    }
}
