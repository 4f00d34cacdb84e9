package dev.mcpwatch.oauth;

import dev.mcpwatch.probe.Authorizer;
import java.io.PrintStream;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OAuth clients of a running mcpwatch, one per monitor with an {@code auth:} block, kept while
 * its settings stay the same, so that tokens are cached across probes. {@code serve} has one (with
 * the database's grant store); {@code probe} and {@code auth login} make their own.
 */
public final class OAuthClients {
    private final InstantSource clock;
    private final GrantStore grants;
    private final LoopbackLogin login;
    private final Map<String, Entry> byMonitor = new ConcurrentHashMap<>();

    private record Entry(OAuthSettings settings, OAuthAuthorizer authorizer) {}

    private OAuthClients(InstantSource clock, GrantStore grants, LoopbackLogin login) {
        this.clock = clock;
        this.grants = grants;
        this.login = login;
    }

    /** Clients that renew tokens unattended; {@code grants} may be null when no monitor logs in users. */
    public static OAuthClients unattended(InstantSource clock, GrantStore grants) {
        return new OAuthClients(clock, grants, null);
    }

    /**
     * Clients for {@code mcpwatch auth login}: an authorization-code monitor sends the person to the
     * browser ({@code $BROWSER} from {@code env}, the URL printed on {@code out}) and waits for the
     * loopback redirect on {@code port} (0: any free port) up to {@code wait}.
     */
    public static OAuthClients interactive(InstantSource clock, GrantStore grants, Map<String, String> env, PrintStream out, int port,
            Duration wait) {
        return new OAuthClients(clock, grants, new LoopbackLogin(LoopbackLogin.fromEnvironment(env), out, port, wait));
    }

    /** As {@link #interactive(InstantSource, GrantStore, Map, PrintStream, int, Duration)}, with the browser given. */
    static OAuthClients interactive(InstantSource clock, GrantStore grants, LoopbackLogin.Browser browser, PrintStream out, int port,
            Duration wait) {
        return new OAuthClients(clock, grants, new LoopbackLogin(browser, out, port, wait));
    }

    /** The authorizer of a monitor, the same one as long as its settings do not change. */
    public Authorizer forMonitor(String monitorId, OAuthSettings settings) {
        return byMonitor.compute(monitorId, (id, e) -> e != null && e.settings().equals(settings) ? e
                : new Entry(settings, new OAuthAuthorizer(id, settings, clock, grants, login))).authorizer();
    }
}
