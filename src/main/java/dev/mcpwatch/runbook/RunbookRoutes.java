package dev.mcpwatch.runbook;

import dev.mcpwatch.web.Routes;
import dev.mcpwatch.web.Templates;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The runbook pages, public like status pages: the incident runbook guide wants them reachable from
 * a phone, without the single sign-on that may be down with everything else. They show only the
 * runbook, never a monitor's details (those are on the incident page, behind login).
 */
public final class RunbookRoutes implements Routes {
    /** The index: every page, modes first. */
    public record Index(List<Runbooks.Page> pages) {}

    private final Runbooks runbooks;

    public RunbookRoutes(Runbooks runbooks) {
        this.runbooks = runbooks;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/runbooks", this::index);
        routes.get("/runbooks/{slug}", this::page);
    }

    private void index(Context ctx) {
        ctx.header("Cache-Control", "public, max-age=60");
        Templates.page(ctx, "runbook/index.jte", new Index(runbooks.all()));
    }

    private void page(Context ctx) {
        String slug = ctx.pathParam("slug");
        Runbooks.Page page = runbooks.page(slug).orElseThrow(() -> new NoSuchElementException("no runbook '" + slug + "'; see /runbooks"));
        ctx.header("Cache-Control", "public, max-age=60");
        Templates.page(ctx, "runbook/page.jte", page);
    }
}
