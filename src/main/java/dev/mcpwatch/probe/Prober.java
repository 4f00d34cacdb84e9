package dev.mcpwatch.probe;

import java.security.Security;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Probes an MCP server the way an agent uses it and returns one immutable {@link ProbeResult}.
 * Thread-safe: one prober serves any number of concurrent probes; each probe has its own
 * connections, deadline and recorder. {@link #probe} never throws for anything a server does.
 */
public final class Prober {
    public static final String VERSION = versionOf();
    public static final String USER_AGENT = "mcpwatch/" + VERSION;
    private static final Logger log = LoggerFactory.getLogger(Prober.class);

    static {
        // Name lookups must be real on every probe: the JVM would otherwise cache them for 30 s.
        Security.setProperty("networkaddress.cache.ttl", "0");
        Security.setProperty("networkaddress.cache.negative.ttl", "0");
    }

    private final EraMemory eras;

    public Prober() {
        this(EraMemory.inMemory());
    }

    public Prober(EraMemory eras) {
        this.eras = eras;
        HttpSession.warmUp(); // load the trust store and HTTP client now, not inside the first probe's timings
    }

    public ProbeResult probe(ProbeSpec spec) {
        Recorder rec = new Recorder();
        Deadline deadline = new Deadline(rec.startNanos, spec.timeouts().total());
        String memoryKey = memoryKey(spec);
        Era remembered = spec.pinnedEra() == null && spec.transport() != Transport.SSE ? eras.recall(memoryKey) : null;
        Failure failure = null;
        McpChannel channel = null;
        try {
            channel = channel(spec, rec, deadline);
            channel.open();
            Conversation conversation = new Conversation(spec, rec, channel);
            RequestShape dialect = conversation.open(startingEra(spec, remembered));
            if (spec.pinnedEra() == null && dialect.era() != remembered) {
                eras.remember(memoryKey, dialect.era());
            }
            ToolList tools = conversation.listTools(dialect);
            conversation.callTools(dialect, tools);
        } catch (ProbeFailure f) {
            failure = f.failure();
            if (remembered != null && mayMeanAnotherEra(f)) {
                eras.forget(memoryKey); // the server may have changed era: detect again next time
            }
        } catch (RuntimeException | StackOverflowError e) {
            // A server's output reached a path we did not foresee. Blame the response and keep the monitor
            // running; one line in the log, no stack trace: a server must not be able to flood the log.
            failure = unforeseen(spec, rec.currentPhase(), e);
        } finally {
            rec.workDone();
            rec.credentials(spec.authorizer() != null ? spec.authorizer().info() : StaticTokens.info(spec.headers()));
            if (channel != null) {
                try {
                    channel.close();
                } catch (RuntimeException e) {
                    log.debug("closing the channel to {} failed", spec.target(), e);
                }
            }
        }
        if (failure == null) {
            failure = rec.closeFailure(); // healthy answers, but the server left something behind it could not be rid of
        }
        return rec.finish(spec.target(), spec.transport(), failure);
    }

    /** The failure for an error no step classified, logged as one line. */
    private static Failure unforeseen(ProbeSpec spec, Phase phase, Throwable e) {
        log.warn("probe of {} could not process the server's output in {} ({}); classified as jsonrpc_invalid", spec.target(),
                phase.wireName(), e.getClass().getSimpleName());
        log.debug("the unforeseen error in the probe of {}", spec.target(), e);
        return new Failure(Reason.JSONRPC_INVALID, phase, "mcpwatch could not process the server's response in " + phase.wireName()
                + " (" + e.getClass().getSimpleName() + ")");
    }

    /**
     * A protocol failure, or the 400/404/405 a server of the other era answers with, may mean the
     * server changed era; a 503 or a timeout says nothing about that and keeps the remembered era.
     */
    private static boolean mayMeanAnotherEra(ProbeFailure f) {
        return f.reason().layer() == Layer.MCP
                || (f.reason() == Reason.HTTP_ERROR && java.util.Set.of(400, 404, 405).contains(f.httpStatus()));
    }

    /** The key under which the era of this spec's target is remembered (in memory: it holds the real URL). */
    public static String memoryKey(ProbeSpec spec) {
        return spec.transport().wireName() + " " + (spec.url() == null ? spec.target() : spec.url().toString());
    }

    private static Era startingEra(ProbeSpec spec, Era remembered) {
        if (spec.pinnedEra() != null) {
            return spec.pinnedEra();
        }
        if (spec.transport() == Transport.SSE) {
            return Era.LEGACY; // the deprecated transport predates the modern era
        }
        return remembered; // null: detect
    }

    private static McpChannel channel(ProbeSpec spec, Recorder rec, Deadline deadline) {
        return switch (spec.transport()) {
            case STREAMABLE_HTTP -> new StreamableHttpChannel(new HttpSession(spec, rec, deadline));
            case SSE -> new SseChannel(new HttpSession(spec, rec, deadline));
            case STDIO -> new StdioChannel(spec, rec, deadline);
        };
    }

    /** The clientInfo mcpwatch declares; fixed, like its (empty) capabilities, so tool lists stay comparable. */
    static ObjectNode clientInfo() {
        ObjectNode info = Json.object();
        info.put("name", "mcpwatch");
        info.put("version", VERSION);
        return info;
    }

    private static String versionOf() {
        String v = Prober.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
