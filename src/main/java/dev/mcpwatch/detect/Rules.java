package dev.mcpwatch.detect;

import dev.mcpwatch.config.Block;
import java.util.List;
import java.util.Objects;

/**
 * Every detection rule, listed once. The P2 rules' order decides which heads a degradation incident
 * when several hold (the most specific first). Adding a rule is a class and a line here: its
 * settings come with it (see {@link Rule#settings}).
 */
public final class Rules {
    /** What every rule's settings have: {@code enabled: false} switches the rule off. */
    public interface Settings {
        boolean enabled();
    }

    private static final List<Block<? extends Settings>> BLOCKS = all().stream().<Block<? extends Settings>>map(Rule::settings)
            .filter(Objects::nonNull).toList();

    private Rules() {}

    static List<Rule> all() {
        return List.of(
                new ToolErrorsRule(),
                new FewerToolsRule(),
                new FlappingRule(),
                new LatencyBaselineRule(),
                new CertificateExpiryRule(),
                new CredentialExpiryRule(),
                new NeedsInputRule(),
                new SchemaDriftRule(),
                new LatencyTrendRule(),
                new ToolErrorRateRule(),
                new SuccessRateRule());
    }

    /** The settings of each rule that has some, in the order above: {@code detection:} in the configuration and its schema. */
    public static List<Block<? extends Settings>> blocks() {
        return BLOCKS;
    }
}
