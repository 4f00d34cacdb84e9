package dev.mcpwatch.auth;

import dev.mcpwatch.config.WebSettings;
import dev.mcpwatch.store.AuthStore;
import dev.mcpwatch.store.Database;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is asking: operators log in with a password and get a session (a random cookie, stored as its
 * hash, with its own CSRF token); programs send an API token. Until the first password is set, a
 * one-time setup code (printed in the log, kept only in memory) lets the first operator set it from
 * the browser; {@code mcpwatch user set-password} does the same from a shell.
 */
public final class AuthService {
    private static final Logger log = LoggerFactory.getLogger(AuthService.class);
    public static final String DEFAULT_USER = "admin";
    static final String TOKEN_PREFIX = "mcpw_";
    /** Verified when the user does not exist, so that a wrong name takes as long as a wrong password. */
    private static final String DUMMY_HASH = Passwords.hash("not a password of anyone", Passwords.ITERATIONS);

    /**
     * Someone allowed in: by session (with its CSRF token), by API token, or anyone while no password
     * exists. {@code readOnly}: may read but change nothing (a read-only token, or anyone before a password).
     */
    public record Principal(String user, String csrf, String via, boolean readOnly) {
        public Principal(String user, String csrf, String via) {
            this(user, csrf, via, false);
        }

        public boolean bySession() {
            return "session".equals(via);
        }
    }

    /** A login that worked (the cookie value) or did not (a sentence saying why). */
    public record Login(String cookie, String refusal) {}

    private final Database db;
    private final Supplier<WebSettings> web;
    private final AuthStore store = new AuthStore();
    private final InstantSource clock;
    private final LoginThrottle throttle;
    private volatile boolean passwordSet;
    private volatile String setupCode;

    /** {@code clock} ages sessions and tokens and times the login throttle. */
    public AuthService(Database db, Supplier<WebSettings> web, InstantSource clock) {
        this.db = db;
        this.web = web;
        this.clock = clock;
        this.throttle = new LoginThrottle(clock);
    }

    /**
     * Whether any operator has a password. Once true it stays true (users are never deleted), so only
     * the "not yet" answer costs a query, and a password set from the CLI is noticed at once.
     */
    public boolean passwordSet() {
        if (passwordSet) {
            return true;
        }
        try {
            passwordSet = db.read(store::anyUser);
        } catch (SQLException e) {
            log.warn("cannot tell whether a password is set: {}", e.getMessage());
        }
        return passwordSet;
    }

    /** The one-time code the setup page asks for, made on first call; null once a password is set. */
    public synchronized String setupCode() {
        if (passwordSet()) {
            return null;
        }
        if (setupCode == null) {
            setupCode = Secrets.humanCode();
        }
        return setupCode;
    }

    /** Sets (or changes) a user's password and ends that user's sessions. */
    public void setPassword(String user, String password) throws SQLException {
        String weakness = Passwords.weakness(password);
        if (weakness != null) {
            throw new IllegalArgumentException(weakness);
        }
        String hash = Passwords.hash(password);
        long now = clock.millis();
        db.transaction(c -> {
            store.setPassword(c, user, hash, now);
            store.deleteSessions(c, user);
            return null;
        });
        passwordSet = true;
    }

    /** First run: sets the first password when {@code code} is the setup code. */
    public synchronized String setUp(String code, String user, String password) throws SQLException {
        String expected = setupCode();
        if (expected == null) {
            return "a password is already set; log in instead";
        }
        if (!Secrets.same(expected, code == null ? "" : code.strip().toUpperCase(java.util.Locale.ROOT))) {
            return "that is not the setup code; it is in mcpwatch's log, on the line that starts with 'No password is set'";
        }
        try {
            setPassword(user, password);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        setupCode = null;
        log.info("the first password was set from the setup page for user '{}'", user);
        return null;
    }

    static final String WRONG = "wrong user name or password";

    /** Null when {@code password} is this user's, else why not (wrong, or too many tries). */
    public String checkPassword(String user, String password) throws SQLException {
        String wait = throttle.refusal(user);
        if (wait != null) {
            return wait;
        }
        String hash = db.read(c -> store.passwordHash(c, user));
        boolean ok = Passwords.verify(password, hash == null ? DUMMY_HASH : hash) && hash != null;
        if (!ok) {
            throttle.failed(user);
            return WRONG;
        }
        throttle.succeeded(user);
        return null;
    }

    public Login login(String user, String password) throws SQLException {
        String refusal = checkPassword(user, password);
        if (refusal != null) {
            return new Login(null, refusal);
        }
        String cookie = Secrets.random();
        long now = clock.millis();
        WebSettings w = web.get();
        var session = new AuthStore.Session(Secrets.sha256(cookie), user, Secrets.random(), now, now, now + w.sessionMax().toMillis());
        db.transaction(c -> {
            store.deleteExpiredSessions(c, now);
            store.createSession(c, session);
            return null;
        });
        return new Login(cookie, null);
    }

    /** The session a cookie stands for, or null when it is unknown, idle too long or too old. */
    public Principal session(String cookie) throws SQLException {
        if (cookie == null || cookie.isEmpty()) {
            return null;
        }
        String hash = Secrets.sha256(cookie);
        AuthStore.Session s = db.read(c -> store.session(c, hash));
        long now = clock.millis();
        if (s == null || now > s.expiresAt() || now - s.lastSeenAt() > web.get().sessionIdle().toMillis()) {
            return null;
        }
        // One write a minute at most per session, not one per page.
        if (now - s.lastSeenAt() > 60_000) {
            db.transaction(c -> {
                store.touchSession(c, hash, now);
                return null;
            });
        }
        return new Principal(s.username(), s.csrfToken(), "session");
    }

    public void logout(String cookie) throws SQLException {
        if (cookie != null && !cookie.isEmpty()) {
            db.transaction(c -> {
                store.deleteSession(c, Secrets.sha256(cookie));
                return null;
            });
        }
    }

    /** The principal of a live API token, or null. */
    public Principal token(String token) throws SQLException {
        if (token == null || !token.startsWith(TOKEN_PREFIX)) {
            return null;
        }
        AuthStore.Token t = db.read(c -> store.liveToken(c, Secrets.sha256(token)));
        if (t == null) {
            return null;
        }
        long now = clock.millis();
        if (t.lastUsedAt() == null || now - t.lastUsedAt() > 60_000) {
            db.transaction(c -> {
                store.tokenUsed(c, t.id(), now);
                return null;
            });
        }
        return new Principal("token:" + t.name(), null, "token", t.readOnly());
    }

    /** Creates an API token and returns it: the only time it is ever shown. */
    public String createToken(String name, String createdBy) throws SQLException {
        return createToken(name, createdBy, false);
    }

    /** Creates an API token, read-only or not, and returns it: the only time it is ever shown. */
    public String createToken(String name, String createdBy, boolean readOnly) throws SQLException {
        if (name == null || name.isBlank() || name.length() > 100) {
            throw new IllegalArgumentException("a token needs a name of 1 to 100 characters (what will use it)");
        }
        String token = TOKEN_PREFIX + Secrets.random();
        long now = clock.millis();
        db.transaction(c -> store.createToken(c, name.strip(), Secrets.sha256(token), token.substring(0, 9), createdBy, readOnly, now));
        return token;
    }

    public boolean revokeToken(long id) throws SQLException {
        long now = clock.millis();
        return db.transaction(c -> store.revokeToken(c, id, now));
    }

    public List<AuthStore.Token> tokens() throws SQLException {
        return db.read(store::tokens);
    }

    public WebSettings settings() {
        return web.get();
    }
}
