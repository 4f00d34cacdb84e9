package dev.mcpwatch.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.WebFixture;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who gets in, as an operator and a program meet it: the first-run page with its setup code, login
 * and logout, the session cookie's attributes, CSRF tokens and same-origin checks on every form, API
 * tokens (and their revocation) for /api, and what stays public.
 */
class AccessTest {
    private static final String YAML = """
            monitors:
              - {id: api, url: 'http://127.0.0.1:9/mcp', interval: 24h}
            status_pages:
              - {slug: public, title: Public, monitors: [api]}
            """;

    @TempDir
    Path dir;

    private WebFixture web;

    @AfterEach
    void stop() {
        if (web != null) {
            web.close();
        }
    }

    @Test
    void aFreshInstallSendsTheBrowserToTheFirstRunPageWhereTheSetupCodeSetsThePassword() throws Exception {
        web = WebFixture.start(dir, YAML);
        var browser = web.client();

        assertThat(browser.get("/").header("Location")).isEqualTo("/setup");
        assertThat(browser.get("/login").header("Location")).isEqualTo("/setup");
        assertThat(browser.get("/setup").body()).contains("Setup code");

        var wrong = browser.post("/setup", Map.of("code", "AAAA-BBBB-CCCC", "user", "admin", "password", "correct horse battery",
                "confirm", "correct horse battery"));
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.body()).contains("that is not the setup code");

