package dev.mcpwatch.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpwatch.probe.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runbook pages: every failure reason belongs to one mode, whose built-in page names it and
 * follows the guide's structure; an operator's Markdown replaces or adds pages and is rendered
 * without letting its HTML or script links through unless they allow HTML.
 */
class RunbooksTest {
    private static final List<String> SECTIONS = List.of("<h2>What it means</h2>", "<h2>Steps</h2>", "<h2>Common causes</h2>",
            "<h2>Mitigation</h2>", "<h2>When to escalate</h2>", "<h2>Status update to post</h2>");

    @Test
    void everyReasonIsNamedOnTheOnePageOfItsModeAndNoOther() {
        Runbooks runbooks = Runbooks.builtIn();
        Map<RunbookMode, String> text = new EnumMap<>(RunbookMode.class);
        for (RunbookMode mode : RunbookMode.values()) {
            text.put(mode, runbooks.page(mode).html());
        }
        for (Reason reason : Reason.values()) {
            RunbookMode mode = RunbookMode.of(reason);
            String code = "<code>" + reason.wireName() + "</code>";
            assertThat(text.get(mode)).as(reason + " on the page of " + mode).contains(code);
            assertThat(Arrays.stream(RunbookMode.values()).filter(m -> text.get(m).contains(code)))
                    .as(reason + " is named on exactly one page").containsExactly(mode);
        }
        assertThat(Arrays.stream(Reason.values()).map(RunbookMode::of).distinct())
                .as("each mode but the warnings-only ones has a reason").hasSize(RunbookMode.values().length);
    }

    @Test
    void eachBuiltInPageHasTheGuidesStructureWithAStepTableAndTheEscalationRule() {
        for (RunbookMode mode : RunbookMode.values()) {
            Runbooks.Page page = Runbooks.builtIn().page(mode);
            assertThat(page.title()).isEqualTo(mode.title());
            assertThat(page.custom()).isFalse();
            assertThat(page.html()).as(mode.slug()).contains(SECTIONS).contains("<h1>" + mode.title() + "</h1>")
                    .contains("<th>Step</th>", "<th>Action</th>", "<th>What you are looking for</th>")
                    .containsPattern("<strong>(15|30) minutes</strong>").contains("<blockquote>");
            int rows = page.html().split("<tr>", -1).length - 1;
            assertThat(rows).as(mode.slug() + ": a header and five steps").isEqualTo(6);
        }
        assertThat(Runbooks.builtIn().page(RunbookMode.CONNECTION_REFUSED).html())
                .as("a pipe escaped inside a table cell stays in its cell").contains("grep -i -E 'oom|killed process'");
    }

    @Test
    void warningsLinkTheModeTheyLeadTo() {
        assertThat(RunbookMode.ofWarning("drift.detected")).isEqualTo(RunbookMode.SCHEMA_DRIFT);
        assertThat(RunbookMode.ofWarning("tools.fewer")).isEqualTo(RunbookMode.SCHEMA_DRIFT);
        assertThat(RunbookMode.ofWarning("certificate.expiring")).isEqualTo(RunbookMode.TLS_CERTIFICATE);
        assertThat(RunbookMode.ofWarning("credentials.expiring")).isEqualTo(RunbookMode.AUTHENTICATION_REQUIRED);
        assertThat(RunbookMode.ofWarning("latency.trend")).isEqualTo(RunbookMode.TIMEOUT);
        assertThat(RunbookMode.ofWarning("tool.error_rate")).isEqualTo(RunbookMode.ELEVATED_ERROR_RATE);
    }

    @Test
    void anOperatorsFileReplacesAModeAndAddsPagesWithTheirHtmlShownAsText(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("timeout.md"), """
                # Our timeout runbook

                Call the database team first. <script>alert(1)</script>

                <img src=x onerror=alert(2)>

                [dashboard](javascript:alert(3)) and [wiki](https://wiki.example.com/db)
                """);
        Files.writeString(dir.resolve("billing-api.md"), "# Billing API\n\n| Step | Action |\n|---|---|\n| 1 | restart |\n");
        Files.writeString(dir.resolve("Not_A_Page.md"), "# ignored");
        Runbooks runbooks = new Runbooks(() -> new RunbookSettings(dir.toString(), false));

        Runbooks.Page timeout = runbooks.page("timeout").orElseThrow();
        assertThat(timeout.custom()).isTrue();
        assertThat(timeout.title()).isEqualTo("Our timeout runbook");
        assertThat(timeout.html()).contains("Call the database team first.").contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("&lt;img src=x onerror=alert(2)&gt;").doesNotContain("<script").doesNotContain("<img")
                .doesNotContain("javascript:").contains("href=\"https://wiki.example.com/db\"");
        assertThat(runbooks.page("billing-api").orElseThrow().html()).contains("<td>restart</td>");
        assertThat(runbooks.page("Not_A_Page")).isEmpty();
        assertThat(runbooks.page("../etc/passwd")).isEmpty();
        assertThat(runbooks.page("connection-refused").orElseThrow().custom()).as("modes without a file keep the built-in page").isFalse();
        assertThat(runbooks.all()).extracting(Runbooks.Page::slug).containsExactly("connection-refused", "handshake-failure", "timeout",
                "schema-drift", "elevated-error-rate", "tls-certificate", "authentication-required", "billing-api");
    }

    @Test
    void htmlPassesOnlyWhenTheOperatorAllowsItAndAnEditedFileIsReadAgain(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("schema-drift.md");
        Files.writeString(file, "# Drift\n\n<details><summary>More</summary>inside</details>\n");
        Runbooks allowed = new Runbooks(() -> new RunbookSettings(dir.toString(), true));
        assertThat(allowed.page("schema-drift").orElseThrow().html()).contains("<details><summary>More</summary>");

        Files.writeString(file, "# Drift, revised\n");
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        assertThat(allowed.page("schema-drift").orElseThrow().title()).isEqualTo("Drift, revised");
    }

    @Test
    void theSettingsNameAFolderThatExists(@TempDir Path dir) throws Exception {
        var loader = new dev.mcpwatch.configfile.ConfigLoader(k -> null);
        assertThat(loader.loadText("runbooks: {dir: '" + dir + "', allow_html: true}\n", "t.yaml").runbooks())
                .isEqualTo(new RunbookSettings(dir.toString(), true));
        assertThat(loader.loadText("monitors: []\n", "t.yaml").runbooks()).isEqualTo(RunbookSettings.DEFAULT);
        assertThatThrownBy(() -> loader.loadText("runbooks: {dir: '" + dir.resolve("absent") + "'}\n", "t.yaml"))
                .hasMessageContaining("t.yaml: runbooks.dir: must be a folder of Markdown files, but '" + dir.resolve("absent")
                        + "' is not a folder");
        assertThatThrownBy(() -> loader.loadText("runbooks: {allow_htm: true}\n", "t.yaml")).hasMessageContaining("runbooks")
                .hasMessageContaining("allow_htm");
    }

    @Test
    void aFileTooLargeForARunbookLeavesTheBuiltInPageInPlace(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("timeout.md"), "# Huge\n" + "x".repeat((int) Runbooks.MAX_FILE_BYTES));
        Runbooks runbooks = new Runbooks(() -> new RunbookSettings(dir.toString(), false));
        assertThat(runbooks.page("timeout").orElseThrow().title()).isEqualTo("Timeout");
    }
}
