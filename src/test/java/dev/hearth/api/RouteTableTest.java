package dev.hearth.api;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Route matching: a plain path is matched where it lies in the string, a path with escapes is split and
 * decoded first; both must find the same route with the same parameters.
 */
class RouteTableTest {
    private static Route route(String method, String template) {
        return Route.async(method, template, method + " " + template, 1024,
                r -> CompletableFuture.completedFuture(ApiResponse.empty(200)));
    }

    private final RouteTable table = new RouteTable(List.of(
            route("GET", "/2015-03-31/functions"),
            route("GET", "/2015-03-31/functions/{FunctionName}"),
            route("POST", "/2015-03-31/functions/{FunctionName}/invocations"),
            route("GET", "/2015-03-31/functions/{FunctionName}/aliases/{Name}"),
            route("GET", "/"),
            route("POST", "/a/{x}/b")));

    private static String describe(RouteTable.Match match) {
        return switch (match) {
            case RouteTable.Match.Found f -> f.route().operation() + " " + new java.util.TreeMap<>(f.params());
            case RouteTable.Match.WrongMethod w -> "wrong method";
            case RouteTable.Match.NotFound n -> "not found";
        };
    }

    @Test
    void plainPaths_findTheirRouteAndParameters() {
        assertThat(describe(table.match("POST", "/2015-03-31/functions/my-fn/invocations")))
                .isEqualTo("POST /2015-03-31/functions/{FunctionName}/invocations {FunctionName=my-fn}");
        assertThat(describe(table.match("GET", "/2015-03-31/functions/f/aliases/live/")))
                .isEqualTo("GET /2015-03-31/functions/{FunctionName}/aliases/{Name} {FunctionName=f, Name=live}");
        assertThat(describe(table.match("GET", "/2015-03-31/functions"))).isEqualTo("GET /2015-03-31/functions {}");
        assertThat(describe(table.match("DELETE", "/2015-03-31/functions/f"))).isEqualTo("wrong method");
        assertThat(describe(table.match("POST", "/2015-03-31/functions//invocations"))).isEqualTo("not found");
        assertThat(describe(table.match("POST", "/a//b"))).isEqualTo("not found");
        assertThat(describe(table.match("GET", "/2015-03-31/function"))).isEqualTo("not found");
        assertThat(describe(table.match("GET", "/2015-03-31/functionsX"))).isEqualTo("not found");
        assertThat(describe(table.match("GET", "/"))).isEqualTo("GET / {}");
        assertThat(describe(table.match("GET", ""))).isEqualTo("GET / {}");
        assertThat(describe(table.match("GET", "//"))).isEqualTo("GET / {}");
    }

    @Test
    void escapedPaths_matchAsTheirDecodedForm() {
        assertThat(describe(table.match("POST", "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A1%3Afunction%3Af/invocations")))
                .isEqualTo("POST /2015-03-31/functions/{FunctionName}/invocations {FunctionName=arn:aws:lambda:us-east-1:1:function:f}");
        assertThat(describe(table.match("GET", "/2015-03-31/functions/a+b")))
                .isEqualTo("GET /2015-03-31/functions/{FunctionName} {FunctionName=a+b}");
    }

    /** Every path, with one character escaped (which sends it through the decoding path), matches the same. */
    @Test
    void thePlainAndTheDecodingPath_agree() {
        List<String> paths = List.of("/2015-03-31/functions/my-fn/invocations", "/2015-03-31/functions/f/aliases/live",
                "/2015-03-31/functions/f/aliases/live/", "/2015-03-31/functions", "/2015-03-31/functions/",
                "/2015-03-31/functions/x/y/z", "/a/q/b", "/a//b", "/a/q/b/c", "/2015-03-31/functions//invocations",
                "/2015-03-31/functionz/f", "2015-03-31/functions/f");
        for (String path : paths) {
            int at = 0;
            while (!Character.isLetterOrDigit(path.charAt(at))) {
                at++;
            }
            String escaped = path.substring(0, at) + String.format("%%%02X", (int) path.charAt(at)) + path.substring(at + 1);
            for (String method : List.of("GET", "POST")) {
                assertThat(describe(table.match(method, path))).as(method + " " + path)
                        .isEqualTo(describe(table.match(method, escaped)));
            }
        }
    }
}
