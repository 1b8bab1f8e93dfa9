package dev.hearth.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.core.ErrorCode;
import dev.hearth.core.LambdaException;
import dev.hearth.registry.CodeInput;
import dev.hearth.registry.LayerRegistry;
import dev.hearth.registry.LayerVersion;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Lambda API's layer routes ({@code /2018-10-31/layers...}), answering with AWS's status codes and
 * shapes, and the download route behind the {@code Content.Location} links of layer versions. Each
 * handler parses, calls the layer registry, renders; the rules live in the registry.
 */
public final class LayerRoutes {

    static final String DOWNLOAD_PREFIX = "/_hearth/layer-code/";

    private final LayerRegistry layers;
    private final CodeLinks links;
    private final String publicUrl;

    public LayerRoutes(LayerRegistry layers, Clock clock, String publicUrl) {
        this.layers = layers;
        this.links = new CodeLinks(clock, DOWNLOAD_PREFIX);
        this.publicUrl = publicUrl;
    }

    public RouteTable table() {
        String base = "/2018-10-31/layers";
        String versions = base + "/{LayerName}/versions";
        String version = versions + "/{VersionNumber}";
        long limit = LambdaRoutes.DEFAULT_REQUEST_LIMIT;
        return new RouteTable(List.of(
                new Route("GET", base, "ListLayers", limit, true, this::listOrFind),
                new Route("POST", versions, "PublishLayerVersion", LambdaRoutes.CODE_REQUEST_LIMIT, true, this::publish),
                new Route("GET", versions, "ListLayerVersions", limit, true, this::listVersions),
                new Route("GET", version, "GetLayerVersion", limit, true, this::get),
                new Route("DELETE", version, "DeleteLayerVersion", limit, true, this::delete),
                new Route("POST", version + "/policy", "AddLayerVersionPermission", limit, true, this::addPermission),
                new Route("GET", version + "/policy", "GetLayerVersionPolicy", limit, true, this::policy),
                new Route("DELETE", version + "/policy/{StatementId}", "RemoveLayerVersionPermission", limit, true,
                        this::removePermission),
                new Route("GET", DOWNLOAD_PREFIX + "{Sha256}", "DownloadLayerContent", 0, true, this::download)));
    }

    private ApiResponse publish(ApiRequest r) {
        JsonNode body = r.json();
        Optional<CodeInput> content = Fields.object(body, "Content").map(c -> new CodeInput(Fields.blob(c, "ZipFile"),
                Fields.string(c, "S3Bucket"), Fields.string(c, "S3Key"), Optional.empty()));
        LayerVersion published = layers.publish(new LayerRegistry.Publish(r.pathParam("LayerName"), content,
                Fields.string(body, "Description"), Fields.strings(body, "CompatibleRuntimes"),
                Fields.strings(body, "CompatibleArchitectures"), Fields.string(body, "LicenseInfo")));
        return ApiResponse.json(201, full(r, published));
    }

    /** {@code GET /2018-10-31/layers}: ListLayers, or GetLayerVersionByArn with {@code find=LayerVersion}. */
    private ApiResponse listOrFind(ApiRequest r) {
        if (r.queryParam("find").filter("LayerVersion"::equals).isPresent()) {
            return ApiResponse.json(200, full(r, layers.getByArn(r.queryParam("Arn").orElse(null))));
        }
        LayerRegistry.Page<LayerRegistry.LayerSummary> page = layers.list(r.queryParam("CompatibleRuntime"),
                r.queryParam("CompatibleArchitecture"), r.queryParam("Marker"), maxItems(r));
        ObjectNode out = Json.object();
        page.nextMarker().ifPresent(m -> out.put("NextMarker", m));
        ArrayNode list = out.putArray("Layers");
        for (LayerRegistry.LayerSummary s : page.items()) {
            ObjectNode item = list.addObject();
            item.put("LayerName", s.layerName());
            item.put("LayerArn", layers.layerArn(s.layerName()));
            item.set("LatestMatchingVersion", listItem(s.latestMatchingVersion()));
        }
        return ApiResponse.json(200, out);
    }

    private ApiResponse listVersions(ApiRequest r) {
        LayerRegistry.Page<LayerVersion> page = layers.listVersions(r.pathParam("LayerName"),
                r.queryParam("CompatibleRuntime"), r.queryParam("CompatibleArchitecture"), r.queryParam("Marker"),
                maxItems(r));
        ObjectNode out = Json.object();
        page.nextMarker().ifPresent(m -> out.put("NextMarker", m));
        ArrayNode list = out.putArray("LayerVersions");
        page.items().forEach(v -> list.add(listItem(v)));
        return ApiResponse.json(200, out);
    }

    private ApiResponse get(ApiRequest r) {
        return ApiResponse.json(200, full(r, layers.get(r.pathParam("LayerName"), versionNumber(r))));
    }

