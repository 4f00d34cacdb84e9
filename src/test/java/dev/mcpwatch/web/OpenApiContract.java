package dev.mcpwatch.web;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import dev.mcpwatch.probe.Json;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The API's OpenAPI document as a checker: it says whether one request and its answer are what the document
 * promises — the operation exists, every query and path parameter is documented and matches its schema, the body
 * matches the request schema, the status is one the operation lists, and the answer's body matches that
 * response's schema (validated with the OpenAPI 3.1 schema dialect, {@code $ref}s into the document resolved).
 */
final class OpenApiContract {
    private static final String BASE = "https://mcpwatch.invalid/openapi.json";
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

    private final JsonNode doc;
    private final SchemaRegistry registry;

    OpenApiContract(JsonNode doc) {
        this.doc = doc;
        String text = doc.toString();
        this.registry = SchemaRegistry.withDialect(Dialects.getOpenApi31(), b -> b.schemas(Map.of(BASE, text)));
    }

    /** Every operation of the document, as {@code "GET /api/monitors/{id}"}. */
    Set<String> operations() {
        Set<String> out = new LinkedHashSet<>();
        for (Map.Entry<String, JsonNode> path : doc.path("paths").properties()) {
            for (String method : path.getValue().propertyNames()) {
                if (METHODS.contains(method)) {
                    out.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            }
        }
        return out;
    }

    /**
     * What is wrong with one exchange by the document; empty when nothing is. {@code operation} is
     * {@code "METHOD /template"}, {@code uri} the path and query sent; the request's parameters and body are checked only
     * when {@code checkRequest} (a call made to provoke a 400 breaks them on purpose).
     */
    List<String> check(String operation, String uri, String requestType, String requestBody, boolean checkRequest, int status,
            String responseType, String responseBody) {
        List<String> problems = new ArrayList<>();
        String method = operation.substring(0, operation.indexOf(' ')).toLowerCase(Locale.ROOT);
        String template = operation.substring(operation.indexOf(' ') + 1);
        String opPointer = "/paths/" + escape(template) + "/" + method;
        JsonNode op = doc.at(opPointer);
        if (op.isMissingNode()) {
            return List.of(operation + " is not in the document");
        }
        String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
        Map<String, String> pathValues = match(template, path);
        if (pathValues == null) {
            return List.of(uri + " does not match " + template);
        }
        if (checkRequest) {
            Map<String, String> query = query(uri);
            List<JsonNode> params = new ArrayList<>();
            doc.at("/paths/" + escape(template)).path("parameters").forEach(params::add);
            op.path("parameters").forEach(params::add);
            Set<String> known = new LinkedHashSet<>();
            for (int i = 0; i < params.size(); i++) {
                JsonNode p = resolve(params.get(i));
                String name = p.path("name").asString();
                String in = p.path("in").asString();
                String value = in.equals("path") ? pathValues.get(name) : in.equals("query") ? query.get(name) : null;
                if (in.equals("query")) {
                    known.add(name);
                }
                if (value == null) {
                    if (p.path("required").asBoolean(false) && (in.equals("path") || in.equals("query"))) {
                        problems.add(in + " parameter '" + name + "' is required but was not sent");
                    }
                    continue;
                }
                problems.addAll(validate(parameterSchema(p), coerce(value, p.path("schema")), in + " parameter '" + name + "'"));
            }
            query.keySet().stream().filter(q -> !known.contains(q)).forEach(q -> problems.add("query parameter '" + q + "' is not documented"));
            problems.addAll(checkRequestBody(op, opPointer, requestType, requestBody));
        }
        String code = Integer.toString(status);
        JsonNode responses = op.path("responses");
        String key = responses.has(code) ? code : responses.has("default") ? "default" : null;
        if (key == null) {
            problems.add("status " + status + " is not documented (documented: " + responses.propertyNames() + ")");
            return problems;
        }
        JsonNode response = resolve(responses.get(key));
        JsonNode content = response.path("content");
        if (content.isMissingNode() || content.isEmpty()) {
            if (responseBody != null && !responseBody.isEmpty()) {
                problems.add("status " + status + " is documented without a body, but one came: " + clip(responseBody));
            }
            return problems;
        }
        String media = media(responseType);
        if (!content.has(media)) {
            problems.add("status " + status + " came as " + responseType + ", documented: " + content.propertyNames());
            return problems;
        }
        if (media.equals("application/json")) {
            String pointer = pointerOf(responses.get(key), opPointer + "/responses/" + escape(key)) + "/content/" + escape(media) + "/schema";
            JsonNode body;
            try {
                body = Json.MAPPER.readTree(responseBody);
            } catch (RuntimeException e) {
                problems.add("status " + status + " is not JSON: " + clip(responseBody));
                return problems;
            }
            problems.addAll(validate(registry.getSchema(SchemaLocation.of(BASE + "#" + pointer)), body, "response " + status));
        }
        return problems;
    }

    private List<String> checkRequestBody(JsonNode op, String opPointer, String requestType, String requestBody) {
        JsonNode rb = op.path("requestBody");
        if (rb.isMissingNode()) {
            return requestBody == null || requestBody.isEmpty() ? List.of() : List.of("a body was sent, but the operation documents none");
        }
        if (requestBody == null || requestBody.isEmpty()) {
            return resolve(rb).path("required").asBoolean(false) ? List.of("the request body is required but none was sent") : List.of();
        }
        String media = media(requestType);
        JsonNode content = resolve(rb).path("content");
        if (!content.has(media)) {
            return List.of("the request body was sent as " + requestType + ", documented: " + content.propertyNames());
        }
        if (!media.equals("application/json")) {
            return List.of();
        }
        String pointer = pointerOf(rb, opPointer + "/requestBody") + "/content/" + escape(media) + "/schema";
        return validate(registry.getSchema(SchemaLocation.of(BASE + "#" + pointer)), Json.MAPPER.readTree(requestBody), "request body");
    }

    private Schema parameterSchema(JsonNode p) {
        return registry.getSchema(SchemaLocation.of(BASE + "#" + pointerOfParameter(p)));
    }

    /** Parameters are compared as the server reads them: text, or a number or boolean where the schema says so. */
    private static JsonNode coerce(String value, JsonNode schema) {
        String type = schema.path("type").asString("");
        try {
            return switch (type) {
                case "integer" -> JsonNodeFactory.instance.numberNode(Long.parseLong(value));
                case "number" -> JsonNodeFactory.instance.numberNode(Double.parseDouble(value));
                case "boolean" -> value.equals("true") || value.equals("false") ? JsonNodeFactory.instance.booleanNode(Boolean.parseBoolean(value))
                        : JsonNodeFactory.instance.stringNode(value);
                default -> JsonNodeFactory.instance.stringNode(value);
            };
        } catch (NumberFormatException e) {
            return JsonNodeFactory.instance.stringNode(value);
        }
    }

    private static List<String> validate(Schema schema, JsonNode value, String what) {
        List<Error> errors = schema.validate(value);
        return errors.stream().map(e -> what + ": " + e.getInstanceLocation() + " " + e.getMessage() + " (" + clip(value.toString()) + ")").toList();
    }

    private JsonNode resolve(JsonNode node) {
        return node.has("$ref") ? doc.at(node.get("$ref").asString().substring(1)) : node;
    }

    private String pointerOf(JsonNode node, String inline) {
        return node.has("$ref") ? node.get("$ref").asString().substring(1) : inline;
    }

    private String pointerOfParameter(JsonNode p) {
        // A parameter's schema: a parameter is either a $ref into components or found again by name under the operation.
        for (Map.Entry<String, JsonNode> path : doc.path("paths").properties()) {
            String base = "/paths/" + escape(path.getKey());
            String found = find(path.getValue().path("parameters"), p, base + "/parameters");
            if (found != null) {
                return found;
            }
            for (String method : path.getValue().propertyNames()) {
                found = find(path.getValue().path(method).path("parameters"), p, base + "/" + method + "/parameters");
                if (found != null) {
                    return found;
                }
            }
        }
        throw new IllegalStateException("parameter not found in the document: " + p);
    }

    private String find(JsonNode list, JsonNode p, String base) {
        for (int i = 0; i < list.size(); i++) {
            JsonNode candidate = list.get(i);
            if (candidate.has("$ref") && resolve(candidate) == p) {
                return candidate.get("$ref").asString().substring(1) + "/schema";
            }
            if (candidate == p) {
                return base + "/" + i + "/schema";
            }
        }
        return null;
    }

    private static Map<String, String> match(String template, String path) {
        Matcher names = Pattern.compile("\\{([^}]+)}").matcher(template);
        List<String> order = new ArrayList<>();
        StringBuilder regex = new StringBuilder();
        int last = 0;
        while (names.find()) {
            regex.append(Pattern.quote(template.substring(last, names.start()))).append("([^/]+)");
            order.add(names.group(1));
            last = names.end();
        }
        regex.append(Pattern.quote(template.substring(last)));
        Matcher m = Pattern.compile(regex.toString()).matcher(path);
        if (!m.matches()) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < order.size(); i++) {
            out.put(order.get(i), URLDecoder.decode(m.group(i + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static Map<String, String> query(String uri) {
        Map<String, String> out = new LinkedHashMap<>();
        int q = uri.indexOf('?');
        if (q < 0) {
            return out;
        }
        for (String pair : uri.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String media(String contentType) {
        return contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    }

    static String escape(String pointerToken) {
        return pointerToken.replace("~", "~0").replace("/", "~1");
    }

    private static String clip(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
