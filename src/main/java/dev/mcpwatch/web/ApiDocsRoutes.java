package dev.mcpwatch.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Properties;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The API's description: the OpenAPI document kept in the repository ({@code openapi.yaml}), answered as JSON at
 * {@code /api/openapi.json}, and a page at {@code /api/docs} that renders it with Swagger UI, whose files come from
 * the jar (a webjar), never from a CDN. Both are public, like the source they are built from: the document
 * describes the API, it holds no data.
 */
public final class ApiDocsRoutes implements Routes {
    /** Where the document is in the jar. */
    public static final String DOCUMENT = "/openapi.yaml";
    private static final String WEBJAR = "/META-INF/resources/webjars/swagger-ui/";
    private static final Map<String, String> SWAGGER_FILES = Map.of("swagger-ui.css", "text/css; charset=utf-8", "swagger-ui-bundle.js",
            "text/javascript; charset=utf-8");
    // Swagger UI sets inline styles and draws icons from data: URIs; it runs no inline script.
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

    private final byte[] json = json(read(DOCUMENT));
    private final byte[] page = read("/assets/api-docs.html");
    private final byte[] init = read("/assets/api-docs.js");
    private final Map<String, byte[]> swaggerUi = swaggerUi();

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/api/openapi.json", ctx -> ctx.contentType("application/json").result(json));
        routes.get("/api/docs", ctx -> {
            Templates.htmlHeaders(ctx);
            ctx.header("Content-Security-Policy", CSP);
            ctx.result(page);
        });
        routes.get("/assets/api-docs.js", ctx -> asset(ctx, "text/javascript; charset=utf-8", init));
        routes.get("/assets/swagger-ui/{file}", ctx -> {
            String file = ctx.pathParam("file");
            if (!swaggerUi.containsKey(file)) {
                throw new NoSuchElementException("no such file of Swagger UI: " + file);
            }
            asset(ctx, SWAGGER_FILES.get(file), swaggerUi.get(file));
        });
    }

    /** The document as JSON, parsed from the YAML in the jar. */
    public static JsonNode document() {
        return YAMLMapper.builder().build().readTree(read(DOCUMENT));
    }

    private static void asset(Context ctx, String type, byte[] body) {
        ctx.header("Cache-Control", "public, max-age=3600");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.contentType(type).result(body);
    }

    private static byte[] json(byte[] yaml) {
        return JsonMapper.builder().build().writeValueAsBytes(YAMLMapper.builder().build().readTree(yaml));
    }

    private static Map<String, byte[]> swaggerUi() {
        String folder = WEBJAR + swaggerUiVersion() + "/";
        Map<String, byte[]> files = new HashMap<>();
        SWAGGER_FILES.keySet().forEach(f -> files.put(f, read(folder + f)));
        return Map.copyOf(files);
    }

    private static String swaggerUiVersion() {
        Properties p = new Properties();
        try (InputStream in = ApiDocsRoutes.class.getResourceAsStream("/META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("Swagger UI (org.webjars:swagger-ui) is missing from the jar");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version");
    }

    private static byte[] read(String resource) {
        try (InputStream in = ApiDocsRoutes.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
