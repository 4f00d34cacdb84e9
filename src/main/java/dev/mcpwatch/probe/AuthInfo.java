package dev.mcpwatch.probe;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What an auth-walled server told us: the Bearer challenge and the RFC 9728 protected-resource
 * metadata it points to (or the well-known URL), as far as it could be fetched.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuthInfo(
        int status,
        String scheme,
        String realm,
        String error,
        String scope,
        String resourceMetadataUrl,
        boolean metadataFound,
        String metadataProblem,
        String resource,
        List<String> authorizationServers,
        List<String> scopesSupported,
        List<String> bearerMethodsSupported) {}
