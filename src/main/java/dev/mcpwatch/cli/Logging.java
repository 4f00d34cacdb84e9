package dev.mcpwatch.cli;

import java.util.List;
import java.util.TimeZone;
import org.slf4j.LoggerFactory;

/**
 * Logging for the command line, set before the first logger exists (slf4j-simple reads its settings
 * once; the defaults are in {@code simplelogger.properties}): every line starts with its time in
 * ISO-8601 UTC; the libraries (Flyway, Hikari, Jetty, Javalin, db-scheduler…) log WARN and up unless
 * {@code --verbose}; and commands other than {@code serve} log only warnings, so that their own output
 * is all an operator sees. slf4j-simple is kept (15 kB, no configuration file to parse at start-up);
 * it has no time-zone setting, so its clock formatter is made while UTC is the default zone and the
 * JVM's default is put back at once.
 */
final class Logging {
    /** The libraries whose INFO lines only {@code --verbose} shows. */
    static final List<String> LIBRARIES = List.of("org.flywaydb", "com.zaxxer.hikari", "org.eclipse.jetty", "io.javalin",
            "com.github.kagkarlsson", "okhttp3", "org.eclipse.angus");
    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private Logging() {}

    /**
     * @param serve whether the command is {@code serve} (its INFO lines are the monitor's story)
     * @param verbose {@code --verbose}: libraries at INFO, mcpwatch at DEBUG
     */
    static void configure(boolean serve, boolean verbose) {
        setIfAbsent("defaultLogLevel", verbose ? "info" : serve ? "info" : "warn");
        if (verbose) {
            LIBRARIES.forEach(lib -> setIfAbsent("log." + lib, "info"));
            setIfAbsent("log.dev.mcpwatch", "debug");
        }
        TimeZone before = TimeZone.getDefault();
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
            LoggerFactory.getLogger(Logging.class); // creates slf4j-simple's date formatter now, in UTC
        } finally {
            TimeZone.setDefault(before);
        }
    }

    /** An operator's own -D setting wins. */
    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
