package dev.hearth.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.core.Arns;
import dev.hearth.core.ErrorCode;
import dev.hearth.core.LambdaException;
import dev.hearth.core.Validation;
import dev.hearth.registry.AccountUsage;
import dev.hearth.registry.ConcurrencySettings;
import dev.hearth.registry.FunctionPage;
import dev.hearth.registry.FunctionRegistry;
import dev.hearth.registry.FunctionVersion;
import dev.hearth.registry.FunctionView;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Lambda REST-JSON API's function, tag and account routes, at AWS's paths, answering with AWS's
 * status codes and shapes. Each handler parses, calls the registry, renders; no rules live here.
 */
public final class LambdaRoutes {

    /** AWS's request limit for operations that carry a zip inline. */
    static final long CODE_REQUEST_LIMIT = 70_167_211L;
    /** The limit for every other control-plane request. */
    static final long DEFAULT_REQUEST_LIMIT = 6L * 1024 * 1024;

    /** Account limits AWS reports; the concurrency figures come from the node's configuration. */
    static final long TOTAL_CODE_SIZE_LIMIT = 80_530_636_800L;
    static final long CODE_SIZE_UNZIPPED = 262_144_000L;
    static final long CODE_SIZE_ZIPPED = 52_428_800L;

    private final FunctionRegistry registry;
    private final FunctionJson json;
    private final CodeLinks links;
    private final String publicUrl;
    private final ConcurrencySettings concurrency;

    public LambdaRoutes(FunctionRegistry registry, Arns arns, Clock clock, String publicUrl) {
        this(registry, arns, clock, publicUrl, dev.hearth.invoke.InvocationRouter.Unlimited.DEFAULT);
    }

    public LambdaRoutes(FunctionRegistry registry, Arns arns, Clock clock, String publicUrl,
                        ConcurrencySettings concurrency) {
        this.concurrency = concurrency;
        this.registry = registry;
        this.json = new FunctionJson(arns);
        this.links = new CodeLinks(clock);
        this.publicUrl = publicUrl;
    }

    public RouteTable table() {
        String fn = "/2015-03-31/functions/{FunctionName}";
        return new RouteTable(List.of(
                new Route("POST", "/2015-03-31/functions", "CreateFunction", CODE_REQUEST_LIMIT, true, this::create),
                new Route("GET", "/2015-03-31/functions", "ListFunctions", DEFAULT_REQUEST_LIMIT, true, this::list),
                new Route("GET", fn, "GetFunction", DEFAULT_REQUEST_LIMIT, true, this::get),
                new Route("DELETE", fn, "DeleteFunction", DEFAULT_REQUEST_LIMIT, true, this::delete),
                new Route("GET", fn + "/configuration", "GetFunctionConfiguration", DEFAULT_REQUEST_LIMIT, true,
                        this::getConfiguration),
                new Route("PUT", fn + "/configuration", "UpdateFunctionConfiguration", DEFAULT_REQUEST_LIMIT, true,
                        this::updateConfiguration),
                new Route("PUT", fn + "/code", "UpdateFunctionCode", CODE_REQUEST_LIMIT, true, this::updateCode),
                new Route("GET", "/2017-03-31/tags/{Resource}", "ListTags", DEFAULT_REQUEST_LIMIT, true, this::listTags),
                new Route("POST", "/2017-03-31/tags/{Resource}", "TagResource", DEFAULT_REQUEST_LIMIT, true, this::tag),
                new Route("DELETE", "/2017-03-31/tags/{Resource}", "UntagResource", DEFAULT_REQUEST_LIMIT, true,
                        this::untag),
                new Route("GET", "/2016-08-19/account-settings", "GetAccountSettings", DEFAULT_REQUEST_LIMIT, true,
                        this::accountSettings),
                new Route("GET", CodeLinks.PATH_PREFIX + "{Sha256}", "DownloadCode", 0, true, this::downloadCode),
                new Route("GET", "/_hearth/health", "Health", 0, false,
                        r -> ApiResponse.json(200, Json.object().put("status", "ok")))));
    }

    private ApiResponse create(ApiRequest r) {
        JsonNode body = r.json();
        FunctionVersion created = registry.create(FunctionRequests.create(body));
        return ApiResponse.json(201, json.configuration(created, false, FunctionJson.Context.DETAIL));
    }

    private ApiResponse list(ApiRequest r) {
        Optional<Integer> maxItems = r.queryParam("MaxItems").map(LambdaRoutes::integerParam);
        r.queryParam("MasterRegion").ifPresent(region -> {
            throw LambdaException.invalidParameter("Hearth has no Lambda@Edge replicas; omit MasterRegion.");
        });
        FunctionPage page = registry.list(r.queryParam("FunctionVersion"), r.queryParam("Marker"), maxItems);
        ObjectNode out = Json.object();
        page.nextMarker().ifPresent(m -> out.put("NextMarker", m));
        ArrayNode functions = out.putArray("Functions");
        for (FunctionVersion v : page.functions()) {
            functions.add(json.configuration(v, page.qualifiedArns(), FunctionJson.Context.LIST));
        }
        return ApiResponse.json(200, out);
    }

