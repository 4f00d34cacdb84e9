package dev.mcpwatch.canary;

import java.util.Objects;

/**
 * Stable and canary behind one URL (the guide's nginx {@code split_clients}): each response names
 * the version that answered in a header the operator chooses (the guide's {@code X-Server-Version}),
 * and results are split into the two groups by its value.
 */
public record HeaderSplit(String header, String stableVersion, String canaryVersion) {

    public HeaderSplit {
        Objects.requireNonNull(header, "header");
        if (!header.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
            throw new IllegalArgumentException("'" + header + "' is not an HTTP header name");
        }
        if (stableVersion == null || stableVersion.isBlank() || canaryVersion == null || canaryVersion.isBlank()) {
            throw new IllegalArgumentException("the split needs the stable's and the canary's value of " + header);
        }
        if (stableVersion.strip().equals(canaryVersion.strip())) {
            throw new IllegalArgumentException("stable and canary must have different values of " + header + ", both are '"
                    + stableVersion + "'");
        }
    }

    /** The side a header value names, or null for a value that is neither. */
    Side sideOf(String value) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        return v.equals(stableVersion.strip()) ? Side.STABLE : v.equals(canaryVersion.strip()) ? Side.CANARY : null;
    }
}
