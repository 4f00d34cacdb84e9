package dev.mcpwatch.reliability;

import dev.mcpwatch.config.ConfigException;
import dev.mcpwatch.config.EnvReferences;
import dev.mcpwatch.config.Problem;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.store.ApiSloStore;
import dev.mcpwatch.store.Database;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The SLOs in force — the configuration file's and those added through the API — in one list, and
 * the API's writes. A definition from the API has the shape of one entry of {@code slos:} and goes
 * through the file's reader, so it is checked by the same code with the same messages. The file's
 * SLOs are read-only here: their ids are refused ({@link Conflict}), and an id the file adds later
 * takes over the API's. The stored definitions are read at every use, so an SLO added, changed or
 * deleted on any node sharing the database counts everywhere without a restart.
 */
public final class ApiSlos {
    private static final Logger log = LoggerFactory.getLogger(ApiSlos.class);

    /** A write the file's ownership or an existing SLO forbids: the API answers 409. */
    public static final class Conflict extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        Conflict(String message) {
            super(message);
        }
    }

    /** The stored definitions last read, and the SLOs they made: reread only when a definition changed. */
    private record Read(Map<String, String> definitions, List<Slo> slos) {}

    private final Database db;
    private final SloReader reader;
    private final Supplier<List<Slo>> file;
    private final InstantSource clock;
    private final ApiSloStore store = new ApiSloStore();
    private volatile Read last = new Read(Map.of(), List.of());

    /** @param file the configuration file's SLOs, as reloaded */
    public ApiSlos(Database db, SloReader reader, Supplier<List<Slo>> file, InstantSource clock) {
        this.db = db;
        this.reader = reader;
        this.file = file;
        this.clock = clock;
    }

    /** Every SLO in force: the file's, then the API's the file does not define. */
    public List<Slo> inForce() {
        List<Slo> fromFile = file.get();
        Set<String> fileIds = ids(fromFile);
        List<Slo> out = new ArrayList<>(fromFile);
        api().stream().filter(s -> !fileIds.contains(s.id())).forEach(out::add);
        return out;
    }

    /** The ids of the SLOs added through the API (and not taken over by the file). */
    public Set<String> apiIds() {
        Set<String> fileIds = ids(file.get());
        Set<String> out = new HashSet<>(ids(api()));
        out.removeAll(fileIds);
        return out;
    }

    /** Adds an SLO; 400 when the definition will not do, 409 when its id is taken. */
    public Slo create(ObjectNode definition) throws SQLException {
        Slo slo = parse(definition);
        requireNotInFile(slo.id());
        if (!db.transaction(c -> store.insert(c, slo.id(), definition.toString(), clock.millis()))) {
            throw new Conflict("SLO '" + slo.id() + "' already exists (added through the API); PUT /api/slos/" + slo.id() + " changes it");
        }
        log.info("SLO {} ({}) added through the API", slo.id(), slo.subject());
        return slo;
    }

    /** Replaces an SLO the API added; its id cannot change. */
    public Slo replace(String id, ObjectNode definition) throws SQLException {
        requireNotInFile(id);
        requireStored(id);
        JsonNode named = definition.get("id");
        if (named != null && !(named.isString() && named.asString().equals(id))) {
            throw new IllegalArgumentException("id: the body names " + named + " but the path names '" + id + "'; an SLO's id cannot change "
                    + "(DELETE it and POST a new one)");
        }
        definition.put("id", id);
        Slo slo = parse(definition);
        if (!db.transaction(c -> store.replace(c, id, definition.toString(), clock.millis()))) {
            throw notFound(id);
        }
        log.info("SLO {} ({}) changed through the API", id, slo.subject());
        return slo;
    }

    /** Deletes an SLO the API added: it stops counting, and its burning alerts end at the next evaluation. */
    public void delete(String id) throws SQLException {
        requireNotInFile(id);
        if (!db.transaction(c -> store.delete(c, id))) {
            throw notFound(id);
        }
        log.info("SLO {} deleted through the API", id);
    }

    /** Hands the ids the file now defines over to the file (at start and at each reload). */
    public void dropShadowed() throws SQLException {
        Set<String> fileIds = ids(file.get());
        int dropped = db.transaction(c -> store.dropShadowed(c, fileIds));
        if (dropped > 0) {
            log.info("{} SLO(s) added through the API are now defined in the configuration file, which owns them from now on", dropped);
        }
    }

    /**
     * A definition checked by the file's reader. References to the environment are refused: an SLO's
     * text is shown on pages, and only the file's author may read the server's environment into it.
     */
    Slo parse(JsonNode definition) {
        if (!definition.isObject()) {
            throw new IllegalArgumentException("an SLO must be a JSON object");
        }
        List<String> problems = new ArrayList<>();
        EnvReferences.refuse(definition, Set.of(), "environment variable references are only allowed in the configuration file", problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        try {
            return reader.read(definition, name -> null);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(String.join("; ", e.problems().stream().map(ApiSlos::sentence).toList()));
        }
    }

    /** The API's SLOs as stored now; one that no longer loads is skipped and logged. On a database failure, the last ones read. */
    private List<Slo> api() {
        Map<String, String> stored;
        try {
            stored = db.read(store::definitions);
        } catch (SQLException e) {
            return last.slos(); // the board's own reads fail too, and report it
        }
        Read before = last;
        if (stored.equals(before.definitions())) {
            return before.slos();
        }
        List<Slo> slos = new ArrayList<>();
        for (Map.Entry<String, String> d : stored.entrySet()) {
            try {
                slos.add(parse(Json.MAPPER.readTree(d.getValue())));
            } catch (IllegalArgumentException e) {
                log.warn("SLO '{}' (added through the API) cannot be loaded and is not evaluated: {}", d.getKey(), e.getMessage());
            }
        }
        last = new Read(Map.copyOf(stored), List.copyOf(slos));
        return last.slos();
    }

    private void requireNotInFile(String id) {
        if (ids(file.get()).contains(id)) {
            throw new Conflict("SLO '" + id + "' is defined in the configuration file; change it there (the file's SLOs are read-only "
                    + "through the API)");
        }
    }

    private void requireStored(String id) throws SQLException {
        if (db.read(c -> store.definition(c, id)) == null) {
            throw notFound(id);
        }
    }

    private static NoSuchElementException notFound(String id) {
        return new NoSuchElementException("no SLO '" + id + "' added through the API");
    }

    private static Set<String> ids(List<Slo> slos) {
        Set<String> out = new HashSet<>();
        slos.forEach(s -> out.add(s.id()));
        return out;
    }

    /** A problem as the API says it: its path inside the SLO, then the file's very message. */
    static String sentence(Problem p) {
        String path = p.path() == null ? "" : p.path().replaceFirst("^slos\\[0]\\.?", "");
        return path.isEmpty() ? p.message() : path + ": " + p.message();
    }
}
