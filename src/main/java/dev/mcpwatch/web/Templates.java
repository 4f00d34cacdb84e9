package dev.mcpwatch.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.Utf8ByteOutput;
import io.javalin.http.Context;

/**
 * The glue between Javalin and jte: templates under {@code src/main/jte} are compiled to Java at
 * build time (no template parsing at run time) and escape every {@code ${…}} for its HTML context,
 * so text from a probed server can never become markup. Every page also gets a Content-Security-Policy
 * that allows no script at all, a second wall should an escape ever be missed.
 */
public final class Templates {
    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(ContentType.Html);
    static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
            + "base-uri 'none'";

    private Templates() {}

    /** Renders {@code template} (e.g. {@code "dashboard/overview.jte"}) with its one {@code @param}. */
    public static byte[] render(String template, Object model) {
        Utf8ByteOutput out = new Utf8ByteOutput();
        ENGINE.render(template, model, out);
        return out.toByteArray();
    }

    /** Answers with a rendered page and the headers every page carries. */
    public static void page(Context ctx, String template, Object model) {
        byte[] body = render(template, model);
        htmlHeaders(ctx);
        ctx.result(body);
    }

    public static void htmlHeaders(Context ctx) {
        ctx.contentType("text/html; charset=utf-8");
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("X-Frame-Options", "DENY");
    }
}
