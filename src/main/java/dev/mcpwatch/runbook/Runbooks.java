package dev.mcpwatch.runbook;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runbook pages: the built-in one of each {@link RunbookMode} (Markdown shipped in the jar), and
 * the operator's own from {@code runbooks.dir}, which replace a mode's page or add pages of their
 * own. Markdown becomes HTML with CommonMark; HTML written in a file is escaped unless {@code
 * allow_html}, and link targets with a script scheme ({@code javascript:}…) are dropped, because
 * the pages are public and served from mcpwatch's own origin.
 */
public final class Runbooks {
    private static final Logger log = LoggerFactory.getLogger(Runbooks.class);
    /** A page's name as a URL path segment and a file name: nothing to escape, nothing to climb out with. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    /** A runbook is a page of steps; a bigger file is a mistake, not something to serve. */
    static final long MAX_FILE_BYTES = 256 * 1024;

    /** A page as served: its address, title, HTML body, and whether the operator wrote it. */
    public record Page(String slug, String title, String html, boolean custom) {}

    private final Supplier<RunbookSettings> settings;
    private final Parser parser = Parser.builder().extensions(List.of(TablesExtension.create())).build();
    private final Map<String, Page> builtIn = new ConcurrentHashMap<>();
    private final Map<Path, Rendered> files = new ConcurrentHashMap<>();

    private record Rendered(FileTime modified, boolean allowHtml, Page page) {}

    public Runbooks(Supplier<RunbookSettings> settings) {
        this.settings = settings;
    }

    /** The built-in pages only. */
    public static Runbooks builtIn() {
        return new Runbooks(() -> RunbookSettings.DEFAULT);
    }

    /** The page at {@code /runbooks/{slug}}: the operator's file if there is one, else the built-in page of that mode. */
    public Optional<Page> page(String slug) {
        if (slug == null || !NAME.matcher(slug).matches()) {
            return Optional.empty();
        }
        Optional<Page> own = own(slug);
        if (own.isPresent()) {
            return own;
        }
        return RunbookMode.bySlug(slug).map(this::builtInPage);
    }

    /** The page of a failure mode (always exists). */
    public Page page(RunbookMode mode) {
        return page(mode.slug()).orElseGet(() -> builtInPage(mode));
    }

    /** Every page, the modes first in their order, then the operator's added pages by name. */
    public List<Page> all() {
        List<Page> out = new ArrayList<>();
        for (RunbookMode mode : RunbookMode.values()) {
            out.add(page(mode));
        }
        Path dir = dir();
        if (dir != null) {
            List<String> added = new ArrayList<>();
            try (DirectoryStream<Path> list = Files.newDirectoryStream(dir, "*.md")) {
                for (Path file : list) {
                    String name = file.getFileName().toString();
                    String slug = name.substring(0, name.length() - 3);
                    if (NAME.matcher(slug).matches() && RunbookMode.bySlug(slug).isEmpty()) {
                        added.add(slug);
                    }
                }
            } catch (IOException e) {
                log.warn("runbooks.dir {} cannot be listed: {}", dir, e.getMessage());
            }
            added.stream().sorted().forEach(slug -> own(slug).ifPresent(out::add));
        }
        return out;
    }

    private Path dir() {
        String dir = settings.get().dir();
        return dir == null ? null : Path.of(dir);
    }

    /** The operator's page of this name, rendered again only when the file changed. */
    private Optional<Page> own(String slug) {
        Path dir = dir();
        if (dir == null) {
            return Optional.empty();
        }
        Path file = dir.resolve(slug + ".md");
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            FileTime modified = Files.getLastModifiedTime(file);
            boolean allowHtml = settings.get().allowHtml();
            Rendered cached = files.get(file);
            if (cached != null && cached.modified().equals(modified) && cached.allowHtml() == allowHtml) {
                return Optional.of(cached.page());
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                log.warn("runbook {} is larger than {} KiB and is not served; the built-in page stands in", file, MAX_FILE_BYTES / 1024);
                return Optional.empty();
            }
            String markdown = Files.readString(file, StandardCharsets.UTF_8);
            Page page = render(slug, markdown, allowHtml, true);
            files.put(file, new Rendered(modified, allowHtml, page));
            return Optional.of(page);
        } catch (IOException | UncheckedIOException e) {
            log.warn("runbook {} cannot be read: {}", file, e.getMessage());
            return Optional.empty();
        }
    }

    private Page builtInPage(RunbookMode mode) {
        return builtIn.computeIfAbsent(mode.slug(), slug -> {
            try (InputStream in = Runbooks.class.getResourceAsStream("/runbooks/" + slug + ".md")) {
                if (in == null) {
                    throw new IllegalStateException("the built-in runbook " + slug + ".md is missing from the jar");
                }
                return render(slug, new String(in.readAllBytes(), StandardCharsets.UTF_8), true, false);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private Page render(String slug, String markdown, boolean allowHtml, boolean custom) {
        HtmlRenderer renderer = HtmlRenderer.builder().extensions(List.of(TablesExtension.create())).escapeHtml(!allowHtml)
                .sanitizeUrls(true).build();
        String html = renderer.render(parser.parse(markdown));
        return new Page(slug, title(slug, markdown), html, custom);
    }

    /** The first level-1 heading, else the mode's name, else the page's name. */
    static String title(String slug, String markdown) {
        for (String line : markdown.lines().limit(50).toList()) {
            if (line.startsWith("# ")) {
                return line.substring(2).strip();
            }
        }
        return RunbookMode.bySlug(slug).map(RunbookMode::title).orElse(slug);
    }
}