    private ApiResponse delete(ApiRequest r) {
        layers.delete(r.pathParam("LayerName"), versionNumber(r));
        return ApiResponse.empty(204);
    }

    private ApiResponse addPermission(ApiRequest r) {
        JsonNode body = r.json();
        LayerRegistry.PolicyText added = layers.addPermission(new LayerRegistry.Grant(r.pathParam("LayerName"),
                versionNumber(r), Fields.string(body, "StatementId"), Fields.string(body, "Action"),
                Fields.string(body, "Principal"), Fields.string(body, "OrganizationId"), r.queryParam("RevisionId")));
        ObjectNode out = Json.object();
        out.put("Statement", added.json());
        out.put("RevisionId", added.revisionId());
        return ApiResponse.json(201, out);
    }

    private ApiResponse policy(ApiRequest r) {
        LayerRegistry.PolicyText policy = layers.policy(r.pathParam("LayerName"), versionNumber(r));
        ObjectNode out = Json.object();
        out.put("Policy", policy.json());
        out.put("RevisionId", policy.revisionId());
        return ApiResponse.json(200, out);
    }

    private ApiResponse removePermission(ApiRequest r) {
        layers.removePermission(r.pathParam("LayerName"), versionNumber(r), r.pathParam("StatementId"),
                r.queryParam("RevisionId"));
        return ApiResponse.empty(204);
    }

    private ApiResponse download(ApiRequest r) {
        String sha = r.pathParam("Sha256");
        boolean valid = links.isValid(sha, r.queryParam("Expires").orElse(""), r.queryParam("Signature").orElse(""));
        Optional<Path> blob = valid ? layers.codeBlob(sha) : Optional.empty();
        if (blob.isEmpty()) {
            return new ApiResponse(403, Map.of(), "Request has expired or the signature does not match.\n"
                    .getBytes(StandardCharsets.UTF_8), "text/plain");
        }
        try {
            return ApiResponse.bytes(200, Files.readAllBytes(blob.get()), "application/zip");
        } catch (IOException e) {
            throw LambdaException.service("Cannot read stored layer content: " + e.getMessage(), e);
        }
    }

    // ---- rendering -----------------------------------------------------------------------------

    /** PublishLayerVersion's and GetLayerVersion's shape, in the model's member order. */
    private ObjectNode full(ApiRequest r, LayerVersion v) {
        ObjectNode o = Json.object();
        ObjectNode content = o.putObject("Content");
        content.put("Location", links.link(baseUrl(r), v.code().sha256Hex()));
        content.put("CodeSha256", v.code().sha256Base64());
        content.put("CodeSize", v.code().size());
        o.put("LayerArn", layers.layerArn(v.layerName()));
        o.put("LayerVersionArn", layers.versionArn(v.layerName(), v.version()));
        o.put("Description", v.description());
        o.put("CreatedDate", FunctionJson.LAST_MODIFIED.format(Instant.ofEpochMilli(v.createdMillis())));
        o.put("Version", v.version());
        compatibility(o, v);
        return o;
    }

    /** A {@code LayerVersionsListItem}: no content, no layer ARN. */
    private ObjectNode listItem(LayerVersion v) {
        ObjectNode o = Json.object();
        o.put("LayerVersionArn", layers.versionArn(v.layerName(), v.version()));
        o.put("Version", v.version());
        o.put("Description", v.description());
        o.put("CreatedDate", FunctionJson.LAST_MODIFIED.format(Instant.ofEpochMilli(v.createdMillis())));
        compatibility(o, v);
        return o;
    }

    /** The members the publisher sent, and only those, as AWS echoes them. */
    private static void compatibility(ObjectNode o, LayerVersion v) {
        v.compatibleRuntimes().ifPresent(list -> list.forEach(o.putArray("CompatibleRuntimes")::add));
        v.licenseInfo().ifPresent(l -> o.put("LicenseInfo", l));
        v.compatibleArchitectures().ifPresent(list -> list.forEach(o.putArray("CompatibleArchitectures")::add));
    }

    // ---- parameters ----------------------------------------------------------------------------

    private static long versionNumber(ApiRequest r) {
        try {
            return Long.parseLong(r.pathParam("VersionNumber"));
        } catch (NumberFormatException e) {
            throw new LambdaException(ErrorCode.SERIALIZATION, "STRING_VALUE can not be converted to a Long");
        }
    }

    private static Optional<Integer> maxItems(ApiRequest r) {
        return r.queryParam("MaxItems").map(value -> {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new LambdaException(ErrorCode.SERIALIZATION, "STRING_VALUE can not be converted to an Integer");
            }
        });
    }

    /** The URL base clients reach this node at: the configured one, else the request's Host. */
    private String baseUrl(ApiRequest r) {
        if (!publicUrl.isEmpty()) {
            return publicUrl;
        }
        return "http://" + r.header("host").orElse("127.0.0.1");
    }
}