        var set = browser.post("/setup", Map.of("code", web.app().setupCode(), "user", "admin", "password", "correct horse battery",
                "confirm", "correct horse battery"));
        assertThat(set.status()).isEqualTo(303);
        assertThat(set.header("Location")).isEqualTo("/");
        assertThat(browser.get("/").status()).as("logged in by the setup").isEqualTo(200);
        assertThat(web.app().setupCode()).as("the code is spent").isNull();
        assertThat(web.client().get("/setup").header("Location")).isEqualTo("/login");
    }

    @Test
    void loginGivesAnHttpOnlySameSiteCookieAndLogoutEndsTheSession() throws Exception {
        web = WebFixture.start(dir, YAML);
        web.setPassword(WebFixture.PASSWORD);
        var browser = web.client();

        assertThat(browser.get("/monitors/api").header("Location")).isEqualTo("/login?next=%2Fmonitors%2Fapi");
        browser.get("/login?next=%2Fmonitors%2Fapi");
        var bad = browser.post("/login", Map.of("user", "admin", "password", "wrong password!", "next", "/monitors/api"));
        assertThat(bad.status()).isEqualTo(401);
        assertThat(bad.body()).contains("wrong user name or password");

        var ok = browser.post("/login", Map.of("user", "admin", "password", WebFixture.PASSWORD, "next", "/monitors/api"));
        assertThat(ok.status()).isEqualTo(303);
        assertThat(ok.header("Location")).isEqualTo("/monitors/api");
        String cookie = ok.headers("set-cookie").stream().filter(c -> c.startsWith("mcpwatch_session=")).findFirst().orElseThrow();
        assertThat(cookie).contains("HttpOnly", "SameSite=Lax", "Path=/").doesNotContain("Secure");
        assertThat(browser.get("/monitors/api").status()).isEqualTo(200);

        assertThat(browser.post("/logout", Map.of()).header("Location")).isEqualTo("/login");
        assertThat(browser.get("/monitors/api").status()).as("the session is gone").isEqualTo(303);
    }

    @Test
    void aLoginNeverRedirectsToAnotherSite() throws Exception {
        web = WebFixture.start(dir, YAML);
        web.setPassword(WebFixture.PASSWORD);
        var browser = web.client();
        browser.get("/login");

        var r = browser.post("/login", Map.of("user", "admin", "password", WebFixture.PASSWORD, "next", "//evil.example/x"));

        assertThat(r.header("Location")).isEqualTo("/");
    }

    @Test
    void fiveWrongPasswordsLockTheUserForAMinute() throws Exception {
        web = WebFixture.start(dir, YAML);
        web.setPassword(WebFixture.PASSWORD);
        var browser = web.client();
        for (int i = 0; i < 5; i++) {
            browser.get("/login");
            browser.post("/login", Map.of("user", "admin", "password", "guess number " + i));
        }
        browser.get("/login");

        var r = browser.post("/login", Map.of("user", "admin", "password", WebFixture.PASSWORD));

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).contains("too many wrong passwords");
    }

    @Test
    void sessionCookiesAreSecureBehindAProxyThatSaysHttpsOnlyWhenTrusted() throws Exception {
        web = WebFixture.start(dir, YAML + "web: {trust_proxy: true}\n");
        web.setPassword(WebFixture.PASSWORD);
        var browser = web.client();
        browser.get("/login");

        var r = browser.postRaw("/login", Map.of("_csrf", browser.csrf(), "user", "admin", "password", WebFixture.PASSWORD),
                Map.of("X-Forwarded-Proto", "https"));

        assertThat(r.headers("set-cookie")).filteredOn(c -> c.startsWith("mcpwatch_session=")).singleElement().asString().contains("Secure");
    }

    @Test
    void anUntrustedForwardedProtoDoesNotMakeCookiesSecure() throws Exception {
        web = WebFixture.start(dir, YAML);
        web.setPassword(WebFixture.PASSWORD);
        var browser = web.client();
        browser.get("/login");

        var r = browser.postRaw("/login", Map.of("_csrf", browser.csrf(), "user", "admin", "password", WebFixture.PASSWORD),
                Map.of("X-Forwarded-Proto", "https"));

        assertThat(r.headers("set-cookie")).filteredOn(c -> c.startsWith("mcpwatch_session=")).singleElement().asString()
                .doesNotContain("Secure");
    }

    @Test
    void aFormWithoutTheSessionsCsrfTokenOrFromAnotherOriginChangesNothing() throws Exception {
        web = WebFixture.start(dir, YAML);
        var browser = web.loggedIn();
        browser.get("/settings/tokens");

        var noToken = browser.postRaw("/settings/tokens", Map.of("name", "sneaky"), Map.of());
        var wrongToken = browser.postRaw("/settings/tokens", Map.of("_csrf", "forged", "name", "sneaky"), Map.of());
        var otherSite = browser.postRaw("/settings/tokens", Map.of("_csrf", browser.csrf(), "name", "sneaky"),
                Map.of("Origin", "https://evil.example"));
        var loginWithoutToken = web.client().postRaw("/login", Map.of("user", "admin", "password", WebFixture.PASSWORD), Map.of());

        assertThat(noToken.status()).isEqualTo(403);
        assertThat(wrongToken.status()).isEqualTo(403);
        assertThat(otherSite.status()).isEqualTo(403);
        assertThat(otherSite.body()).contains("came from another site");
        assertThat(loginWithoutToken.status()).as("login forms carry a token too").isEqualTo(403);
        assertThat(browser.get("/settings/tokens").body()).doesNotContain("sneaky");
        var sameSite = browser.postRaw("/settings/tokens", Map.of("_csrf", browser.csrf(), "name", "legit"),
                Map.of("Origin", web.url("")));
        assertThat(sameSite.status()).isEqualTo(200);
        assertThat(sameSite.body()).contains("legit");
    }

    @Test
    void theApiIsOpenForReadsUntilAPasswordExistsThenNeedsATokenOrASession() throws Exception {
        web = WebFixture.start(dir, YAML);
        var anyone = web.client();
        assertThat(anyone.get("/api/monitors").status()).isEqualTo(200);
        assertThat(anyone.json("POST", "/api/monitors", "{\"id\":\"x\",\"url\":\"http://127.0.0.1:9/mcp\"}", Map.of()).status())
                .as("no writes without a password").isEqualTo(401);

        var browser = web.loggedIn();
        var refused = anyone.get("/api/monitors");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"mcpwatch\"");
        assertThat(browser.get("/api/monitors").status()).as("a dashboard session reads the API").isEqualTo(200);

        browser.get("/settings/tokens");
        String page = browser.post("/settings/tokens", Map.of("name", "ci")).body();
        String token = page.replaceAll("(?s).*id=\"created-token\">(mcpw_[A-Za-z0-9_-]+)<.*", "$1");
        assertThat(token).startsWith("mcpw_").hasSize(48);
        assertThat(anyone.get("/api/monitors", "Authorization", "Bearer " + token).status()).isEqualTo(200);
        assertThat(anyone.get("/api/monitors", "Authorization", "Bearer mcpw_not-a-token").status()).isEqualTo(401);
        assertThat(browser.get("/settings/tokens").body()).as("shown once").doesNotContain(token);

        assertThat(Databases.count(web.app().database(), "SELECT COUNT(*) FROM api_tokens WHERE token_hash = ?", token))
                .as("only the hash is stored").isZero();
        String revokeId = String.valueOf(Databases.count(web.app().database(), "SELECT MAX(id) FROM api_tokens"));
        browser.post("/settings/tokens/" + revokeId + "/revoke", Map.of());
        assertThat(anyone.get("/api/monitors", "Authorization", "Bearer " + token).status()).as("revoked").isEqualTo(401);
    }

    @Test
    void aSessionWritesToTheApiOnlyWithItsCsrfHeader() throws Exception {
        web = WebFixture.start(dir, YAML);
        var browser = web.loggedIn();
        browser.get("/");
        String body = "{\"id\":\"added\",\"url\":\"http://127.0.0.1:9/mcp\",\"paused\":true}";

        assertThat(browser.json("POST", "/api/monitors", body, Map.of()).status()).isEqualTo(403);
        assertThat(browser.json("POST", "/api/monitors", body, Map.of("X-CSRF-Token", browser.csrf())).status()).isEqualTo(201);
    }

    @Test
    void healthStatusPagesRunbooksBadgesAndTheStylesheetStayPublic() throws Exception {
        web = WebFixture.start(dir, YAML);
        web.setPassword(WebFixture.PASSWORD);
        var anyone = web.client();

        for (String path : new String[] {"/health", "/status/public", "/status/public/status.json", "/status/public/feed.atom",
                "/status/public/monitors/api", "/badge/api/status.svg", "/badge/api/uptime.svg", "/badge/api/latency.svg",
                "/runbooks", "/runbooks/connection-refused", "/assets/mcpwatch.css"}) {
            assertThat(anyone.get(path).status()).as(path).isEqualTo(200);
        }
        assertThat(anyone.get("/").status()).isEqualTo(303);
        assertThat(anyone.get("/incidents").status()).isEqualTo(303);
        assertThat(anyone.get("/runbooksx").status()).as("only the runbook paths themselves").isEqualTo(303);
    }

    @Test
    void sessionsAndPasswordsAreStoredOnlyAsHashes() throws Exception {
        web = WebFixture.start(dir, YAML);
        var browser = web.loggedIn();
        String cookie = browser.cookie("mcpwatch_session");

        assertThat(cookie).hasSizeGreaterThanOrEqualTo(43);
        assertThat(Databases.count(web.app().database(), "SELECT COUNT(*) FROM sessions WHERE token_hash = ?", cookie)).isZero();
        assertThat(Databases.count(web.app().database(), "SELECT COUNT(*) FROM sessions")).isEqualTo(1);
        assertThat(Databases.count(web.app().database(), "SELECT COUNT(*) FROM users WHERE password_hash LIKE 'pbkdf2-sha256$600000$%'"))
                .isEqualTo(1);
    }
}
