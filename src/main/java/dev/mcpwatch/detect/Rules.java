package dev.mcpwatch.detect;

import java.util.List;

/**
 * Every detection rule, listed once. The P2 rules' order decides which heads a degradation incident
 * when several hold (the most specific first). Adding a rule is a class and a line here.
 */
final class Rules {
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
}
