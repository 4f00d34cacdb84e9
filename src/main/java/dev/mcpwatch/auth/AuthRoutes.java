package dev.mcpwatch.auth;

import dev.mcpwatch.store.AuthStore;
import dev.mcpwatch.web.Frame;
import dev.mcpwatch.web.Refusal;
import dev.mcpwatch.web.Routes;
import dev.mcpwatch.web.Templates;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.sql.SQLException;
import java.util.List;

/**
 * The pages around logging in: login and logout, the first-run page that sets the first password
 * (with the setup code from the log), changing one's password, and the API tokens.
 */
public final class AuthRoutes implements Routes {

    public record LoginPage(String user, String next, String formToken, String error) {}

    public record SetupPage(String user, String formToken, String error) {}

    public record TokensPage(Frame frame, List<AuthStore.Token> tokens, String created, String createdName, String error) {}

    public record PasswordPage(Frame frame, String message, String error) {}

    private final AuthService auth;
    private final AccessControl access;

    public AuthRoutes(AuthService auth) {
        this.auth = auth;
        this.access = new AccessControl(auth);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.before(access::check);
        routes.get("/login", this::loginForm);
        routes.post("/login", this::login);
        routes.post("/logout", this::logout);
        routes.get("/setup", this::setupForm);
        routes.post("/setup", this::setUp);
        routes.get("/settings/tokens", ctx -> tokens(ctx, null, null, null));
        routes.post("/settings/tokens", this::createToken);
        routes.post("/settings/tokens/{id}/revoke", this::revokeToken);
        routes.get("/settings/password", ctx -> Templates.page(ctx, "auth/password.jte",
                new PasswordPage(AccessControl.frame(ctx, "Password", "settings"), null, null)));
        routes.post("/settings/password", this::changePassword);
    }

    private void loginForm(Context ctx) {
        if (!auth.passwordSet()) {
            throw Refusal.redirect("/setup");
        }
        showLogin(ctx, AuthService.DEFAULT_USER, safeNext(ctx.queryParam("next")), null, 200);
    }

    private void login(Context ctx) throws SQLException {
        checkFormToken(ctx);
        String user = field(ctx, "user", AuthService.DEFAULT_USER);
        String next = safeNext(ctx.formParam("next"));
        AuthService.Login login = auth.login(user, ctx.formParam("password"));
        if (login.cookie() == null) {
            showLogin(ctx, user, next, login.refusal(), 401);
            return;
        }
        startSession(ctx, login.cookie());
        throw Refusal.redirect(next);
    }

    private void logout(Context ctx) throws SQLException {
        auth.logout(ctx.cookie(Cookies.SESSION));
        Cookies.clear(ctx, Cookies.SESSION, Cookies.secure(ctx, auth.settings().trustProxy()));
        throw Refusal.redirect("/login");
    }

    private void setupForm(Context ctx) {
        if (auth.passwordSet()) {
            throw Refusal.redirect("/login");
        }
        auth.setupCode();
        showSetup(ctx, AuthService.DEFAULT_USER, null, 200);
    }

    private void setUp(Context ctx) throws SQLException {
        checkFormToken(ctx);
        String user = field(ctx, "user", AuthService.DEFAULT_USER);
        String password = ctx.formParam("password");
        if (password == null || !password.equals(ctx.formParam("confirm"))) {
            showSetup(ctx, user, "the two passwords differ", 400);
            return;
        }
        String refusal = auth.setUp(ctx.formParam("code"), user, password);
        if (refusal != null) {
            showSetup(ctx, user, refusal, 400);
            return;
        }
        AuthService.Login login = auth.login(user, password);
        startSession(ctx, login.cookie());
        throw Refusal.redirect("/");
    }

    private void tokens(Context ctx, String created, String createdName, String error) throws SQLException {
        Templates.page(ctx, "auth/tokens.jte", new TokensPage(AccessControl.frame(ctx, "API tokens", "settings"), auth.tokens(), created,
                createdName, error));
    }

    private void createToken(Context ctx) throws SQLException {
        String name = ctx.formParam("name");
        try {
            String token = auth.createToken(name, AccessControl.principal(ctx).user());
            // Shown on this response only: never stored, never in a URL.
            ctx.header("Cache-Control", "no-store");
            tokens(ctx, token, name.strip(), null);
        } catch (IllegalArgumentException e) {
            ctx.status(400);
            tokens(ctx, null, null, e.getMessage());
        }
    }

    private void revokeToken(Context ctx) throws SQLException {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new java.util.NoSuchElementException("no token " + ctx.pathParam("id"));
        }
        auth.revokeToken(id);
        throw Refusal.redirect("/settings/tokens");
    }

    private void changePassword(Context ctx) throws SQLException {
        Frame frame = AccessControl.frame(ctx, "Password", "settings");
        String user = frame.user();
        String next = ctx.formParam("password");
        String error = null;
        String refusal = auth.checkPassword(user, ctx.formParam("current"));
        if (refusal != null) {
            error = refusal.equals(AuthService.WRONG) ? "the current password is wrong" : refusal;
        } else if (next == null || !next.equals(ctx.formParam("confirm"))) {
            error = "the two new passwords differ";
        } else {
            try {
                auth.setPassword(user, next);
            } catch (IllegalArgumentException e) {
                error = e.getMessage();
            }
        }
        if (error != null) {
            ctx.status(400);
            Templates.page(ctx, "auth/password.jte", new PasswordPage(frame, null, error));
            return;
        }
        // Changing the password ended every session of this user, this one too: log in again.
        Cookies.clear(ctx, Cookies.SESSION, Cookies.secure(ctx, auth.settings().trustProxy()));
        throw Refusal.redirect("/login");
    }

    private void startSession(Context ctx, String cookie) {
        boolean secure = Cookies.secure(ctx, auth.settings().trustProxy());
        Cookies.set(ctx, Cookies.SESSION, cookie, auth.settings().sessionMax().toSeconds(), "Lax", secure);
        Cookies.clear(ctx, Cookies.FORM, secure);
    }

    private void showLogin(Context ctx, String user, String next, String error, int status) {
        ctx.status(status);
        Templates.page(ctx, "auth/login.jte", new LoginPage(user, next, formToken(ctx), error));
    }

    private void showSetup(Context ctx, String user, String error, int status) {
        ctx.status(status);
        Templates.page(ctx, "auth/setup.jte", new SetupPage(user, formToken(ctx), error));
    }

    /** A fresh double-submit token: in a Strict cookie and in the form; the post must bring both. */
    private String formToken(Context ctx) {
        String token = Secrets.random();
        Cookies.set(ctx, Cookies.FORM, token, 3600, "Strict", Cookies.secure(ctx, auth.settings().trustProxy()));
        ctx.header("Cache-Control", "no-store");
        return token;
    }

    private void checkFormToken(Context ctx) {
        AccessControl.requireSameOrigin(ctx, auth.settings().trustProxy());
        if (!Secrets.same(ctx.cookie(Cookies.FORM), ctx.formParam(AccessControl.CSRF_FIELD))) {
            throw Refusal.status(403, "this form is out of date (missing or wrong CSRF token); reload the page and try again");
        }
    }

    private static String field(Context ctx, String name, String fallback) {
        String v = ctx.formParam(name);
        return v == null || v.isBlank() ? fallback : v.strip();
    }

    /** Only a path on this site, so the login page cannot be used to send someone elsewhere. */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\") || next.contains("\r")
                || next.contains("\n")) {
            return "/";
        }
        return next;
    }
}
