package dev.mcpwatch.config;

import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ${NAME}} in a value is replaced by the environment variable NAME, so secrets live in the
 * environment and never in a command line or a file. A missing variable is an error that names it.
 */
public final class EnvSubstitution {
    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private EnvSubstitution() {}

    public static String apply(String value, Map<String, String> env) {
        return apply(value, env::get);
    }

    /** {@code ${NAME:-default}} gives the default when NAME is unset. */
    public static String apply(String value, Function<String, String> lookup) {
        Matcher m = VAR.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = lookup.apply(m.group(1));
            if (v == null) {
                if (m.group(2) == null) {
                    throw new IllegalArgumentException("environment variable " + m.group(1) + " is not set");
                }
                v = m.group(2);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }
}
