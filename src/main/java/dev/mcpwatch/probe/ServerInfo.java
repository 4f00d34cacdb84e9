package dev.mcpwatch.probe;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The server's self-description (serverInfo): for display and drift, never for decisions. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServerInfo(String name, String title, String version) {}