    private ApiResponse get(ApiRequest r) {
        FunctionView view = registry.get(r.pathParam("FunctionName"), r.queryParam("Qualifier"));
        ObjectNode out = Json.object();
        out.set("Configuration", json.configuration(view.version(), view.arnQualifier(), FunctionJson.Context.DETAIL));
        ObjectNode code = out.putObject("Code");
        code.put("RepositoryType", "S3");
        code.put("Location", links.link(baseUrl(r), view.version().code().sha256Hex()));
        if (!view.tags().isEmpty()) {
            out.set("Tags", json.tags(view.tags()));
        }
        concurrency.reserved(view.version().functionName()).ifPresent(n ->
                out.putObject("Concurrency").put("ReservedConcurrentExecutions", n));
        return ApiResponse.json(200, out);
    }

    private ApiResponse getConfiguration(ApiRequest r) {
        FunctionView view = registry.get(r.pathParam("FunctionName"), r.queryParam("Qualifier"));
        return ApiResponse.json(200, json.configuration(view.version(), view.arnQualifier(), FunctionJson.Context.DETAIL));
    }

    private ApiResponse delete(ApiRequest r) {
        registry.delete(r.pathParam("FunctionName"), r.queryParam("Qualifier"));
        return ApiResponse.empty(204);
    }

    private ApiResponse updateConfiguration(ApiRequest r) {
        FunctionVersion v = registry.updateConfiguration(
                FunctionRequests.updateConfiguration(r.pathParam("FunctionName"), r.json()));
        return ApiResponse.json(200, json.configuration(v, false, FunctionJson.Context.DETAIL));
    }

    private ApiResponse updateCode(ApiRequest r) {
        FunctionVersion v = registry.updateCode(FunctionRequests.updateCode(r.pathParam("FunctionName"), r.json()));
        // With Publish=true the answer is the new version, under its qualified ARN.
        return ApiResponse.json(200, json.configuration(v, !FunctionVersion.LATEST.equals(v.version()),
                FunctionJson.Context.DETAIL));
    }

    private ApiResponse listTags(ApiRequest r) {
        ObjectNode out = Json.object();
        out.set("Tags", json.tags(registry.listTags(r.pathParam("Resource"))));
        return ApiResponse.json(200, out);
    }

    private ApiResponse tag(ApiRequest r) {
        JsonNode body = r.json();
        Map<String, String> tags = Fields.stringMap(body, "Tags").orElse(null);
        if (tags == null) {
            new Validation().missing("tags").throwIfFailed();
        }
        registry.tag(r.pathParam("Resource"), tags);
        return ApiResponse.empty(204);
    }

    private ApiResponse untag(ApiRequest r) {
        registry.untag(r.pathParam("Resource"), r.queryParams("tagKeys"));
        return ApiResponse.empty(204);
    }

    private ApiResponse accountSettings(ApiRequest r) {
        AccountUsage usage = registry.usage();
        ObjectNode out = Json.object();
        ObjectNode limit = out.putObject("AccountLimit");
        limit.put("TotalCodeSize", TOTAL_CODE_SIZE_LIMIT);
        limit.put("CodeSizeUnzipped", CODE_SIZE_UNZIPPED);
        limit.put("CodeSizeZipped", CODE_SIZE_ZIPPED);
        limit.put("ConcurrentExecutions", concurrency.accountLimit());
        limit.put("UnreservedConcurrentExecutions", concurrency.unreservedPool());
        ObjectNode used = out.putObject("AccountUsage");
        used.put("TotalCodeSize", usage.totalCodeSize());
        used.put("FunctionCount", usage.functionCount());
        return ApiResponse.json(200, out);
    }

    private ApiResponse downloadCode(ApiRequest r) {
        String sha = r.pathParam("Sha256");
        boolean valid = links.isValid(sha, r.queryParam("Expires").orElse(""), r.queryParam("Signature").orElse(""));
        Optional<Path> blob = valid ? registry.codeBlob(sha) : Optional.empty();
        if (blob.isEmpty()) {
            return new ApiResponse(403, Map.of(), "Request has expired or the signature does not match.\n"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8), "text/plain");
        }
        try {
            return ApiResponse.bytes(200, Files.readAllBytes(blob.get()), "application/zip");
        } catch (IOException e) {
            throw LambdaException.service("Cannot read stored code: " + e.getMessage(), e);
        }
    }

    /** The URL base clients reach this node at: the configured one, else the request's Host. */
    private String baseUrl(ApiRequest r) {
        if (!publicUrl.isEmpty()) {
            return publicUrl;
        }
        return "http://" + r.header("host").orElse("127.0.0.1");
    }

    private static int integerParam(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new LambdaException(ErrorCode.SERIALIZATION, "STRING_VALUE can not be converted to an Integer");
        }
    }
}
