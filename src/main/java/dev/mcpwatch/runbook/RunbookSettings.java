package dev.mcpwatch.runbook;

import dev.mcpwatch.config.Block;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code runbooks:}: where an operator's own runbook pages are. A Markdown file named after a mode
 * ({@code connection-refused.md}) replaces the built-in page; any other {@code name.md} adds a page
 * at {@code /runbooks/name}, which a monitor can name as its {@code runbook_url}.
 *
 * @param dir       the folder of Markdown pages, or null for the built-in pages only
 * @param allowHtml whether HTML written in those files is passed through; off by default, since
 *                  the pages are public and a file's HTML would run on mcpwatch's origin
 */
public record RunbookSettings(String dir, boolean allowHtml) {
    public static final RunbookSettings DEFAULT = new RunbookSettings(null, false);

    public static final Block<RunbookSettings> BLOCK = Block.of("runbooks", RunbookSettings.class, DEFAULT, """
            {
              "type": "object", "additionalProperties": false,
              "description": "the public runbook pages at /runbooks/{mode}, linked from alerts of monitors without their own runbook_url",
              "properties": {
                "dir": {
                  "$ref": "#/$defs/text",
                  "description": "a folder (relative to where mcpwatch runs) of Markdown files: connection-refused.md, handshake-failure.md, timeout.md, schema-drift.md, elevated-error-rate.md, tls-certificate.md or authentication-required.md replaces that built-in page; any other name.md adds /runbooks/name"
                },
                "allow_html": {
                  "$ref": "#/$defs/boolean",
                  "description": "pass HTML written in those files through (off: it is shown as text); the pages are public, so only for files you trust"
                }
              }
            }
            """).checkedBy((s, at) -> {
                if (s.dir() != null && !Files.isDirectory(Path.of(s.dir()))) {
                    at.at("dir").problem("must be a folder of Markdown files, but '" + s.dir() + "' is not a folder");
                }
            });
}
