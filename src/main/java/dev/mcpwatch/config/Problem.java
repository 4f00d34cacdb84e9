package dev.mcpwatch.config;

/** One thing wrong with a configuration: which file, where in it, and what. */
public record Problem(String file, String path, String message) {
    @Override
    public String toString() {
        return (file == null ? "" : file + ": ") + (path == null || path.isEmpty() ? "" : path + ": ") + message;
    }
}
