package dev.mcpwatch.schema;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * Fingerprints of tool definitions (PRODUCT.md §1): SHA-256 of the canonical JSON of a tool's
 * {@code name}, {@code inputSchema}, {@code outputSchema} and {@code annotations}, and of the sorted
 * per-tool fingerprints for a whole list. Titles and descriptions are fingerprinted apart, so a
 * wording change is not mistaken for a schema change.
 */
public final class ToolFingerprint {
    /** In canonical (sorted) order, so the picked fields are written straight from the definition. */
    private static final List<String> SIGNIFICANT = Stream.of("name", "inputSchema", "outputSchema", "annotations").sorted().toList();
    private static final List<String> WORDING = Stream.of("name", "title", "description").sorted().toList();

    private ToolFingerprint() {}

    /** The fingerprint of one tool definition. */
    public static String of(JsonNode tool) {
        return sha256(CanonicalJson.writeFields(tool, SIGNIFICANT));
    }

    /** The fingerprint of a list, from its tools' fingerprints: independent of the order tools are listed in. */
    public static String ofList(List<String> toolFingerprints) {
        List<String> sorted = new ArrayList<>(toolFingerprints);
        sorted.sort(null);
        return sha256(String.join("\n", sorted));
    }

    /** The fingerprint of the tools' names, titles and descriptions, independent of order. */
    public static String ofWording(List<JsonNode> tools) {
        List<String> parts = new ArrayList<>();
        for (JsonNode tool : tools) {
            parts.add(wording(tool));
        }
        return ofWordingParts(parts);
    }

    /** One tool's part of the wording fingerprint: the canonical JSON of its name, title and description. */
    public static String wording(JsonNode tool) {
        return CanonicalJson.writeFields(tool, WORDING);
    }

    /** The wording fingerprint from the tools' {@link #wording} parts, in any order. */
    public static String ofWordingParts(List<String> parts) {
        List<String> sorted = new ArrayList<>(parts);
        sorted.sort(null);
        return sha256(String.join("\n", sorted));
    }

    static String sha256(String text) {
        return HexFormat.of().formatHex(digest().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * A fresh SHA-256 digest, cloned from one never used: a probe hashes every tool twice, and
     * looking the algorithm up in the providers each time allocated more than the hashing.
     */
    private static MessageDigest digest() {
        try {
            return (MessageDigest) SHA256.clone();
        } catch (CloneNotSupportedException e) {
            return newSha256();
        }
    }

    private static final MessageDigest SHA256 = newSha256();

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
