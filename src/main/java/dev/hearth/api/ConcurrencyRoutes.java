package dev.hearth.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.core.ErrorCode;
import dev.hearth.core.LambdaException;
import dev.hearth.registry.ConcurrencyRegistry;
import dev.hearth.registry.ProvisionedView;

import java.util.List;
import java.util.OptionalInt;

/**
 * The concurrency operations at AWS's paths: Put/Get/DeleteFunctionConcurrency and
 * Put/Get/List/DeleteProvisionedConcurrencyConfig (List shares Get's path, told apart by
 * {@code List=ALL}). Parse, call the registry, render; no rules live here.
 */
public final class ConcurrencyRoutes {

    private final ConcurrencyRegistry registry;

    public ConcurrencyRoutes(ConcurrencyRegistry registry) {
        this.registry = registry;
    }

    public RouteTable table() {
        long limit = LambdaRoutes.DEFAULT_REQUEST_LIMIT;
        String provisioned = "/2019-09-30/functions/{FunctionName}/provisioned-concurrency";
        return new RouteTable(List.of(
                new Route("PUT", "/2017-10-31/functions/{FunctionName}/concurrency", "PutFunctionConcurrency", limit,
                        true, this::putReserved),
                new Route("DELETE", "/2017-10-31/functions/{FunctionName}/concurrency", "DeleteFunctionConcurrency",
                        limit, true, this::deleteReserved),
                new Route("GET", "/2019-09-30/functions/{FunctionName}/concurrency", "GetFunctionConcurrency", limit,
                        true, this::getReserved),
                new Route("PUT", provisioned, "PutProvisionedConcurrencyConfig", limit, true, this::putProvisioned),
                new Route("GET", provisioned, "GetProvisionedConcurrencyConfig", limit, true, this::getProvisioned),
                new Route("DELETE", provisioned, "DeleteProvisionedConcurrencyConfig", limit, true,
                        this::deleteProvisioned)));
    }

    private ApiResponse putReserved(ApiRequest r) {
        int n = registry.putReserved(r.pathParam("FunctionName"), Fields.integer(r.json(), "ReservedConcurrentExecutions"));
        return ApiResponse.json(200, Json.object().put("ReservedConcurrentExecutions", n));
    }

    private ApiResponse getReserved(ApiRequest r) {
        OptionalInt n = registry.getReserved(r.pathParam("FunctionName"));
        ObjectNode out = Json.object();
        n.ifPresent(v -> out.put("ReservedConcurrentExecutions", v));
        return ApiResponse.json(200, out);
    }

    private ApiResponse deleteReserved(ApiRequest r) {
        registry.deleteReserved(r.pathParam("FunctionName"));
        return ApiResponse.empty(204);
    }

    private ApiResponse putProvisioned(ApiRequest r) {
        ProvisionedView v = registry.putProvisioned(r.pathParam("FunctionName"), r.queryParam("Qualifier"),
                Fields.integer(r.json(), "ProvisionedConcurrentExecutions"));
        return ApiResponse.json(202, config(v, false));
    }

    private ApiResponse getProvisioned(ApiRequest r) {
        if (r.queryParam("List").isPresent()) {
            return listProvisioned(r);
        }
        return ApiResponse.json(200, config(registry.getProvisioned(r.pathParam("FunctionName"), r.queryParam("Qualifier")),
                false));
    }

    private ApiResponse listProvisioned(ApiRequest r) {
        ConcurrencyRegistry.ProvisionedPage page = registry.listProvisioned(r.pathParam("FunctionName"),
                r.queryParam("Marker"), r.queryParam("MaxItems").map(ConcurrencyRoutes::integer));
        ObjectNode out = Json.object();
        ArrayNode items = out.putArray("ProvisionedConcurrencyConfigs");
        page.configs().forEach(v -> items.add(config(v, true)));
        page.nextMarker().ifPresent(m -> out.put("NextMarker", m));
        return ApiResponse.json(200, out);
    }

    private ApiResponse deleteProvisioned(ApiRequest r) {
        registry.deleteProvisioned(r.pathParam("FunctionName"), r.queryParam("Qualifier"));
        return ApiResponse.empty(204);
    }

    /** AWS's shape; list items add the version's or alias's ARN. */
    private static ObjectNode config(ProvisionedView v, boolean listItem) {
        ObjectNode o = Json.object();
        if (listItem) {
            o.put("FunctionArn", v.functionArn());
        }
        o.put("RequestedProvisionedConcurrentExecutions", v.config().requested());
        o.put("AvailableProvisionedConcurrentExecutions", v.status().available());
        o.put("AllocatedProvisionedConcurrentExecutions", v.status().allocated());
        o.put("Status", v.status().state().name());
        v.status().reason().ifPresent(reason -> o.put("StatusReason", reason));
        o.put("LastModified", v.config().lastModified());
        return o;
    }

    private static int integer(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new LambdaException(ErrorCode.SERIALIZATION, "STRING_VALUE can not be converted to an Integer");
        }
    }
}
