package dev.mcpwatch.web;

import dev.mcpwatch.probe.Json;
import io.javalin.json.JsonMapper;
import java.lang.reflect.Type;

/** Lets Javalin's {@code ctx.json(...)} write with mcpwatch's one Jackson 3 mapper. */
final class Jackson3Mapper implements JsonMapper {
    @Override
    public String toJsonString(Object obj, Type type) {
        return Json.MAPPER.writeValueAsString(obj);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T fromJsonString(String json, Type targetType) {
        return (T) Json.MAPPER.readValue(json, Json.MAPPER.constructType(targetType));
    }
}
